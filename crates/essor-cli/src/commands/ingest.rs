//! `essor ingest`: the application store of `essor serve` from the SIRENE stocks. Runs the
//! observatory's pipeline (as `essor diagnose`) keeping every diffusible ESS establishment,
//! then writes the snapshot (`essor.sqlite`: actors, French full-text index, figures of every
//! territory, provenance) in a temporary file of the store folder and renames it in. A server
//! following the folder swaps to it on its own; the registry (`registre.sqlite`) is not
//! touched. Exit codes as `essor diagnose`: 1 when rows had anomalies (the store is built all
//! the same), 2 on a fatal error (the old store stays).

use crate::args::IngestArgs;
use crate::commands::diagnose;
use crate::progress::SireneBar;
use crate::{qpv_source, text};
use anyhow::{Context, Result};
use essor_observatory::{ActorScope, indicators, methodology};
use std::process::ExitCode;

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let inputs = diagnose::inputs(&args.sirene)?;
    let index = qpv_source::index(&args.qpv)?;
    let started = std::time::Instant::now();
    let d = essor_observatory::diagnose(&inputs, &index, &ActorScope::All, &SireneBar::default())?;
    let rows = indicators::rows(&d, index.layer());
    let description = args.description.clone().unwrap_or_else(|| {
        format!(
            "Stocks Sirene ({}), indicateurs calculés le {}.",
            inputs.describe_names(),
            methodology::today()
        )
    });
    eprintln!(
        "essor ingest : écriture du magasin dans {}…",
        args.store.display()
    );
    let (path, actors) = essor_app::store::sqlite::write_snapshot(
        &args.store,
        &d,
        &rows,
        index.layer(),
        &inputs,
        &description,
        args.synthetic,
    )
    .with_context(|| format!("magasin {}", args.store.display()))?;
    let r = &d.report;
    eprintln!(
        "essor ingest ({}) : {} établissements actifs lus, {} acteurs diffusibles de l'ESS et {} territoires dans {} en {:.1} s ; {} anomalies.",
        r.perimeter.label(),
        text::count(r.active_establishments),
        text::count(u64::from(actors)),
        text::count(rows.len() as u64),
        path.display(),
        started.elapsed().as_secs_f64(),
        text::count(r.anomaly_count),
    );
    diagnose::warn_geography(index.layer().geography);
    Ok(if r.anomaly_count > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
