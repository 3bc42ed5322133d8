//! `essor synth`: a synthetic SIRENE stock (fictitious organisations, official layouts) for
//! tests, demos and benchmarks; the work is `essor_synth::generate`.

use crate::args::SynthArgs;
use crate::text;
use anyhow::Result;
use essor_synth::{SynthConfig, generate};
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use std::sync::Mutex;

pub fn run(args: SynthArgs) -> Result<ExitCode> {
    let config = SynthConfig {
        establishments: args.establishments,
        seed: args.seed,
        out_dir: args.out.clone(),
        parquet: args.parquet,
        geoloc: args.geoloc,
    };
    let started = std::time::Instant::now();
    let s = generate(&config, &GenerationBar::default())?;
    eprintln!(
        "essor synth : {} établissements ({} actifs, dont {} de l'ESS diffusibles) et {} unités légales ({} non diffusibles) écrits dans {} en {:.1} s (graine {}).",
        text::count(s.establishments),
        text::count(s.active_establishments),
        text::count(s.ess_active_diffusible_establishments),
        text::count(s.legal_units),
        text::count(s.non_diffusible_units),
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.seed
    );
    for f in &s.files {
        eprintln!("  {}", f.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// One bar counting generated establishments (hidden when stderr is not a terminal).
#[derive(Debug, Default)]
struct GenerationBar {
    bar: Mutex<Option<ProgressBar>>,
}

impl essor_sirene::Progress for GenerationBar {
    fn begin(
        &self,
        _kind: essor_sirene::FileKind,
        _path: &std::path::Path,
        total: u64,
        _unit: essor_sirene::ProgressUnit,
    ) {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} établissements ({eta})")
                .expect("static template")
                .progress_chars("=> "),
        );
        bar.set_message("Génération");
        *self.bar.lock().expect("no panic") = Some(bar);
    }
    fn advance(&self, done: u64) {
        if let Some(b) = self.bar.lock().expect("no panic").as_ref() {
            b.inc(done);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.lock().expect("no panic").take() {
            b.finish_and_clear();
        }
    }
}
