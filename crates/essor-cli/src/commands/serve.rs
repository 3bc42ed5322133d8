//! `essor serve`: the web server over the embedded (or given) QPV layer and the store built by
//! `essor ingest`. Prints the URL, serves until Ctrl-C or SIGTERM (what systemd and container
//! runtimes send), then finishes the requests in flight and closes the stores.
//!
//! With `--store DIR`, the actors and figures come from `DIR/essor.sqlite`, followed: a new
//! ingest into the same folder is picked up without a restart. Referrals are kept in
//! `DIR/registre.sqlite` (created when absent), or in the PostgreSQL database of
//! `--registre postgres://…` that several servers share.
//! Invitations and password-reset links are sent over `--smtp`, else written to the log.
//! Without either, no personal data is written anywhere and the referral pages and endpoints
//! say how to turn them on (503): a folder nobody chose is no place for names and contacts.
//!
//! With `--oidc-issuer` (and the client's secret in `ESSOR_OIDC_CLIENT_SECRET`), the sign-in page
//! also offers the OpenID Connect provider (ProConnect), discovered at startup: a provider that
//! does not answer stops the server with a French message rather than leave a broken button.

use crate::args::ServeArgs;
use crate::qpv_source;
use anyhow::{Context, Result};
use essor_app::registry::SqlRegistry;
use essor_app::store::{ActorStore, EmptyStore, SqliteStore};
use essor_server::security::oidc::{Oidc, OidcConfig};
use essor_server::{AppState, Server, ServerConfig};
use essor_store::registry::Retention;
use essor_store::snapshot::LiveEvent;
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let index = qpv_source::index(&args.qpv)?;
    let store: Arc<dyn ActorStore> = match &args.store {
        None => Arc::new(EmptyStore),
        Some(dir) => Arc::new(open_store(dir)?),
    };
    let mailer = args.mail.mailer()?;
    eprintln!("essor serve : {}", mailer.describe());
    let state = AppState::new(index, store).with_mailer(mailer);
    let registry = match (&args.registry, &args.store) {
        (Some(url), _) => RegistryPlace::Server(url.clone()),
        (None, Some(dir)) => RegistryPlace::Folder(dir.clone()),
        (None, None) => RegistryPlace::None,
    };
    let oidc = args
        .oidc
        .config(|name| std::env::var(name).ok())
        .map_err(anyhow::Error::msg)?;
    if oidc.is_some() && matches!(registry, RegistryPlace::None) {
        anyhow::bail!(
            "--oidc-issuer : la connexion ouvre un compte essor, qui vit dans le registre : ajoutez --store DOSSIER (ou --registre postgres://…)"
        );
    }
    args.web.init_logs();
    serve(
        args.addr,
        args.web.apply(state),
        registry,
        args.retention.retention(),
        oidc,
        None,
    )
}

/// Where a server keeps its referrals.
#[derive(Debug, Clone)]
pub enum RegistryPlace {
    /// Nowhere: referrals are off.
    None,
    /// `registre.sqlite` in this store folder.
    Folder(std::path::PathBuf),
    /// This PostgreSQL database.
    Server(String),
}

/// Opens the registry of `place` (inside the runtime that will use its connections).
async fn open_registry(place: &RegistryPlace, retention: Retention) -> Result<Option<SqlRegistry>> {
    let registry = match place {
        RegistryPlace::None => return Ok(None),
        RegistryPlace::Folder(dir) => SqlRegistry::open_in(dir, retention).await?,
        RegistryPlace::Server(url) => SqlRegistry::connect(url, retention).await?,
    };
    eprintln!(
        "essor serve : mises en relation enregistrées dans {} (liens valables {} jours, noms et contacts effacés {} mois après le dernier changement)",
        registry.location(),
        retention.link_days,
        retention.contact_months
    );
    Ok(Some(registry))
}

/// The store of a folder, followed, with a French line for each new snapshot.
pub fn open_store(dir: &std::path::Path) -> Result<SqliteStore> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{} : création du dossier impossible", dir.display()))?;
    let store = SqliteStore::open(dir, |event| match event {
        LiveEvent::Swapped(path) => {
            eprintln!(
                "essor serve : nouveau magasin en service ({})",
                path.display()
            );
        }
        LiveEvent::Failed(e) => {
            eprintln!("essor serve : {e} ; le magasin précédent reste en service");
        }
        _ => {}
    })?;
    let status = store.status();
    if status.loaded {
        eprintln!(
            "essor serve : {} acteurs de l'ESS dans {}",
            crate::text::count(status.actors),
            dir.join(essor_store::snapshot::FILE_NAME).display()
        );
    } else {
        eprintln!("essor serve : {}", status.description);
    }
    Ok(store)
}

/// Serves `state`, with the registry of `registry`, on `addr` until Ctrl-C or SIGTERM.
/// `banner` is printed once the port is taken, so that a port already in use is said before
/// any invitation to open the address.
pub fn serve(
    addr: std::net::SocketAddr,
    state: AppState,
    registry: RegistryPlace,
    retention: Retention,
    oidc: Option<OidcConfig>,
    banner: Option<&str>,
) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("démarrage du serveur")?;
    runtime.block_on(async move {
        let state = match open_registry(&registry, retention).await? {
            Some(registry) => state.with_sql_registry(registry),
            None => state,
        };
        let state_registry = state.registry.clone();
        let server = Server::bind(ServerConfig { addr, state })
            .await
            .with_context(|| format!("écoute sur {addr} impossible (port déjà pris ?)"))?;
        let addr = server.local_addr()?;
        // Discovered once the public address is known: the provider sends people back under it.
        let server = match oidc {
            None => server,
            Some(config) => {
                let public_url = server.public_url()?;
                let provider = Oidc::discover(config, &public_url).await?;
                eprintln!(
                    "essor serve : connexion avec {} ({}) ; adresse de retour à déclarer chez le fournisseur : {}",
                    provider.label(),
                    provider.issuer(),
                    public_url.join(essor_server::security::oidc::RETURN_PATH)
                );
                server.with_oidc(Arc::new(provider))
            }
        };
        if let Some(banner) = banner {
            eprintln!("{banner}");
        }
        daily_purge(&state_registry);
        eprintln!("essor serve : carte et API sur http://{addr}/ (documentation : http://{addr}/api/docs) ; Ctrl-C pour arrêter.");
        eprintln!(
            "essor serve : liens absolus sur {}",
            server.public_url()?
        );
        server
            .run(essor_server::stop_signal())
            .await
            .context("serveur web")?;
        eprintln!("essor serve : arrêté.");
        Ok(ExitCode::SUCCESS)
    })
}

/// Erases the personal data past their retention now, then every day (a server without a
/// registry has none).
fn daily_purge(registry: &Arc<dyn essor_app::registry::ReferralRegistry>) {
    if !registry.enabled() {
        return;
    }
    let registry = registry.clone();
    tokio::spawn(async move {
        let mut every_day = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            every_day.tick().await;
            match registry.purge().await {
                Ok(0) => {}
                Ok(n) => eprintln!(
                    "essor serve : noms et contacts de {} mises en relation effacés (durée de conservation échue)",
                    crate::text::count(n)
                ),
                Err(e) => eprintln!("essor serve : effacement des données échues impossible : {e}"),
            }
        }
    });
}
