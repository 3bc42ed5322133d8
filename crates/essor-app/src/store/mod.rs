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
/// The default clustering of a map tile.
pub mod grid;
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
    /// tile too. The default bins [`points`](Self::points) of the tile's box; a national store
    /// must do better (the SQLite snapshot answers from its Z-ordered index).
    async fn clusters(
        &self,
        query: &ActorQuery,
        tile: &TileRequest,
    ) -> Result<Vec<TileCluster>, StoreError> {
        let grid = grid::TileGrid::of(tile);
        let points = self
            .points(&ActorQuery {
                bbox: Some(grid.bbox()),
                page: 1,
                ..query.clone()
            })
            .await?;
        Ok(grid.bin(points))
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
