//! [`AppState`]: what every handler shares, cheap to clone.

use crate::cache::PageCache;
use crate::orientation::Orientation;
use crate::qpv_shapes::QpvShapes;
use crate::registry::{Disabled, ReferralRegistry};
use crate::security::{PublicUrl, WriteRate};
use crate::store::{ActorStore, EmptyStore};
use crate::tiles::Tiles;
use essor_geo::{Bands, QpvIndex};
use essor_observatory::territories::Territories;
use std::sync::Arc;

/// Rendered territory pages kept per store generation: about 100 kB a commune page, so a few
/// thousand of the most asked-for territories.
const PAGE_CACHE_BYTES: usize = 512 << 20;

/// The QPV engine, the QPV in WGS84, the tile layers, the store, the orientation catalogue and
/// the registry of referrals.
#[derive(Debug, Clone)]
pub struct AppState {
    pub index: Arc<QpvIndex>,
    /// The COG tables and the communes of each QPV, as the observatory counts them (which
    /// QPV lie in which territory).
    pub places: Arc<Territories>,
    pub shapes: Arc<QpvShapes>,
    pub tiles: Arc<Tiles>,
    pub store: Arc<dyn ActorStore>,
    /// Territory pages of the store's current generation.
    pub pages: Arc<PageCache>,
    /// Default proximity bands of `/api/v1/locate`.
    pub bands: Bands,
    /// The catalogue of schemes and the matcher's locator (over `index`).
    pub orientation: Arc<Orientation>,
    /// Referrals; [`Disabled`] unless the server was given a store folder.
    pub registry: Arc<dyn ReferralRegistry>,
    /// The base of absolute links (`--public-url`); when `None`, [`crate::Server::run`]
    /// takes the listening address.
    pub public_url: Option<PublicUrl>,
    /// Writes allowed per client address (`--write-rate`).
    pub write_rate: WriteRate,
}

impl AppState {
    /// A state over a QPV layer and a store. Builds the index and the WGS84 shapes now
    /// (under a second for the embedded layer); the outline layers load on first use.
    pub fn new(index: QpvIndex, store: Arc<dyn ActorStore>) -> Self {
        let shapes = QpvShapes::new(index.layer());
        let tiles = Tiles::new(&shapes, store.clone());
        let index = Arc::new(index);
        Self {
            orientation: Arc::new(Orientation::embedded(index.clone())),
            places: Arc::new(Territories::new(index.layer())),
            index,
            shapes: Arc::new(shapes),
            tiles: Arc::new(tiles),
            store,
            pages: Arc::new(PageCache::new(PAGE_CACHE_BYTES)),
            bands: Bands::default(),
            registry: Arc::new(Disabled),
            public_url: None,
            write_rate: WriteRate::default(),
        }
    }

    /// The embedded QPV 2015 and no data: what `essor serve` without `--store` runs.
    pub fn embedded() -> Self {
        Self::new(
            QpvIndex::new(essor_refdata::qpv::qpv_2015()),
            Arc::new(EmptyStore),
        )
    }

    /// The same QPV and tiles over another store (tests, `essor demo`).
    pub fn with_store(&self, store: Arc<dyn ActorStore>) -> Self {
        Self {
            tiles: Arc::new(self.tiles.with_store(store.clone())),
            store,
            pages: Arc::new(PageCache::new(PAGE_CACHE_BYTES)),
            ..self.clone()
        }
    }

    /// The same state with referrals kept in `registry`.
    pub fn with_registry(&self, registry: Arc<dyn ReferralRegistry>) -> Self {
        Self {
            registry,
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
