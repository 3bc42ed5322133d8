//! essor's domain vocabulary, shared by every other crate. No I/O lives here.
//!
//! - [`ids`]: identifiers of the French public registers (SIREN, SIRET, RNA) and of the
//!   official geography (commune, QPV), parsed once and then trusted.
//! - [`geography`]: the QPV geographies (2015 `QP…`, 2024 `QN…`).
//! - [`legal`]: catégories juridiques, the ESS legal families, private vs public.
//! - [`headcount`]: tranches d'effectifs, the employer rule, estimated jobs and their bounds.
//! - [`principal`]: who acts — the author every write and audit row names.
//! - [`sector`]: NAF codes and sections, the ESS sector groups.
//! - [`territory`]: territory levels (places and the groupings of `indicators.csv`) and
//!   references to a territory by level and code.
//! - [`band`]: proximity bands to the QPV and their thresholds.
//! - [`diffusion`]: SIRENE's diffusion status and the rule that `P` units are never shown.
//! - [`csv_line`]: the one CSV writer (RFC 4180 quoting, formula-injection protection).
//! - [`french`]: numbers, shares, distances and dates written the French way.

/// Organisations, roles: who may act.
pub mod accounts;
/// Proximity bands to the QPV (`in`, ≤ 300 m, ≤ 500 m, ≤ 1 km, `out`).
pub mod band;
/// CSV lines and spreadsheet-safe text cells: every CSV essor writes.
pub mod csv_line;
/// SIRENE diffusion status and the rule "never show a `P` unit individually".
pub mod diffusion;
/// Numbers, shares, distances and dates written the French way.
pub mod french;
/// The QPV geographies and how to tell them apart.
pub mod geography;
/// SIRENE headcount brackets, the employer rule and estimated jobs.
pub mod headcount;
/// Identifiers parsed from registers and geographic files.
pub mod ids;
/// Catégorie juridique, ESS legal families, private vs public.
pub mod legal;
/// Who acts: the author of every write.
pub mod principal;
/// NAF codes, NAF sections and the ESS sector groups.
pub mod sector;
/// Territory levels (places and groupings of `indicators.csv`) and territory references.
pub mod territory;

pub use accounts::{OrganisationKind, Role};
pub use geography::QpvGeography;
pub use ids::{CommuneCode, IdError, QpvCode, Rna, Siren, Siret};
pub use principal::Principal;
pub use territory::{TerritoryLevel, TerritoryRef};
