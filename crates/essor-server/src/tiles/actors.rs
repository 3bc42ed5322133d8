//! The ESS actors as points, clustered on the server: a tile holds one feature per occupied
//! cell of a grid (`count` members at their mean position), down to single actors (`siret`,
//! `name`, `family`) from zoom 16 or in sparse cells. The browser never receives a national
//! dataset, only what one tile shows. Not cached: the answer depends on the filters and on
//! the store, which may be swapped under a running server.

use super::{TileId, TileSource, grid};
use crate::store::{ActorQuery, ActorStore, StoreError, TileRequest};
use geo_types::{Geometry, Point};
use geozero::ToMvt;
use geozero::mvt::{Message, TagsBuilder, Tile, TileValue, tile};
use std::ops::RangeInclusive;
use std::sync::Arc;

const EXTENT: u32 = 4096;
/// Points this far beyond the tile (tile units) are kept, so that circles on an edge draw
/// whole on both sides.
const BUFFER: u32 = 128;
/// Grid cell side in tile units (about 32 screen pixels at MapLibre's 512-pixel tiles).
const CELL: u32 = 256;
/// From this zoom every actor is its own feature.
const NO_CLUSTER_ZOOM: u8 = 16;

/// The actors layer over a store.
#[derive(Debug)]
pub struct ActorSource {
    store: Arc<dyn ActorStore>,
}

impl ActorSource {
    pub fn new(store: Arc<dyn ActorStore>) -> Self {
        Self { store }
    }
}

#[async_trait::async_trait]
impl TileSource for ActorSource {
    fn zooms(&self) -> RangeInclusive<u8> {
        0..=grid::MAX_ZOOM
    }

    fn cacheable(&self) -> bool {
        false
    }

    async fn tile(&self, id: TileId, filters: &ActorQuery) -> Result<Vec<u8>, StoreError> {
        let request = TileRequest {
            z: id.z,
            x: id.x,
            y: id.y,
            extent: EXTENT,
            buffer: BUFFER,
            cell: if id.z >= NO_CLUSTER_ZOOM { 1 } else { CELL },
        };
        let cells = self.store.clusters(filters, &request).await?;
        if cells.is_empty() {
            return Ok(Vec::new());
        }
        let mut tags = TagsBuilder::new();
        let mut features = Vec::with_capacity(cells.len());
        for c in cells {
            let point = Point::new(c.x.round(), c.y.round());
            let Ok(mut feature) = Geometry::Point(point).to_mvt_unscaled() else {
                continue;
            };
            let mut tag = |key: &str, value: TileValue| {
                let (k, v) = tags.insert_ref(key, value);
                feature.tags.extend([k, v]);
            };
            tag("count", TileValue::Uint(c.count));
            if let Some(p) = c.single {
                tag("siret", TileValue::Str(p.siret.to_string()));
                tag("name", TileValue::Str(p.name));
                tag("family", TileValue::Str(p.family.as_str().to_owned()));
            }
            features.push(feature);
        }
        let (keys, values) = tags.into_tags();
        Ok(Tile {
            layers: vec![tile::Layer {
                version: 2,
                name: "actors".to_owned(),
                features,
                keys,
                values: values.into_iter().map(Into::into).collect(),
                extent: Some(EXTENT),
            }],
        }
        .encode_to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Actor, ActorRecord, Diffusion, LegalFamily, MemoryStore};
    use essor_model::Siret;

    fn actor(i: u64, diffusion: Diffusion) -> Option<Actor> {
        let siret = Siret::parse(&format!("{:014}", 10_000_000_000_000 + i)).ok()?;
        Actor::new(
            ActorRecord {
                siret,
                name: format!("Acteur {i}"),
                enseigne: None,
                legal_family: LegalFamily::Cooperative,
                categorie_juridique: "5458".into(),
                naf: None,
                tranche_effectifs: None,
                employer: false,
                address: None,
                commune: None,
                rna: None,
                lon_lat: Some((2.38 + i as f64 * 1e-4, 48.91)),
                qpv_code: None,
                nearest_qpv_code: None,
                distance_m: None,
                band: Some(essor_model::band::Band::Out),
            },
            diffusion,
        )
    }

    #[tokio::test]
    async fn fifty_neighbours_are_one_cluster_at_zoom_5_and_fifty_points_at_zoom_18() {
        let store = (0..50)
            .filter_map(|i| actor(i, Diffusion::Diffusible))
            .fold(MemoryStore::new("test", true), MemoryStore::with_actor);
        let source = ActorSource::new(Arc::new(store));
        let decode = |bytes: Vec<u8>| Tile::decode(bytes.as_slice()).unwrap().layers.remove(0);
        // Zoom 5 tile of Paris: x = floor(182.38 / 360 * 32) = 16, y = 11.
        let coarse = decode(
            source
                .tile(TileId::new(5, 16, 11).unwrap(), &ActorQuery::default())
                .await
                .unwrap(),
        );
        assert_eq!(coarse.features.len(), 1);
        assert!(coarse.values.iter().any(|v| v.uint_value == Some(50)));
        // Zoom 18: 1e-4 degrees is about 19 pixels, every actor stands alone.
        let x = ((2.385 + 180.0) / 360.0 * f64::from(1 << 18)) as u32;
        let (_, my) = grid::to_mercator(2.385, 48.91);
        let y = ((grid::HALF_WORLD - my) / (2.0 * grid::HALF_WORLD) * f64::from(1 << 18)) as u32;
        let fine = decode(
            source
                .tile(TileId::new(18, x, y).unwrap(), &ActorQuery::default())
                .await
                .unwrap(),
        );
        assert!(fine.features.len() > 1);
        assert!(
            fine.features.iter().all(|f| f.tags.len() == 8),
            "single actors carry count, siret, name, family"
        );
    }
}
