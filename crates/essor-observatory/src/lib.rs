//! The ESS observatory: from the SIRENE stocks to the figures ESS France and the CRESS
//! publish, for every QPV, commune, EPCI, département, région and France, with the method
//! written next to every number.
//!
//! - [`facts`]: one establishment classified by the exact rules (active, ESS, family,
//!   employer, estimated jobs, private, sector).
//! - [`territories`]: the levels and the COG lookups (arrondissements, EPCI, département, région).
//! - [`placement`]: QPV and distance from INSEE's geolocation file or the Lambert columns.
//! - [`tally`]: the counters of one territory.
//! - [`diagnose`]: the pipeline, streaming, on every core.
//! - [`indicators`]: the rows of `indicators.csv` / `indicators.json`.
//! - [`methodology`]: the méthodologie (French).
//! - [`pack`]: the diagnostic pack of one territory (HTML report, GeoJSON).

pub mod diagnose;
pub mod facts;
pub mod indicators;
pub mod methodology;
pub mod pack;
pub mod placement;
pub mod tally;
pub mod territories;

pub use diagnose::{Actor, ActorScope, Diagnosis, Inputs, RunReport, diagnose};
pub use essor_model::TerritoryLevel;
pub use indicators::{IndicatorRow, columns, rows};
