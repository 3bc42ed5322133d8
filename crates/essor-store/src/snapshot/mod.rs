//! The snapshot: what `essor ingest` builds from the SIRENE stocks, in `essor.sqlite` inside
//! the store folder, read-only once built.
//!
//! It holds the diffusible ESS actors (one row each, in SIRET order, with the territory codes
//! filters need), the postings of their French words ([`text`], [`search`]), the figures of every territory
//! of `indicators.csv`, and metadata (provenance of the run, whether the data are synthetic).
//!
//! - [`writer`]: [`SnapshotWriter`] builds a snapshot in a temporary file beside the old one
//!   and renames it over at the end, so nothing half-built is ever seen under the final name.
//! - [`index`]: [`ActorIndex`], a compact in-memory copy of every actor's filterable facts
//!   and position, sorted along a Z-order curve: counts, facets, pages and map clusters of a
//!   national dataset without a table scan in SQLite.
//! - [`search`]: [`SearchIndex`], the full-text postings (word → sorted actor ids) in
//!   memory: a search is an intersection of sorted lists, ranked by BM25 when short.
//! - [`reader`]: [`Snapshot`], an open snapshot (connections + index), and [`Live`], which
//!   follows the file: when an ingest renames a new snapshot in, the next request opens it
//!   while requests in flight finish on the old one.
//!
//! Privacy: only diffusible units are written; the writer has no way to record a diffusion
//! status, so the file cannot hold what must not be shown.

/// The compact in-memory index of actors.
pub mod index;
/// Answers kept for the life of a snapshot.
mod memo;
/// Reading a snapshot and following its file.
pub mod reader;
/// The schema.
mod schema;
/// The full-text postings in memory.
pub mod search;
/// French full-text normalisation.
pub mod text;
/// Building a snapshot.
pub mod writer;

pub use index::{ActorIndex, Cluster, Facets, Filter, IndexedActor, Place, TileRequest};
pub use reader::{Figures, Live, LiveEvent, Snapshot};
pub use search::SearchIndex;
pub use writer::SnapshotWriter;

use essor_model::legal::LegalFamily;
use essor_model::sector::EssSector;
use std::path::PathBuf;

/// The snapshot file's name inside a store folder.
pub const FILE_NAME: &str = "essor.sqlite";

/// One diffusible ESS establishment as the snapshot keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRow {
    /// Dense row number, from 1, in SIRET order (set by the writer; ignored on insert).
    pub id: u32,
    /// 14 digits.
    pub siret: String,
    pub name: String,
    pub enseigne: Option<String>,
    /// Never [`LegalFamily::Autre`]: the snapshot holds ESS actors only.
    pub family: LegalFamily,
    /// Catégorie juridique, niveau III (4 digits), empty when unknown.
    pub categorie_juridique: String,
    /// NAF rév. 2 sous-classe (`88.99B`).
    pub naf: Option<String>,
    /// The ESS sector group of the NAF code.
    pub sector: EssSector,
    /// Tranche d'effectifs code (`NN`, `00`…`53`).
    pub tranche_effectifs: Option<String>,
    pub employer: bool,
    /// Estimated jobs (midpoint of the bracket).
    pub jobs: f64,
    pub address: Option<String>,
    /// Commune code as SIRENE gives it (arrondissements kept).
    pub commune: Option<String>,
    /// The territories of the commune (arrondissements folded into their city), from the
    /// COG of the ingest.
    pub places: Places,
    pub rna: Option<String>,
    /// WGS84.
    pub lon_lat: Option<(f64, f64)>,
    pub qpv: Option<String>,
    pub nearest_qpv: Option<String>,
    /// Metres to the nearest QPV (0 inside).
    pub distance_m: Option<f64>,
    /// `in`, `300`, `500`, `1000`, `out`, as `essor locate`.
    pub band: Option<String>,
    /// Extra words for the full-text index only (activity label, commune name…).
    pub search_extra: String,
}

/// The territory codes of an actor's commune.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    pub commune: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub epci: Option<String>,
}

/// The figures of one territory: `values` follow the snapshot's column names.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub level: String,
    pub code: String,
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// What a snapshot says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// True when the data were generated (`essor synth`, `essor demo`).
    pub synthetic: bool,
    /// What the pages say of the data, in French.
    pub description: String,
    /// The provenance of the run, a JSON document the server defines.
    pub provenance_json: Option<String>,
    /// When the snapshot was built (UTC, `AAAA-MM-JJTHH:MM:SSZ`).
    pub built_at: String,
}

/// Why a snapshot could not be built or read. Messages are French and name the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    #[error("magasin {} : aucun instantané ({FILE_NAME}) ; construisez-le avec `essor ingest`", .0.display())]
    Missing(PathBuf),
    #[error("instantané {} : schéma {found} inconnu de cette version d'essor (elle lit le schéma {known}) ; reconstruisez-le avec `essor ingest`", .path.display())]
    Schema {
        path: PathBuf,
        found: String,
        known: u32,
    },
    #[error("instantané {} : {reason}", .path.display())]
    Io { path: PathBuf, reason: String },
    #[error("instantané {} : erreur SQLite : {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl SnapshotError {
    fn sqlite(path: &std::path::Path) -> impl Fn(rusqlite::Error) -> Self + use<> {
        let path = path.to_owned();
        move |source| Self::Sqlite {
            path: path.clone(),
            source,
        }
    }
    fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> Self + use<> {
        let path = path.to_owned();
        move |e| Self::Io {
            path: path.clone(),
            reason: e.to_string(),
        }
    }
}

/// The family's code in the snapshot (`association`, `cooperative`… as `LegalFamily::as_str`).
fn family_from_code(code: &str) -> Option<LegalFamily> {
    LegalFamily::ALL.into_iter().find(|f| f.as_str() == code)
}

/// The sector's code in the snapshot (`EssSector::as_str`).
fn sector_from_code(code: &str) -> EssSector {
    EssSector::ALL
        .into_iter()
        .find(|s| s.as_str() == code)
        .unwrap_or(EssSector::Autres)
}
