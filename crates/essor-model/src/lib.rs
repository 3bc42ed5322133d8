//! essor's domain vocabulary, shared by every other crate. No I/O lives here.
//!
//! - [`ids`]: identifiers of the French public registers (SIREN, SIRET, RNA) and of the
//!   official geography (commune, QPV), parsed once and then trusted.
//! - [`geography`]: the QPV geographies (2015 `QP…`, 2024 `QN…`).
//! - [`legal`]: catégories juridiques, the ESS legal families, private vs public.
//! - [`headcount`]: tranches d'effectifs, the employer rule, estimated jobs and their bounds.
//! - [`sector`]: NAF codes and sections, the ESS sector groups.
//! - [`diffusion`]: SIRENE's diffusion status and the rule that `P` units are never shown.

/// SIRENE diffusion status and the rule "never show a `P` unit individually".
pub mod diffusion;
/// The QPV geographies and how to tell them apart.
pub mod geography;
/// SIRENE headcount brackets, the employer rule and estimated jobs.
pub mod headcount;
/// Identifiers parsed from registers and geographic files.
pub mod ids;
/// Catégorie juridique, ESS legal families, private vs public.
pub mod legal;
/// NAF codes, NAF sections and the ESS sector groups.
pub mod sector;

pub use geography::QpvGeography;
pub use ids::{CommuneCode, IdError, QpvCode, Rna, Siren, Siret};
