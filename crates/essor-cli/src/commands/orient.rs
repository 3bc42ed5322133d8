//! `essor orient --profile profile.json [--format json|text]`: every scheme of the catalogue
//! for a project, best first, with eligibility, score, reasons and missing information. The
//! profile's commune or lon/lat become QPV facts through the geodata engine
//! ([`EngineLocator`], shared with the server).

use crate::args::OrientArgs;
use crate::qpv_source;
use anyhow::{Context, Result, bail};
use essor_app::orientation::EngineLocator;
use essor_orientation::{Catalogue, MatchOptions, OrientationReport, Profile, orient, render_text};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(args: OrientArgs) -> Result<ExitCode> {
    let text_output = match args.format.as_str() {
        "json" => false,
        "text" => true,
        other => bail!("option --format : « {other} » inconnu (attendu : json ou text)"),
    };
    let catalogue = match &args.catalogue {
        None => Catalogue::embedded().context("catalogue embarqué")?,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{} : lecture impossible", path.display()))?;
            Catalogue::from_toml_str(&text, &path.display().to_string())
                .with_context(|| path.display().to_string())?
        }
    };
    // Facts checked too long ago are still used, but the user is told (issue 13).
    for warning in catalogue.stale_warnings(
        &essor_orientation::freshness::today_utc(),
        essor_orientation::freshness::DEFAULT_MAX_AGE_DAYS,
    ) {
        eprintln!("essor orient : attention : {warning}");
    }
    let text = std::fs::read_to_string(&args.profile)
        .with_context(|| format!("{} : lecture impossible", args.profile.display()))?;
    let profile = Profile::from_json(&text).with_context(|| args.profile.display().to_string())?;
    // The same locator as the server's, so `essor orient` and `POST /api/v1/orientation` agree.
    let locator = EngineLocator::new(Arc::new(qpv_source::index(&args.qpv)?));
    let results = orient(&catalogue, &profile, &locator, &MatchOptions::default());
    let answer = if text_output {
        render_text(&catalogue, &results)
    } else {
        OrientationReport::new(results).to_json_pretty()
    };
    // `println!` panics when the reader has gone (`essor orient … | head`); an error here
    // reaches `main`, which ends quietly on a broken pipe.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{answer}")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
