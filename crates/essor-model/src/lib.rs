//! essor's domain vocabulary, shared by every other crate. No I/O lives here.
//!
//! - [`ids`]: identifiers of the French public registers (SIREN, SIRET, RNA) and of the
//!   official geography (commune, QPV), parsed once and then trusted.
//! - [`geography`]: the QPV geographies (2015 `QP…`, 2024 `QN…`).

/// Identifiers parsed from registers and geographic files.
pub mod ids;
/// The QPV geographies and how to tell them apart.
pub mod geography;
/// Catégorie juridique, ESS legal families, private vs public.
pub mod legal;
/// SIRENE headcount brackets, the employer rule and estimated jobs.
pub mod headcount;
/// NAF codes, NAF sections and the ESS sector groups.
pub mod sector;
/// SIRENE diffusion status and the rule "never show a `P` unit individually".
pub mod diffusion;

pub use geography::QpvGeography;
pub use ids::{CommuneCode, IdError, QpvCode, Rna, Siren, Siret};
