//! `essor demo`: the whole observatory on a fresh clone, with no data to download. Three
//! steps, each skipped when its result is already there and up to date:
//!
//! 1. a national synthetic SIRENE stock (`essor synth`: official layouts, real communes and
//!    QPV, every name marked FICTIF/FICTIVE) in `DIR/sirene/`, remembered by its size and seed;
//! 2. the store (`essor ingest` on it) in `DIR/magasin/`, marked synthetic so that every page
//!    carries the « démonstration » banner;
//! 3. `essor serve --store DIR/magasin` on `--addr`, the URL printed.

use crate::args::DemoArgs;
use crate::commands::serve;
use crate::progress::SireneBar;
use crate::text;
use anyhow::{Context, Result};
use essor_observatory::{ActorScope, Inputs, indicators};
use essor_server::AppState;
use essor_synth::{SynthConfig, files};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Remembers which stock `DIR/sirene/` holds.
const MARKER: &str = "essor-synth.json";

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let sirene = args.dir.join("sirene");
    let store = args.dir.join("magasin");
    let started = std::time::Instant::now();
    let fresh_stock = ensure_stock(&sirene, args.establishments, args.seed)?;
    let inputs = Inputs {
        etablissements: sirene.join(files::ETABLISSEMENTS_CSV),
        unites_legales: sirene.join(files::UNITES_LEGALES_CSV),
        geoloc: None,
        perimeter: essor_model::legal::Perimeter::default(),
    };
    let snapshot = store.join(essor_store::snapshot::FILE_NAME);
    let index = essor_geo::QpvIndex::new(essor_refdata::qpv::qpv_2015());
    // A store built by an older essor (another schema) is built again, not refused.
    if fresh_stock
        || !essor_store::snapshot::Snapshot::is_current(&snapshot)
        || older(&snapshot, &sirene.join(MARKER))
    {
        eprintln!(
            "essor demo : construction du magasin dans {}…",
            store.display()
        );
        let d =
            essor_observatory::diagnose(&inputs, &index, &ActorScope::All, &SireneBar::default())?;
        let rows = indicators::rows(&d, index.layer());
        // The pages' banner says « démonstration » and « synthétiques » around this.
        let description = format!(
            "stocks Sirene générés par essor synth, {} établissements, graine {} ; communes, QPV et règles de calcul réels",
            text::count(args.establishments),
            args.seed
        );
        let (_, actors) = essor_app::store::sqlite::write_snapshot(
            &store,
            &d,
            &rows,
            index.layer(),
            &inputs,
            &description,
            true,
        )
        .with_context(|| format!("magasin {}", store.display()))?;
        eprintln!(
            "essor demo : {} acteurs de l'ESS et {} territoires dans le magasin.",
            text::count(u64::from(actors)),
            text::count(rows.len() as u64)
        );
    } else {
        eprintln!(
            "essor demo : magasin déjà construit ({}), réutilisé.",
            snapshot.display()
        );
    }
    eprintln!(
        "essor demo : données prêtes en {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    let sqlite = serve::open_store(&store)?;
    let state = AppState::new(index, Arc::new(sqlite));
    args.web.init_logs();
    serve::serve(
        args.addr,
        args.web.apply(state),
        serve::RegistryPlace::Folder(store.clone()),
        Default::default(),
        None,
        Some(
            "essor demo : DÉMONSTRATION sur données synthétiques ; ouvrez l'adresse ci-dessous dans un navigateur.",
        ),
    )
}

/// Makes sure `dir` holds the synthetic stock of this size and seed; true when it was
/// (re)generated now.
fn ensure_stock(dir: &Path, establishments: u64, seed: u64) -> Result<bool> {
    let wanted = serde_json::json!({
        "establishments": establishments,
        "seed": seed,
        "essor": env!("CARGO_PKG_VERSION"),
    });
    let marker = dir.join(MARKER);
    let present = [files::ETABLISSEMENTS_CSV, files::UNITES_LEGALES_CSV]
        .iter()
        .all(|f| dir.join(f).is_file());
    let same = std::fs::read(&marker)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v == wanted);
    if present && same {
        eprintln!(
            "essor demo : stock synthétique déjà présent ({}), réutilisé.",
            dir.display()
        );
        return Ok(false);
    }
    eprintln!(
        "essor demo : génération d'un stock Sirene synthétique de {} établissements (graine {seed}) dans {}…",
        text::count(establishments),
        dir.display()
    );
    let summary = essor_synth::generate(
        &SynthConfig {
            establishments,
            seed,
            out_dir: dir.to_owned(),
            parquet: false,
            geoloc: false,
        },
        &SireneBar::default(),
    )?;
    eprintln!(
        "essor demo : {} unités légales, {} établissements dont {} acteurs actifs et diffusibles de l'ESS.",
        text::count(summary.legal_units),
        text::count(summary.establishments),
        text::count(summary.ess_active_diffusible_establishments)
    );
    let mut f = crate::atomic::AtomicFile::create(&marker)?;
    std::io::Write::write_all(&mut f, serde_json::to_string_pretty(&wanted)?.as_bytes())?;
    f.commit()?;
    Ok(true)
}

/// True when `a` was modified before `b` (or either date is unknown).
fn older(a: &Path, b: &Path) -> bool {
    let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (m(a), m(b)) {
        (Some(a), Some(b)) => a < b,
        _ => true,
    }
}
