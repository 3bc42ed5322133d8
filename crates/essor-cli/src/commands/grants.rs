//! `essor grants import --input FILE --output SCDL.csv [--report REPORT.json]
//! [--default FIELD=VALUE]…`: a grant file in the SCDL « subventions » spirit, whatever its
//! layout, as a valid SCDL 2.1.1 CSV (`essor_grants`). The CSV and the report are written to
//! temporary files and renamed at the end; the report's issues are spooled to an anonymous
//! temporary file meanwhile, so memory stays bounded whatever the number of issues. Exit
//! codes: 1 when records were rejected (the CSV is written all the same), 2 on a fatal error
//! (nothing is written).

use crate::args::{GrantsArgs, GrantsCommand, GrantsImportArgs};
use crate::atomic::{AtomicFile, refuse_input_as_output};
use crate::text;
use anyhow::{Context, Result, bail};
use essor_grants::{Action, Defaults, Import};
use std::io::{BufWriter, Seek, Write};
use std::process::ExitCode;

pub fn run(args: GrantsArgs) -> Result<ExitCode> {
    match args.command {
        GrantsCommand::Import(args) => import(args),
    }
}

fn import(args: GrantsImportArgs) -> Result<ExitCode> {
    let mut outputs = vec![("--output", args.output.as_path())];
    if let Some(report) = &args.report {
        if report == &args.output {
            bail!(
                "options --output et --report : {} ne peut pas recevoir les deux ; choisissez deux fichiers",
                report.display()
            );
        }
        outputs.push(("--report", report.as_path()));
    }
    refuse_input_as_output(&[args.input.as_path()], &outputs)?;
    let defaults = Defaults::parse(&args.defaults)?;
    let started = std::time::Instant::now();
    let file = std::fs::File::open(&args.input)
        .with_context(|| format!("{} : lecture impossible", args.input.display()))?;
    let import = Import::open(
        std::io::BufReader::with_capacity(1 << 20, file),
        &args.input,
        defaults,
    )?;
    let (encoding, delimiter) = (import.encoding(), import.delimiter());
    let ignored = import.ignored_columns().join(", ");

    let mut output = AtomicFile::create(&args.output)?;
    let mut spool = BufWriter::new(tempfile::tempfile().context("fichier temporaire du rapport")?);
    let (mut corrected, mut first) = (0u64, true);
    let summary = import.run(&mut output, |issue| {
        if issue.action == Action::Corrected {
            corrected += 1;
        }
        if args.report.is_some() {
            spool.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            serde_json::to_writer(&mut spool, issue)?;
        }
        Ok(())
    })?;
    output.commit()?;

    if let Some(path) = &args.report {
        let mut report = AtomicFile::create(path)?;
        write!(
            report,
            "{{\"rows_read\":{},\"rows_written\":{},\"rows_rejected\":{},\"issues\":[",
            summary.rows_read, summary.rows_written, summary.rows_rejected
        )?;
        let mut spooled = spool
            .into_inner()
            .map_err(|e| e.into_error())
            .context("fichier temporaire du rapport")?;
        spooled.rewind()?;
        std::io::copy(&mut spooled, &mut report)
            .with_context(|| format!("{} : écriture impossible", path.display()))?;
        report.write_all(b"\n]}\n")?;
        report.commit()?;
    }

    eprintln!(
        "essor grants import : {} lignes lues ({}, séparateur « {} »), {} écrites dans {}, {} rejetées, {} valeurs corrigées{} en {:.1} s.",
        text::count(summary.rows_read),
        encoding.label(),
        delimiter,
        text::count(summary.rows_written),
        args.output.display(),
        text::count(summary.rows_rejected),
        text::count(corrected),
        match &args.report {
            Some(p) => format!(" (détail dans {})", p.display()),
            None => " (détail avec --report)".to_owned(),
        },
        started.elapsed().as_secs_f64(),
    );
    if !ignored.is_empty() {
        eprintln!("essor grants import : colonnes hors schéma SCDL, non reprises : {ignored}.");
    }
    Ok(if summary.rows_rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
