//! The store seam: everything the web layer asks of the application store, in one small
//! trait. Handlers only ever see `dyn ActorStore`, so the embedded SQLite store and a later
//! PostgreSQL store plug in without touching them: each backend gets an adapter module here
//! (`impl ActorStore for essor_store::…`), which keeps the store crate free of HTTP types.
//!
//! Privacy is in the types: an [`Actor`] can only be built from a record *and* its SIRENE
//! diffusion status, and [`Actor::new`] refuses units with `statutDiffusion = P`. Whatever a
//! backend does, the server cannot show, map or export a non-diffusible unit individually.
//!
//! - [`actor`]: [`Actor`], [`ActorRecord`], [`ActorPoint`], [`Diffusion`], [`LegalFamily`].
//! - [`query`]: [`ActorQuery`] (filters and paging), [`Page`], [`BBox`].
//! - [`territory`]: [`TerritoryLevel`], [`TerritoryRef`], [`Indicator`].
//! - [`provenance`]: [`Provenance`], [`SourceFile`]: where the figures come from.
//! - [`empty`]: [`EmptyStore`], the store of a server started without data.
//! - [`memory`]: [`MemoryStore`], a small in-memory store for tests and examples.
//! - [`observatory`]: a [`MemoryStore`] filled from a run of the observatory.
//! - [`sqlite`]: [`SqliteStore`], the adapter of the snapshot `essor ingest` builds
//!   (`essor_store::snapshot`), and [`sqlite::write_snapshot`], which builds it from a run.

/// Actors and the diffusion rule.
pub mod actor;
/// The store of a server with no data loaded.
pub mod empty;
/// An in-memory store.
pub mod memory;
/// A memory store from an observatory run.
pub mod observatory;
/// Where the figures come from.
pub mod provenance;
/// Actor queries and pages.
pub mod query;
/// The SQLite snapshot of `essor ingest`.
pub mod sqlite;
/// Territory levels and indicators.
pub mod territory;

pub use actor::{Actor, ActorPoint, ActorRecord, Diffusion, LegalFamily};
pub use empty::EmptyStore;
pub use memory::MemoryStore;
pub use provenance::{Provenance, SourceFile};
pub use query::{ActorFacets, ActorQuery, BBox, Page, TileCluster};
pub use sqlite::SqliteStore;

/// A map tile to cluster (address, extent, buffer and cell side in tile units).
pub use essor_store::snapshot::TileRequest;
pub use territory::{Indicator, TerritoryLevel, TerritoryRef};

use essor_model::Siret;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde::Serialize;

/// Every actor of a selection, streamed without a total cap (exports).
pub type ActorStream = BoxStream<'static, Result<Actor, StoreError>>;

/// What a store holds. Pages show a "démonstration" banner when `synthetic` is true.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DataStatus {
    /// False for a server started without `--store`.
    pub loaded: bool,
    /// True when the data were generated (`essor demo`): every page says so.
    pub synthetic: bool,
    /// Where the data come from, in French (files, date of the SIRENE stock…).
    pub description: String,
    /// Number of diffusible actors in the store.
    pub actors: u64,
}

impl DataStatus {
    pub fn empty() -> Self {
        Self {
            loaded: false,
            synthetic: false,
            description: "Aucune donnée chargée : lancez `essor ingest` puis `essor serve --store DOSSIER`, ou `essor demo`.".to_owned(),
            actors: 0,
        }
    }
}

/// Why a store could not answer. Messages are logged in English; users get a French envelope.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The backend is not reachable or is being swapped.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Any other backend failure.
    #[error("store backend error: {0}")]
    Backend(String),
}

/// The application store, as the web layer sees it. Every method answers only diffusible
/// actors (see the module documentation). Implementations must be cheap to share (`Arc`).
#[async_trait::async_trait]
pub trait ActorStore: Send + Sync + std::fmt::Debug + 'static {
    /// What the store holds.
    fn status(&self) -> DataStatus;

    /// One page of the actors matching `query`, with the total count of the selection.
    async fn actors(&self, query: &ActorQuery) -> Result<Page<Actor>, StoreError>;

    /// Every actor matching `query` (paging ignored), for CSV and GeoJSON exports.
    async fn export(&self, query: &ActorQuery) -> Result<ActorStream, StoreError>;

    /// One actor by SIRET; `None` when unknown *or* non-diffusible (the two are
    /// indistinguishable from outside).
    async fn actor(&self, siret: Siret) -> Result<Option<Actor>, StoreError>;

    /// The indicators of a territory, named as in `indicators.csv`, in that file's order
    /// (every numeric column, `population` included); `None` when the store has no figures
    /// for it. Every level of `indicators.csv` is asked for, groupings included
    /// (`qpv_total:QPV`, `qpv_500m:QP093028`): the territory pages and the diagnostic pack
    /// compare with them.
    async fn territory(
        &self,
        territory: &TerritoryRef,
    ) -> Result<Option<Vec<Indicator>>, StoreError>;

    /// The indicators of several territories, in the order asked (a territory page asks for
    /// its own, its parents', France's, all QPV's and each of its QPV's). The default asks
    /// [`territory`](Self::territory) once per territory; a database should answer in one
    /// query.
    async fn territories(
        &self,
        territories: &[TerritoryRef],
    ) -> Result<Vec<Option<Vec<Indicator>>>, StoreError> {
        let mut out = Vec::with_capacity(territories.len());
        for t in territories {
            out.push(self.territory(t).await?);
        }
        Ok(out)
    }

    /// An identity of the data answered now: while it stays the same, every method answers
    /// the same, so answers built from the store alone (a territory page) may be kept; when
    /// it changes (a new snapshot), they must be thrown away. `None` (the default): the store
    /// cannot tell, and nothing is kept.
    fn generation(&self) -> Option<u64> {
        None
    }

    /// Where the figures come from (files, dates, facts of the run); `None` when the store
    /// does not say (every page then falls back to [`DataStatus::description`]).
    fn provenance(&self) -> Option<Provenance> {
        None
    }

    /// The geolocated actors matching `query` (its `bbox` is the tile being drawn). The
    /// default reads [`export`](Self::export); a backend with a spatial index should answer
    /// from it.
    async fn points(&self, query: &ActorQuery) -> Result<Vec<ActorPoint>, StoreError> {
        let mut stream = self.export(query).await?;
        let mut points = Vec::new();
        while let Some(actor) = stream.next().await {
            points.extend(ActorPoint::of(&actor?));
        }
        Ok(points)
    }

    /// The actors of a map tile matching `query`, clustered: one [`TileCluster`] per occupied
    /// cell of side `tile.cell` (tile units), counting the actors within `tile.buffer` of the
    /// tile too. The default clusters the [`points`](Self::points) of the tile's box with the
    /// one clustering of essor, [`ActorIndex::clusters`](essor_store::snapshot::ActorIndex::clusters),
    /// over an index of those points alone; a national store must not read them (the SQLite
    /// snapshot answers from its index of every actor).
    async fn clusters(
        &self,
        query: &ActorQuery,
        tile: &TileRequest,
    ) -> Result<Vec<TileCluster>, StoreError> {
        let points = self
            .points(&ActorQuery {
                bbox: Some(tile_box(tile)),
                page: 1,
                ..query.clone()
            })
            .await?;
        Ok(cluster_points(points, tile))
    }

    /// One page of the actors matching `query` and the facets of the whole selection (the
    /// directory shows both). The default asks [`actors`](Self::actors), then
    /// [`facets`](Self::facets); a backend whose text search is the costly part should
    /// search once for both.
    async fn actors_and_facets(
        &self,
        query: &ActorQuery,
    ) -> Result<(Page<Actor>, ActorFacets), StoreError> {
        Ok((self.actors(query).await?, self.facets(query).await?))
    }

    /// The facets of a selection: each counts the actors under every *other* filter of
    /// `query` (so a user sees what each value would give). The default runs one export per
    /// facet; a database should count in one pass.
    async fn facets(&self, query: &ActorQuery) -> Result<ActorFacets, StoreError> {
        let mut facets = ActorFacets::empty();
        let without = [
            ActorQuery {
                families: Vec::new(),
                ..query.clone()
            },
            ActorQuery {
                bands: Vec::new(),
                ..query.clone()
            },
            ActorQuery {
                sectors: Vec::new(),
                ..query.clone()
            },
            ActorQuery {
                employer: None,
                ..query.clone()
            },
        ];
        for (i, q) in without.iter().enumerate() {
            let mut stream = self.export(q).await?;
            while let Some(actor) = stream.next().await {
                facets.count(i, &actor?, query);
            }
        }
        Ok(facets)
    }
}

/// The WGS84 box of a tile and its buffer.
fn tile_box(tile: &TileRequest) -> BBox {
    let id = essor_geo::mercator::TileId {
        z: tile.z,
        x: tile.x,
        y: tile.y,
    };
    let [left, bottom, right, top] = id.bounds();
    let margin = f64::from(tile.buffer) * id.size() / f64::from(tile.extent);
    let (min_lon, min_lat) = essor_geo::mercator::to_lonlat(left - margin, bottom - margin);
    let (max_lon, max_lat) = essor_geo::mercator::to_lonlat(right + margin, top + margin);
    BBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    }
}

/// `points` clustered on `tile` by [`ActorIndex::clusters`](essor_store::snapshot::ActorIndex::clusters).
fn cluster_points(points: Vec<ActorPoint>, tile: &TileRequest) -> Vec<TileCluster> {
    use essor_store::snapshot::{ActorIndex, Filter, IndexedActor};
    let mut index = ActorIndex::default();
    for p in &points {
        // Only positions matter here: the points already match the query.
        index.push(&IndexedActor {
            family: p.family,
            band: None,
            sector: essor_model::sector::EssSector::Autres,
            employer: false,
            commune: None,
            departement: None,
            region: None,
            epci: None,
            qpv: None,
            lon_lat: Some((p.lon, p.lat)),
        });
    }
    index.finish();
    let mut points: Vec<Option<ActorPoint>> = points.into_iter().map(Some).collect();
    index
        .clusters(tile, &Filter::default(), None)
        .into_iter()
        .map(|c| TileCluster {
            count: c.count,
            x: c.x,
            y: c.y,
            // Ids are 1-based ranks in the order pushed.
            single: c
                .single
                .and_then(|id| points.get_mut(id as usize - 1).and_then(Option::take)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(siret: &str, lon: f64, lat: f64) -> ActorPoint {
        let record = ActorRecord {
            siret: Siret::parse(siret).unwrap(),
            name: format!("Acteur {siret}"),
            enseigne: None,
            legal_family: LegalFamily::Association,
            categorie_juridique: "9220".into(),
            naf: None,
            tranche_effectifs: None,
            employer: false,
            address: None,
            commune: None,
            rna: None,
            lon_lat: Some((lon, lat)),
            qpv_code: None,
            nearest_qpv_code: None,
            distance_m: None,
            band: None,
        };
        ActorPoint::of(&Actor::new(record, Diffusion::Diffusible).unwrap()).unwrap()
    }

    #[test]
    fn points_are_clustered_by_cell_with_their_mean_and_the_lone_actor_named() {
        // Saint-Denis (two actors 30 m apart) and Marseille, on the world tile in 16 cells of
        // 1,024 units: Saint-Denis's two share a cell, Marseille is alone in another.
        let points = vec![
            point("44306184100013", 2.3600, 48.9360),
            point("44306184100021", 2.3604, 48.9360),
            point("44306184100039", 5.3698, 43.2965),
        ];
        let world = TileRequest {
            z: 0,
            x: 0,
            y: 0,
            extent: 4096,
            buffer: 0,
            cell: 1024,
        };
        let clusters = cluster_points(points.clone(), &world);
        let counts: Vec<u64> = clusters.iter().map(|c| c.count).collect();
        assert_eq!(counts.iter().sum::<u64>(), 3);
        assert_eq!(clusters.len(), 1, "all three in the cell of western Europe");
        // Mean x of the three, in tile units: (lon + 180) / 360 × 4096.
        let mean_lon = (2.36 + 2.3604 + 5.3698) / 3.0;
        assert!((clusters[0].x - (mean_lon + 180.0) / 360.0 * 4096.0).abs() < 0.01);

        // At zoom 10, with a cell per unit, Marseille's tile holds Marseille alone.
        let (x, y) = {
            let n = f64::from(1u32 << 10);
            let (lon, lat) = (5.3698f64, 43.2965f64);
            let lat = lat.to_radians();
            (
                ((lon + 180.0) / 360.0 * n) as u32,
                ((1.0 - lat.tan().asinh() / std::f64::consts::PI) / 2.0 * n) as u32,
            )
        };
        let tile = TileRequest {
            z: 10,
            x,
            y,
            extent: 4096,
            buffer: 64,
            cell: 1,
        };
        let box_ = tile_box(&tile);
        assert!(box_.contains(5.3698, 43.2965) && !box_.contains(2.36, 48.936));
        let alone = cluster_points(points, &tile);
        assert_eq!(alone.len(), 1);
        assert_eq!(alone[0].count, 1);
        assert_eq!(
            alone[0].single.as_ref().map(|p| p.siret.to_string()),
            Some("44306184100039".to_owned())
        );
    }
}
