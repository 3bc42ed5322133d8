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
    let retention = args.retention.retention();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("démarrage du moteur d'exécution")?;
    runtime.block_on(async {
        let registry = match (&args.target.registry, &args.target.store) {
            (Some(url), _) => Registry::connect(url).await?,
            (None, Some(store)) => {
                let path = store.join(FILE_NAME);
                if !path.is_file() {
                    anyhow::bail!(
                        "{} : aucun registre (les mises en relation sont enregistrées par `essor serve --store {}`)",
                        path.display(),
                        store.display()
                    );
                }
                Registry::open(&path).await?
            }
            (None, None) => anyhow::bail!("--store DOSSIER ou --registre URL attendu"),
        }
        .with_retention(retention);
        let n = registry
            .purge()
            .await
            .with_context(|| format!("{} : effacement impossible", registry.location()))?;
        registry.close().await;
        eprintln!(
            "essor admin purge : noms et contacts de {} mises en relation effacés (sans changement depuis plus de {} mois) dans {}.",
            crate::text::count(n),
            retention.contact_months,
            registry.location()
        );
        Ok(ExitCode::SUCCESS)
    })
}
