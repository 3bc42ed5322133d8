//! `essor locate`: for each input point, the QPV that covers it, the nearest QPV, the
//! distance in metres and the proximity band. The output contract
//! (`id,qpv_code,nearest_qpv_code,distance_m,band`) is stable: other tools depend on it.

use crate::args::LocateArgs;
use crate::atomic::AtomicFile;
use crate::points::{PointReader, Rejects, RowError};
use crate::{qpv_source, text};
use anyhow::{Context, Result};
use essor_geo::{Band, Bands, QpvIndex};
use essor_model::csv_line::Lines;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const HEADER: &str = "id,qpv_code,nearest_qpv_code,distance_m,band\n";

pub fn run(args: LocateArgs) -> Result<ExitCode> {
    let bands: Bands = args
        .bands
        .parse()
        .map_err(anyhow::Error::msg)
        .context("option --bands")?;
    let rejects = args.points.rejects_for(&args.output, &args.qpv)?;
    let index = qpv_source::index(&args.qpv)?;
    let reader = PointReader::open(&args.points.input, args.points.crs.as_deref())?;
    let summary = locate_file(&index, reader, &args.output, &bands, rejects.as_deref())?;
    eprintln!("{}", summary.sentence(&bands));
    Ok(ExitCode::SUCCESS)
}

/// Counts for the closing sentence.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub read: u64,
    /// Per band, in `Bands::all()` order.
    pub per_band: Vec<u64>,
    pub rejected: u64,
    pub rejects_path: Option<PathBuf>,
}

impl Summary {
    pub fn sentence(&self, bands: &Bands) -> String {
        let mut parts = vec![format!("{} points lus", text::count(self.read))];
        let mut previous = None;
        for (band, n) in bands.all().iter().zip(&self.per_band) {
            let n = text::count(*n);
            parts.push(match (band, previous) {
                (Band::In, _) => format!("{n} dans un QPV"),
                (Band::Within(t), None) => {
                    format!("{n} à {} m ou moins", text::count(u64::from(*t)))
                }
                (Band::Within(t), Some(p)) => format!(
                    "{n} entre {} et {} m",
                    text::count(p),
                    text::count(u64::from(*t))
                ),
                (Band::Out, _) => format!("{n} au-delà"),
            });
            if let Band::Within(t) = band {
                previous = Some(u64::from(*t));
            }
        }
        let rejected = match (&self.rejects_path, self.rejected) {
            (_, 0) => "aucune ligne rejetée".to_owned(),
            (Some(p), n) => format!("{} lignes rejetées (voir {})", text::count(n), p.display()),
            (None, n) => format!("{} lignes rejetées", text::count(n)),
        };
        format!("essor locate : {} ; {rejected}.", parts.join(", "))
    }
}

/// Locates every point of `reader` into `output` (atomically); with `rejects`, invalid rows
/// go there instead of stopping the run.
pub fn locate_file(
    index: &QpvIndex,
    reader: PointReader,
    output: &Path,
    bands: &Bands,
    rejects: Option<&Path>,
) -> Result<Summary> {
    let input = reader.path().to_owned();
    let locator = index.locator(reader.crs());
    let mut out = AtomicFile::create(output)?;
    out.write_all(HEADER.as_bytes())?;
    let mut rejects = rejects.map(Rejects::create).transpose()?;
    let all_bands = bands.all();
    let mut summary = Summary {
        per_band: vec![0; all_bands.len()],
        ..Default::default()
    };
    let fields = reader.coordinate_fields();
    crate::commands::pipeline(reader, |chunk| {
        let parts: Vec<Part> = chunk
            .par_chunks(2048)
            .map(|rows| {
                let mut part = Part {
                    lines: Lines::with_capacity(rows.len() * 48),
                    per_band: vec![0; all_bands.len()],
                    errors: Vec::new(),
                };
                for row in rows {
                    match row {
                        Ok(p) => match locator.locate(p.x, p.y) {
                            Ok(loc) => {
                                let band = bands.classify(loc.qpv.is_some(), loc.distance_m);
                                part.per_band[all_bands
                                    .iter()
                                    .position(|b| *b == band)
                                    .expect("band of the list")] += 1;
                                write_row(&mut part.lines, &p.id, index, &loc, band);
                            }
                            Err(e) => part.errors.push(RowError {
                                line: p.line,
                                field: fields.clone(),
                                reason: e.to_string(),
                                record: format!("{},{},{}", p.id, p.x, p.y),
                            }),
                        },
                        Err(e) => part.errors.push(e.clone()),
                    }
                }
                part
            })
            .collect();
        for part in parts {
            summary.read += (part.per_band.iter().sum::<u64>()) + part.errors.len() as u64;
            for (total, n) in summary.per_band.iter_mut().zip(&part.per_band) {
                *total += n;
            }
            for e in &part.errors {
                match rejects.as_mut() {
                    Some(r) => r.push(e)?,
                    None => anyhow::bail!("{}, {e}", input.display()),
                }
            }
            out.write_all(&part.lines.into_bytes())?;
        }
        Ok(())
    })?;
    out.commit()?;
    if let Some(r) = rejects {
        summary.rejected = r.count;
        summary.rejects_path = Some(r.path().to_owned());
        r.commit()?;
    }
    Ok(summary)
}

struct Part {
    lines: Lines,
    per_band: Vec<u64>,
    errors: Vec<RowError>,
}

fn write_row(out: &mut Lines, id: &str, index: &QpvIndex, loc: &essor_geo::Location, band: Band) {
    let code = |q: Option<essor_geo::QpvId>| q.map_or("", |q| index.layer().get(q).code.as_str());
    let distance = loc
        .distance_m
        .map(|d| format!("{d:.1}"))
        .unwrap_or_default();
    out.push([
        id,
        code(loc.qpv),
        code(loc.nearest),
        &distance,
        &band.to_string(),
    ]);
}
