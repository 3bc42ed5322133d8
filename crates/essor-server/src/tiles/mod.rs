//! Mapbox Vector Tiles (MVT 2.1) made on the server from the embedded outlines and the QPV,
//! so that the map stays fluid at national scale with no external tile server: a browser
//! only ever receives what one screen needs, clipped and simplified for its zoom.
//!
//! - tile addresses and Web Mercator bounds: [`essor_geo::mercator`] (as `grid`).
//! - [`polygons`]: [`PolygonSource`], polygon layers (régions, départements, communes, QPV).
//! - [`actors`]: [`ActorSource`], the ESS actors clustered on the server, from the store.
//! - [`TileCache`] (in [`crate::cache`]): a bounded cache of encoded tiles.
//!
//! A layer is a [`TileSource`]. Sources that depend on the store read the actor filters of the
//! tile request (`?family=…&band=…`, as `/api/v1/actors`) and are cached only from zoom 0 to
//! [`STORE_TILES_MAX_ZOOM`], per store generation and filters: a few dozen tiles cover
//! France there, each summing up to half a million actors.

/// The clustered actors layer.
pub mod actors;
/// The place names of the map.
pub mod labels;
/// Tile addresses and Web Mercator (EPSG:3857).
pub use essor_geo::mercator as grid;
/// Polygon layers.
pub mod polygons;

use crate::cache::FifoCache;
pub use crate::cache::TileCache;
pub use actors::ActorSource;
pub use grid::TileId;
pub use polygons::PolygonSource;

use crate::store::{ActorQuery, ActorStore, StoreError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Tiles of layers that depend on the store are cached up to this zoom (included), for the
/// store's generation and the request's filters.
pub const STORE_TILES_MAX_ZOOM: u8 = 8;

/// One tile layer (one MVT layer of the same name per tile).
#[async_trait::async_trait]
pub trait TileSource: Send + Sync + std::fmt::Debug {
    /// Zooms the layer has data for; tiles outside are empty.
    fn zooms(&self) -> std::ops::RangeInclusive<u8>;
    /// Whether tiles may be cached (false for layers that change with the store).
    fn cacheable(&self) -> bool {
        true
    }
    /// The encoded tile (protobuf, not compressed); empty bytes for an empty tile. `filters`
    /// are the actor filters of the request; layers that do not show actors ignore them.
    async fn tile(&self, id: TileId, filters: &ActorQuery) -> Result<Vec<u8>, StoreError>;
}

/// The tile layers a server offers, by name, and their cache.
#[derive(Debug)]
pub struct Tiles {
    sources: BTreeMap<&'static str, Arc<dyn TileSource>>,
    polygons: BTreeMap<&'static str, Arc<PolygonSource>>,
    cache: TileCache,
    store: Arc<dyn ActorStore>,
    /// Tiles of the store's layers at low zoom, by generation, filters and address.
    store_cache: FifoCache<(u64, String, &'static str, TileId), Arc<Vec<u8>>>,
}

impl Tiles {
    /// The base map layers (régions, départements, communes), the QPV of `qpv` and the actors
    /// of `store`.
    pub fn new(qpv: &crate::qpv_shapes::QpvShapes, store: Arc<dyn ActorStore>) -> Self {
        let polygons: BTreeMap<&'static str, Arc<PolygonSource>> = [
            ("regions", Arc::new(PolygonSource::regions())),
            ("departements", Arc::new(PolygonSource::departements())),
            ("communes", Arc::new(PolygonSource::communes())),
            ("qpv", Arc::new(PolygonSource::qpv(qpv))),
        ]
        .into_iter()
        .collect();
        Self::assemble(polygons, store)
    }

    /// The same polygon layers over another store.
    pub fn with_store(&self, store: Arc<dyn ActorStore>) -> Self {
        Self::assemble(self.polygons.clone(), store)
    }

    fn assemble(
        polygons: BTreeMap<&'static str, Arc<PolygonSource>>,
        store: Arc<dyn ActorStore>,
    ) -> Self {
        let mut sources: BTreeMap<&'static str, Arc<dyn TileSource>> = polygons
            .iter()
            .map(|(&name, source)| (name, source.clone() as Arc<dyn TileSource>))
            .collect();
        sources.insert("actors", Arc::new(ActorSource::new(store.clone())));
        Self {
            sources,
            polygons,
            // At most 256 MB of encoded tiles; the oldest leave first.
            cache: TileCache::new(256 << 20),
            store,
            // Tiles of older generations are never asked for again and leave in turn.
            store_cache: FifoCache::new(64 << 20),
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sources.keys().copied()
    }

    /// A polygon layer by name (to warm it).
    pub fn polygon(&self, name: &str) -> Option<&Arc<PolygonSource>> {
        self.polygons.get(name)
    }

    pub fn source(&self, name: &str) -> Option<&Arc<dyn TileSource>> {
        self.sources.get(name)
    }

    /// A tile of a layer, from the cache when possible. `None` for an unknown layer.
    pub async fn tile(
        &self,
        layer: &str,
        id: TileId,
        filters: &ActorQuery,
    ) -> Option<Result<Arc<Vec<u8>>, StoreError>> {
        let (name, source) = self.sources.get_key_value(layer)?;
        if !source.zooms().contains(&id.z) {
            return Some(Ok(Arc::new(Vec::new())));
        }
        if source.cacheable()
            && let Some(hit) = self.cache.get(&(*name, id))
        {
            return Some(Ok(hit));
        }
        let generation = self.store.generation();
        let store_key = generation
            .filter(|_| !source.cacheable() && id.z <= STORE_TILES_MAX_ZOOM)
            .map(|g| (g, filters.key(), *name, id));
        if let Some(hit) = store_key.as_ref().and_then(|k| self.store_cache.get(k)) {
            return Some(Ok(hit));
        }
        Some(source.tile(id, filters).await.map(|bytes| {
            let bytes = Arc::new(bytes);
            if source.cacheable() {
                self.cache.put((*name, id), bytes.clone());
            } else if let Some(key) = store_key
                && self.store.generation() == generation
            {
                self.store_cache.put(key, bytes.clone());
            }
            bytes
        }))
    }
}
