//! essor's application store. It knows nothing of HTTP: the server reaches it through the
//! store seam of `essor-server` (`ActorStore` and friends), one adapter per backend.
//!
//! A store is a folder holding two SQLite databases with different lives:
//!
//! - the **snapshot** (`essor.sqlite`): what `essor ingest` builds from the SIRENE stocks —
//!   diffusible ESS actors with their full-text index, the figures of every territory, the
//!   provenance of the run. Read-only once built; a new ingest builds it in a temporary file
//!   beside the old one and renames it over, so a running server keeps answering from the
//!   old file until it sees the new one.
//! - the **registry** (`registre.sqlite`): what users write (referrals to support
//!   structures, later contributions, accounts), with its schema migrations and an audit row
//!   for every write. An ingest never touches it.
//!
//! A PostgreSQL backend implements the same operations on a server; SQLite is the embedded
//! default.

/// The registry database: referrals (issue 5), with migrations and an audit log.
pub mod registry;
/// The snapshot database: actors, full-text index, figures (issue 4).
pub mod snapshot;
