//! `essor diagnose`: the ESS figures of every territory from the SIRENE stocks, written to
//! `indicators.csv` / `indicators.json` with their méthodologie, and with `--territory` the
//! diagnostic pack of one territory. Exit code 0 when the inputs were clean, 1 when rows had
//! anomalies (outputs are written all the same, anomalies listed in `methodologie.md`), 2 on
//! a fatal error (nothing written).

use crate::args::DiagnoseArgs;
use crate::atomic::AtomicFile;
use crate::progress::SireneBar;
use crate::{qpv_source, text};
use anyhow::{Context, Result};
use essor_observatory::{ActorScope, Inputs, diagnose, indicators, methodology, pack};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: DiagnoseArgs) -> Result<ExitCode> {
    // Validate everything cheap before the long read.
    let territory = args
        .territory
        .as_deref()
        .map(pack::parse_territory)
        .transpose()
        .context("option --territory")?;
    let inputs = inputs(&args.sirene)?;
    let index = qpv_source::index(&args.qpv)?;
    let scope = match &territory {
        None => ActorScope::None,
        Some((level, code)) => ActorScope::Territory(*level, code.clone()),
    };
    let started = std::time::Instant::now();
    let d = diagnose(&inputs, &index, &scope, &SireneBar::default())?;
    let rows = indicators::rows(&d, index.layer());

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{} : création du dossier impossible", args.out.display()))?;
    let described = inputs.describe();
    let methodo = format!(
        "{}\n{}",
        methodology::rules(),
        methodology::run_facts(&d.report, index.layer(), &described)
    );
    // Build every file first: a failure leaves the folder as it was.
    // The two tables side by side: about 37,000 territories each, a second apiece.
    let (csv, json) = rayon::join(
        || -> Result<Vec<u8>> {
            let mut csv = Vec::new();
            indicators::write_csv(&rows, &mut csv)?;
            Ok(csv)
        },
        || indicators::write_json(&rows),
    );
    let (csv, json) = (csv?, json?);
    let pack = match &territory {
        None => None,
        Some((level, code)) => {
            let date = methodology::today();
            Some(pack::build(
                &d,
                &rows,
                index.layer(),
                *level,
                code,
                &methodo,
                &date,
            )?)
        }
    };
    write(&args.out.join("indicators.csv"), &csv)?;
    write(&args.out.join("indicators.json"), &json)?;
    write(&args.out.join("methodologie.md"), methodo.as_bytes())?;
    write(
        &args.out.join("run.json"),
        &serde_json::to_vec_pretty(&d.report)?,
    )?;
    if let Some(p) = &pack {
        write(&args.out.join("diagnostic.html"), p.html.as_bytes())?;
        write(
            &args.out.join("actors.geojson"),
            p.actors_geojson.as_bytes(),
        )?;
        write(&args.out.join("qpv.geojson"), p.qpv_geojson.as_bytes())?;
    }
    let r = &d.report;
    let france = &rows[0].tally;
    let qpv = &rows[1].tally;
    eprintln!(
        "essor diagnose ({}) : {} établissements actifs ({} localisés), {} employeurs de l'ESS dont {} en QPV ({}) ; l'ESS pèse environ {} de l'emploi en QPV contre {} en France (estimation d'après les tranches d'effectifs ; {} employeurs de l'ESS sans tranche connue, comptés à part) ; {} anomalies ; {} territoires écrits dans {} en {:.1} s.",
        r.perimeter.label(),
        text::count(r.active_establishments),
        text::count(r.located),
        text::count(france.ess_employer_establishments),
        text::count(qpv.ess_employer_establishments),
        index.layer().geography,
        text::percent(text::share_f(qpv.ess_jobs, qpv.jobs)),
        text::percent(text::share_f(france.ess_jobs, france.jobs)),
        text::count(france.ess_employer_unknown_bracket),
        text::count(r.anomaly_count),
        text::count(rows.len() as u64),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    warn_geography(index.layer().geography);
    if r.qpv_2024_rows.is_some() {
        let all = rows
            .iter()
            .find(|row| row.code == indicators::QPV_2024_TOTAL)
            .map_or(0, |row| row.tally.ess_employer_establishments);
        eprintln!(
            "QPV 2024 (géographie en vigueur) d'après plg_qp24 : {} employeurs de l'ESS dans un QPV 2024 ; chiffres par QPV 2024 (codes QN…) dans indicators.csv, exacts pour l'appartenance ; distances et abords demandent les contours officiels de 2024 (--qpv).",
            text::count(all)
        );
    }
    if pack.is_some() {
        eprintln!(
            "Dossier de diagnostic : {}",
            args.out.join("diagnostic.html").display()
        );
    }
    Ok(if r.anomaly_count > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The SIRENE input files, checked to exist before the long read, and the perimeter (shared
/// with `essor ingest`).
pub fn inputs(args: &crate::args::SireneArgs) -> Result<Inputs> {
    let (etablissements, unites_legales, geoloc) = (
        args.etablissements.as_path(),
        args.unites_legales.as_path(),
        args.geoloc.as_deref(),
    );
    for (flag, path) in [
        ("--etablissements", Some(etablissements)),
        ("--unites-legales", Some(unites_legales)),
        ("--geoloc", geoloc),
    ] {
        if let Some(p) = path
            && !p.is_file()
        {
            anyhow::bail!("{flag} : fichier introuvable : {}", p.display());
        }
    }
    Ok(Inputs {
        etablissements: etablissements.to_owned(),
        unites_legales: unites_legales.to_owned(),
        geoloc: geoloc.map(Path::to_owned),
        perimeter: args.perimeter,
    })
}

/// On the embedded 2015 layer, says on its own line that it is the replaced geography and
/// how to load the current one (issue 14; shared with `essor ingest`).
pub fn warn_geography(g: essor_model::QpvGeography) {
    let w = methodology::geography_warning(g);
    if !w.is_empty() {
        eprintln!("Attention : {g}{w}.");
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)?;
    f.commit()
}
