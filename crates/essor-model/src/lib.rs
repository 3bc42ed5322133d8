//! essor's domain vocabulary, shared by every other crate. No I/O lives here.
//!
//! - [`ids`]: identifiers of the French public registers (SIREN, SIRET, RNA) and of the
//!   official geography (commune, QPV), parsed once and then trusted.
//! - [`geography`]: the QPV geographies (2015 `QP…`, 2024 `QN…`).

/// The QPV geographies and how to tell them apart.
pub mod geography;
/// Identifiers parsed from registers and geographic files.
pub mod ids;

pub use geography::QpvGeography;
pub use ids::{CommuneCode, IdError, QpvCode, Rna, Siren, Siret};
