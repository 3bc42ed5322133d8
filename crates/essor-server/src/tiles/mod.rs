//! Mapbox Vector Tiles (MVT 2.1) made on the server from the embedded outlines and the QPV,
//! so that the map stays fluid at national scale with no external tile server: a browser
//! only ever receives what one screen needs, clipped and simplified for its zoom.
//!
//! - [`grid`]: tile addresses and Web Mercator bounds.
//! - [`polygons`]: [`PolygonSource`], polygon layers (régions, départements, communes, QPV).
//! - [`cache`]: a bounded cache of encoded tiles.
//!
//! A layer is a [`TileSource`]; the ESS actors layer (points, clustered on the server) will be
//! one more source that asks the store for the points of a tile.

/// A bounded tile cache.
pub mod cache;
/// Tile addresses and Web Mercator.
pub mod grid;
/// Polygon layers.
pub mod polygons;

pub use cache::TileCache;
pub use grid::TileId;
pub use polygons::PolygonSource;

use crate::store::StoreError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One tile layer (one MVT layer of the same name per tile).
#[async_trait::async_trait]
pub trait TileSource: Send + Sync + std::fmt::Debug {
    /// Zooms the layer has data for; tiles outside are empty.
    fn zooms(&self) -> std::ops::RangeInclusive<u8>;
    /// Whether tiles may be cached (false for layers that change with the store).
    fn cacheable(&self) -> bool {
        true
    }
    /// The encoded tile (protobuf, not compressed); empty bytes for an empty tile.
    async fn tile(&self, id: TileId) -> Result<Vec<u8>, StoreError>;
}

/// The tile layers a server offers, by name, and their cache.
#[derive(Debug)]
pub struct Tiles {
    sources: BTreeMap<&'static str, Arc<dyn TileSource>>,
    polygons: BTreeMap<&'static str, Arc<PolygonSource>>,
    cache: TileCache,
}

impl Tiles {
    /// The base map layers (régions, départements, communes) and the QPV of `qpv`.
    pub fn base(qpv: &crate::qpv_shapes::QpvShapes) -> Self {
        let polygons: BTreeMap<&'static str, Arc<PolygonSource>> = [
            ("regions", Arc::new(PolygonSource::regions())),
            ("departements", Arc::new(PolygonSource::departements())),
            ("communes", Arc::new(PolygonSource::communes())),
            ("qpv", Arc::new(PolygonSource::qpv(qpv))),
        ]
        .into_iter()
        .collect();
        let sources = polygons
            .iter()
            .map(|(&name, source)| (name, source.clone() as Arc<dyn TileSource>))
            .collect();
        Self {
            sources,
            polygons,
            cache: TileCache::new(20_000),
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
    pub async fn tile(&self, layer: &str, id: TileId) -> Option<Result<Arc<Vec<u8>>, StoreError>> {
        let (name, source) = self.sources.get_key_value(layer)?;
        if !source.zooms().contains(&id.z) {
            return Some(Ok(Arc::new(Vec::new())));
        }
        if source.cacheable()
            && let Some(hit) = self.cache.get(name, id)
        {
            return Some(Ok(hit));
        }
        Some(source.tile(id).await.map(|bytes| {
            let bytes = Arc::new(bytes);
            if source.cacheable() {
                self.cache.put(name, id, bytes.clone());
            }
            bytes
        }))
    }
}
