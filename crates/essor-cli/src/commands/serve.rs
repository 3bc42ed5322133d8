//! `essor serve`: the web server over the embedded (or given) QPV layer and, later, the store
//! built by `essor ingest`. Prints the URL, serves until Ctrl-C, then finishes the requests
//! in flight.

use crate::args::ServeArgs;
use crate::qpv_source;
use anyhow::{Context, Result, bail};
use essor_server::store::EmptyStore;
use essor_server::{AppState, Server, ServerConfig};
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    if let Some(store) = &args.store {
        // The store seam is in essor-server (`ActorStore`); its SQLite backend lands with
        // `essor ingest`. Until then, say so rather than serve an empty map silently.
        bail!(
            "{} : la lecture d'un magasin de données n'est pas encore disponible dans cette version ; lancez `essor serve` sans --store pour la carte des QPV",
            store.display()
        );
    }
    let index = qpv_source::index(&args.qpv)?;
    let state = AppState::new(index, Arc::new(EmptyStore));
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
