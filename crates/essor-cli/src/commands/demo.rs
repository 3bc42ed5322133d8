//! `essor demo`: the main job on the embedded data, for a first look on a fresh clone. It
//! writes the 35,357 commune inside points of 2018 (IGN/INSEE) as a point file, locates them
//! against the embedded 2015 QPV and measures the 1 km coverage, through the same code paths
//! as `essor locate` and `essor coverage`.

use crate::args::DemoArgs;
use crate::atomic::AtomicFile;
use crate::commands::{coverage, locate};
use crate::points::PointReader;
use anyhow::{Context, Result};
use essor_geo::{Bands, QpvIndex};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{} : création du dossier impossible", args.out.display()))?;
    let points_path = args.out.join("communes_2018_points.csv");
    let mut points = AtomicFile::create(&points_path)?;
    points.write_all(b"id,nom,lon,lat\n")?;
    let communes = essor_refdata::contours::commune_points_2018();
    for c in &communes {
        let mut line = Vec::new();
        line.extend_from_slice(c.code.as_bytes());
        line.push(b',');
        locate::write_field(&mut line, &c.nom);
        writeln!(line, ",{},{}", c.lon, c.lat)?;
        points.write_all(&line)?;
    }
    points.commit()?;

    let index = QpvIndex::new(essor_refdata::qpv::qpv_2015());
    eprintln!(
        "Démonstration : les {} points intérieurs des communes (IGN Admin Express 2018) face aux {} QPV 2015 embarqués.",
        crate::text::int(communes.len() as u64),
        crate::text::int(index.layer().len() as u64)
    );
    let bands = Bands::default();
    let located = args.out.join("communes_2018_located.csv");
    let summary = locate::locate_file(
        &index,
        PointReader::open(&points_path, None)?,
        &located,
        &bands,
        None,
    )?;
    eprintln!("{}", summary.sentence(&bands));
    let covered = args.out.join("qpv_coverage_1000m.csv");
    let coverage = coverage::cover_file(
        &index,
        PointReader::open(&points_path, None)?,
        1000.0,
        &covered,
        None,
    )?;
    eprintln!("{}", coverage.sentence(1000.0));
    eprintln!(
        "Résultats : {}, {}, {}",
        points_path.display(),
        located.display(),
        covered.display()
    );
    Ok(ExitCode::SUCCESS)
}
