//! `essor admin`: administration of an instance from the command line. `purge` erases the
//! names and contacts of referrals past their retention, as the server does every day.

use crate::args::{AdminArgs, AdminCommand, PurgeArgs};
use anyhow::{Context, Result};
use essor_store::registry::{FILE_NAME, Registry};
use std::process::ExitCode;

pub fn run(args: AdminArgs) -> Result<ExitCode> {
    match args.command {
        AdminCommand::Purge(args) => purge(args),
    }
}

fn purge(args: PurgeArgs) -> Result<ExitCode> {
    let path = args.store.join(FILE_NAME);
    if !path.is_file() {
        anyhow::bail!(
            "{} : aucun registre (les mises en relation sont enregistrées par `essor serve --store {}`)",
            path.display(),
            args.store.display()
        );
    }
    let retention = args.retention.retention();
    let registry = Registry::open(&path)?.with_retention(retention);
    let n = registry
        .purge()
        .with_context(|| format!("{} : effacement impossible", path.display()))?;
    eprintln!(
        "essor admin purge : noms et contacts de {} mises en relation effacés (sans changement depuis plus de {} mois) dans {}.",
        crate::text::count(n),
        retention.contact_months,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
