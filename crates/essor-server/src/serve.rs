//! Binding, serving and stopping. The CLI calls [`Server::bind`] then [`Server::run`]; tests
//! bind port 0 and read [`Server::local_addr`].

use crate::AppState;
use crate::security::PublicUrl;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// What to serve and where.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    pub state: AppState,
}

/// A bound server, not yet serving.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn bind(config: ServerConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.addr).await?;
        Ok(Self {
            listener,
            state: config.state,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The base of absolute links: the configured public address, else the listening one.
    pub fn public_url(&self) -> std::io::Result<PublicUrl> {
        match &self.state.public_url {
            Some(url) => Ok(url.clone()),
            None => Ok(PublicUrl::local(self.local_addr()?)),
        }
    }

    /// The same server, offering sign-in through `oidc` (discovered once the public address
    /// is known: the provider sends people back under it).
    pub fn with_oidc(self, oidc: std::sync::Arc<crate::security::oidc::Oidc>) -> Self {
        Self {
            state: self.state.with_oidc(oidc),
            ..self
        }
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.state.warm_tiles();
        let state = self.state.with_public_url(self.public_url()?);
        let app = crate::router(state);
        // The peer address feeds the rate limit of writes.
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM, what systemd and container runtimes
/// send to stop a service: either way the server then drains the requests in flight.
pub async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    () = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => ctrl_c.await,
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}
