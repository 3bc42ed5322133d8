//! `essor coverage`: the question observatories ask — "36 % des QPV ont un tiers-lieu au sein
//! du quartier ou à moins d'1 km ; 31 % des tiers-lieux sont dans un QPV ou à moins d'1 km".
//! One row per QPV (`qpv_code,qpv_name,points_inside,points_within_distance`), both shares
//! printed. A point within the distance of several QPV counts for each of them.

use crate::args::CoverageArgs;
use crate::atomic::AtomicFile;
use crate::points::{PointReader, Rejects, RowError};
use crate::{qpv_source, text};
use anyhow::{Context, Result, bail};
use essor_geo::QpvIndex;
use essor_model::csv_line::{Lines, spreadsheet_text};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(args: CoverageArgs) -> Result<ExitCode> {
    if !(args.distance.is_finite() && args.distance >= 0.0) {
        bail!("option --distance : distance en mètres attendue (ex. 1000)");
    }
    let rejects = args.points.rejects_for(&args.output, &args.qpv)?;
    let index = qpv_source::index(&args.qpv)?;
    let reader = PointReader::open(&args.points.input, args.points.crs.as_deref())?;
    let coverage = cover_file(
        &index,
        reader,
        args.distance,
        &args.output,
        rejects.as_deref(),
    )?;
    eprintln!("{}", coverage.sentence(args.distance));
    Ok(ExitCode::SUCCESS)
}

/// Totals of a coverage run.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub qpv_total: u64,
    pub qpv_covered: u64,
    pub points_read: u64,
    pub points_near: u64,
    pub rejected: u64,
    pub rejects_path: Option<PathBuf>,
}

impl Coverage {
    pub fn sentence(&self, distance: f64) -> String {
        let d = text::count(distance.round() as u64);
        let rejected = match (&self.rejects_path, self.rejected) {
            (_, 0) => String::new(),
            (Some(p), n) => format!(
                " ; {} lignes rejetées (voir {})",
                text::count(n),
                p.display()
            ),
            (None, n) => format!(" ; {} lignes rejetées", text::count(n)),
        };
        format!(
            "essor coverage : {} des QPV ({} sur {}) ont au moins un point à l'intérieur ou à moins de {d} m ; {} des points ({} sur {}) sont dans un QPV ou à moins de {d} m{rejected}.",
            text::percent(text::share(self.qpv_covered, self.qpv_total)),
            text::count(self.qpv_covered),
            text::count(self.qpv_total),
            text::percent(text::share(self.points_near, self.points_read)),
            text::count(self.points_near),
            text::count(self.points_read),
        )
    }
}

#[derive(Default)]
struct Counts {
    inside: Vec<u64>,
    within: Vec<u64>,
    points_near: u64,
    located: u64,
}

impl Counts {
    fn new(n: usize) -> Self {
        Self {
            inside: vec![0; n],
            within: vec![0; n],
            ..Default::default()
        }
    }
    fn merge(mut self, other: Self) -> Self {
        for (a, b) in self.inside.iter_mut().zip(other.inside) {
            *a += b;
        }
        for (a, b) in self.within.iter_mut().zip(other.within) {
            *a += b;
        }
        self.points_near += other.points_near;
        self.located += other.located;
        self
    }
}

pub fn cover_file(
    index: &QpvIndex,
    reader: PointReader,
    distance: f64,
    output: &Path,
    rejects: Option<&Path>,
) -> Result<Coverage> {
    let input = reader.path().to_owned();
    let fields = reader.coordinate_fields();
    let locator = index.locator(reader.crs());
    let n = index.layer().len();
    let mut totals = Counts::new(n);
    let mut rejects = rejects.map(Rejects::create).transpose()?;
    crate::commands::pipeline(reader, |chunk| {
        let (counts, errors) = chunk
            .par_chunks(2048)
            .map(|rows| {
                let mut counts = Counts::new(n);
                let mut errors = Vec::new();
                for row in rows {
                    let p = match row {
                        Ok(p) => p,
                        Err(e) => {
                            errors.push(e.clone());
                            continue;
                        }
                    };
                    match locator.within(p.x, p.y, distance) {
                        Ok(found) => {
                            counts.located += 1;
                            if !found.is_empty() {
                                counts.points_near += 1;
                            }
                            for (q, d) in found {
                                counts.within[q as usize] += 1;
                                if d == 0.0 {
                                    counts.inside[q as usize] += 1;
                                }
                            }
                        }
                        Err(e) => errors.push(RowError {
                            line: p.line,
                            field: fields.clone(),
                            reason: e.to_string(),
                            record: format!("{},{},{}", p.id, p.x, p.y),
                        }),
                    }
                }
                (counts, errors)
            })
            .reduce(
                || (Counts::new(n), Vec::new()),
                |(a, mut ea), (b, eb)| {
                    ea.extend(eb);
                    (a.merge(b), ea)
                },
            );
        totals = std::mem::take(&mut totals).merge(counts);
        let mut errors = errors;
        errors.sort_by_key(|e| e.line);
        for e in &errors {
            match rejects.as_mut() {
                Some(r) => r.push(e)?,
                None => bail!("{}, {e}", input.display()),
            }
        }
        Ok(())
    })?;
    let mut out = AtomicFile::create(output)?;
    out.write_all(b"qpv_code,qpv_name,points_inside,points_within_distance\n")?;
    let mut lines = Lines::with_capacity(n * 48);
    for (i, f) in index.layer().features.iter().enumerate() {
        lines.push([
            f.code.as_str(),
            &spreadsheet_text(&f.name),
            &totals.inside[i].to_string(),
            &totals.within[i].to_string(),
        ]);
    }
    out.write_all(&lines.into_bytes())?;
    out.commit()
        .with_context(|| format!("{} : écriture impossible", output.display()))?;
    let mut coverage = Coverage {
        qpv_total: n as u64,
        qpv_covered: totals.within.iter().filter(|&&c| c > 0).count() as u64,
        points_read: totals.located,
        points_near: totals.points_near,
        ..Default::default()
    };
    if let Some(r) = rejects {
        coverage.rejected = r.count;
        coverage.points_read += r.count;
        coverage.rejects_path = Some(r.path().to_owned());
        r.commit()?;
    }
    Ok(coverage)
}
