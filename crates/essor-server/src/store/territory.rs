//! Territory levels, as in the observatory's `indicators.csv`, and named indicators.

use std::fmt;

/// The levels figures are computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TerritoryLevel {
    France,
    Region,
    Departement,
    Epci,
    Commune,
    Qpv,
}

impl TerritoryLevel {
    pub const ALL: [TerritoryLevel; 6] = [
        Self::France,
        Self::Region,
        Self::Departement,
        Self::Epci,
        Self::Commune,
        Self::Qpv,
    ];

    /// The code used in URLs (`/territoires/qpv/QP093028`).
    pub fn code(self) -> &'static str {
        match self {
            Self::France => "france",
            Self::Region => "region",
            Self::Departement => "departement",
            Self::Epci => "epci",
            Self::Commune => "commune",
            Self::Qpv => "qpv",
        }
    }

    /// French label ("Département").
    pub fn label(self) -> &'static str {
        match self {
            Self::France => "France",
            Self::Region => "Région",
            Self::Departement => "Département",
            Self::Epci => "EPCI",
            Self::Commune => "Commune",
            Self::Qpv => "Quartier prioritaire",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

impl fmt::Display for TerritoryLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A territory: its level and its official code (`FR`, région, département, EPCI SIREN,
/// commune INSEE code, QPV code).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TerritoryRef {
    pub level: TerritoryLevel,
    pub code: String,
}

/// One figure of a territory. `None` when not published (statistical secrecy).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub value: Option<f64>,
}
