//! Named indicators of a territory. Territory levels and references are vocabulary
//! ([`essor_model::territory`]).

pub use essor_model::{TerritoryLevel, TerritoryRef};

/// One figure of a territory. `None` when not published (statistical secrecy, or a share
/// whose denominator is zero, or a density without a population).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub value: Option<f64>,
}
