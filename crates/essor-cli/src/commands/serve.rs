//! `essor serve`: the web server over the embedded (or given) QPV layer and, later, the store
//! built by `essor ingest`. Prints the URL, serves until Ctrl-C, then finishes the requests
//! in flight.
//!
//! With `--store DIR`, referrals are kept in `DIR/registre.sqlite` (created when absent).
//! Without it, no personal data is written anywhere and the referral pages and endpoints say
//! how to turn them on (503): a folder nobody chose is no place for names and contacts.

use crate::args::ServeArgs;
use crate::qpv_source;
use anyhow::{Context, Result};
use essor_server::registry::SqliteRegistry;
use essor_server::store::EmptyStore;
use essor_server::{AppState, Server, ServerConfig};
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let index = qpv_source::index(&args.qpv)?;
    let mut state = AppState::new(index, Arc::new(EmptyStore));
    if let Some(dir) = &args.store {
        let registry = SqliteRegistry::open_in(dir)?;
        eprintln!(
            "essor serve : mises en relation enregistrées dans {}",
            registry.path().display()
        );
        // The snapshot (`essor.sqlite`) gets its adapter of the store seam with `essor ingest`.
        eprintln!(
            "essor serve : la lecture des acteurs de {} n'est pas encore disponible dans cette version ; la carte et l'annuaire restent vides",
            dir.display()
        );
        state = state.with_registry(Arc::new(registry));
    }
    let runtime = tokio::runtime::Runtime::new().context("démarrage du serveur")?;
    runtime.block_on(async move {
        let server = Server::bind(ServerConfig {
            addr: args.addr,
            state,
        })
        .await
        .with_context(|| format!("écoute sur {} impossible (port déjà pris ?)", args.addr))?;
        let addr = server.local_addr()?;
        eprintln!("essor serve : carte et API sur http://{addr}/ (documentation : http://{addr}/api/docs) ; Ctrl-C pour arrêter.");
        server
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serveur web")?;
        eprintln!("essor serve : arrêté.");
        Ok(ExitCode::SUCCESS)
    })
}
