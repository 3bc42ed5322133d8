//! [`AppState`]: what every handler shares, cheap to clone — the application's use cases
//! ([`App`], which it dereferences to) and what only the web layer keeps: the tile layers and
//! the cache of rendered territory pages.

use crate::cache::PageCache;
use crate::security::oidc::Oidc;
use crate::security::{PublicUrl, WriteRate};
use crate::tiles::Tiles;
use essor_app::App;
use essor_app::registry::ReferralRegistry;
use essor_app::store::ActorStore;
use essor_geo::QpvIndex;
use std::ops::Deref;
use std::sync::Arc;

/// Rendered territory pages kept per store generation: about 100 kB a commune page, so a few
/// thousand of the most asked-for territories.
const PAGE_CACHE_BYTES: usize = 512 << 20;

/// Diagnostic reports kept per store generation: from 200 kB (a QPV) to a few MB (France).
const REPORT_CACHE_BYTES: usize = 256 << 20;

/// Heavy renders (diagnostic reports) made at once; the others wait for a permit.
pub const HEAVY_RENDERS: usize = 2;

/// The application, the tile layers and the page cache.
#[derive(Debug, Clone)]
pub struct AppState {
    pub app: App,
    pub tiles: Arc<Tiles>,
    /// Territory pages of the store's current generation.
    pub pages: Arc<PageCache>,
    /// Diagnostic reports of the store's current generation.
    pub reports: Arc<PageCache>,
    /// Permits for heavy renders ([`HEAVY_RENDERS`]).
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// The base of absolute links (`--public-url`); when `None`, [`crate::Server::run`]
    /// takes the listening address.
    pub public_url: Option<PublicUrl>,
    /// Writes allowed per client address (`--write-rate`).
    pub write_rate: WriteRate,
    /// The OpenID Connect provider people may sign in with (`--oidc-issuer`), if any.
    pub oidc: Option<Arc<Oidc>>,
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    /// A state over a QPV layer and a store. Builds the index and the WGS84 shapes now
    /// (under a second for the embedded layer); the outline layers load on first use.
    pub fn new(index: QpvIndex, store: Arc<dyn ActorStore>) -> Self {
        Self::of(App::new(index, store))
    }

    /// The web layer over an application.
    pub fn of(app: App) -> Self {
        Self {
            tiles: Arc::new(Tiles::new(&app.shapes, app.store.clone())),
            pages: Arc::new(PageCache::new(PAGE_CACHE_BYTES)),
            reports: Arc::new(PageCache::new(REPORT_CACHE_BYTES)),
            heavy: Arc::new(tokio::sync::Semaphore::new(HEAVY_RENDERS)),
            app,
            public_url: None,
            write_rate: WriteRate::default(),
            oidc: None,
        }
    }

    /// The embedded QPV 2015 and no data: what `essor serve` without `--store` runs.
    pub fn embedded() -> Self {
        Self::of(App::embedded())
    }

    /// The same QPV and tiles over another store (tests, `essor demo`).
    pub fn with_store(&self, store: Arc<dyn ActorStore>) -> Self {
        Self {
            tiles: Arc::new(self.tiles.with_store(store.clone())),
            pages: Arc::new(PageCache::new(PAGE_CACHE_BYTES)),
            reports: Arc::new(PageCache::new(REPORT_CACHE_BYTES)),
            app: self.app.with_store(store),
            ..self.clone()
        }
    }

    /// The same state with referrals kept in `registry`.
    pub fn with_registry(&self, registry: Arc<dyn ReferralRegistry>) -> Self {
        Self {
            app: self.app.with_registry(registry),
            ..self.clone()
        }
    }

    /// The same state with referrals, accounts and sessions in one SQL registry.
    pub fn with_sql_registry(&self, registry: essor_app::registry::SqlRegistry) -> Self {
        Self {
            app: self.app.with_sql_registry(registry),
            ..self.clone()
        }
    }

    /// The same state sending its e-mails through `mailer`.
    pub fn with_mailer(&self, mailer: essor_app::mail::Mailer) -> Self {
        Self {
            app: self.app.with_mailer(mailer),
            ..self.clone()
        }
    }

    /// The same state with absolute links built on `url`.
    pub fn with_public_url(&self, url: PublicUrl) -> Self {
        Self {
            public_url: Some(url),
            ..self.clone()
        }
    }

    /// The same state with sign-in through `oidc` offered on `/connexion`.
    pub fn with_oidc(&self, oidc: Arc<Oidc>) -> Self {
        Self {
            oidc: Some(oidc),
            ..self.clone()
        }
    }

    /// The same state with another write limit per address.
    pub fn with_write_rate(&self, write_rate: WriteRate) -> Self {
        Self {
            write_rate,
            ..self.clone()
        }
    }

    /// The absolute address of `path`, on the configured public address (or, for a state
    /// served by no [`crate::Server`], `http://localhost`). Never from request headers.
    pub fn absolute(&self, path: &str) -> String {
        match &self.public_url {
            Some(url) => url.join(path),
            None => format!("http://localhost{path}"),
        }
    }

    /// Loads the outline layers in the background so that the first map is quick.
    pub fn warm_tiles(&self) {
        let tiles = self.tiles.clone();
        std::thread::spawn(move || {
            for name in ["regions", "departements", "communes"] {
                if let Some(source) = tiles.polygon(name) {
                    source.warm();
                }
            }
        });
    }
}
