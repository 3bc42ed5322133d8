//! The levels essor computes figures for — the places (France, régions, départements, EPCI,
//! communes, QPV) and the groupings of `indicators.csv` (all QPV, outside the QPV, the QPV
//! and their surroundings, one QPV and its 500 m) — and a territory named by its level and
//! official code. One spelling (`epci`, `qpv_total`…) for `indicators.csv`, URLs, the API
//! and the store.

use std::fmt;

/// A level of `indicators.csv`, declared (and ordered) as that file lists its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TerritoryLevel {
    France,
    /// Every establishment located in any QPV (code `QPV`).
    QpvTotal,
    /// Located establishments outside every QPV (code `HORS_QPV`).
    HorsQpv,
    /// In a QPV or within 300 m of one (code `QPV_300M`).
    Qpv300mTotal,
    /// In a QPV or within 500 m of one (code `QPV_500M`).
    Qpv500mTotal,
    Region,
    Departement,
    Epci,
    Commune,
    Qpv,
    /// One QPV and the 500 m around it (code: the QPV's).
    Qpv500m,
}

impl TerritoryLevel {
    /// Every level, in the order of `indicators.csv`.
    pub const ALL: [TerritoryLevel; 11] = [
        Self::France,
        Self::QpvTotal,
        Self::HorsQpv,
        Self::Qpv300mTotal,
        Self::Qpv500mTotal,
        Self::Region,
        Self::Departement,
        Self::Epci,
        Self::Commune,
        Self::Qpv,
        Self::Qpv500m,
    ];

    /// The places: the levels a map, a directory filter and a diagnostic pack apply to,
    /// largest first.
    pub const PLACES: [TerritoryLevel; 6] = [
        Self::France,
        Self::Region,
        Self::Departement,
        Self::Epci,
        Self::Commune,
        Self::Qpv,
    ];

    /// The groupings of `indicators.csv`: figures, not places.
    pub const GROUPINGS: [TerritoryLevel; 5] = [
        Self::QpvTotal,
        Self::HorsQpv,
        Self::Qpv300mTotal,
        Self::Qpv500mTotal,
        Self::Qpv500m,
    ];

    /// The code used in `indicators.csv`, URLs and the API (`/territoires/qpv/QP093028`).
    pub fn code(self) -> &'static str {
        match self {
            Self::France => "france",
            Self::QpvTotal => "qpv_total",
            Self::HorsQpv => "hors_qpv",
            Self::Qpv300mTotal => "qpv_300m_total",
            Self::Qpv500mTotal => "qpv_500m_total",
            Self::Region => "region",
            Self::Departement => "departement",
            Self::Epci => "epci",
            Self::Commune => "commune",
            Self::Qpv => "qpv",
            Self::Qpv500m => "qpv_500m",
        }
    }

    /// The level of a code; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// French label for pages and the API ("Département", "Quartier prioritaire").
    pub fn label(self) -> &'static str {
        match self {
            Self::France => "France",
            Self::Region => "Région",
            Self::Departement => "Département",
            Self::Epci => "EPCI",
            Self::Commune => "Commune",
            Self::Qpv => "Quartier prioritaire",
            Self::QpvTotal => "Ensemble des QPV",
            Self::HorsQpv => "Hors QPV",
            Self::Qpv300mTotal => "QPV et abords à 300 m",
            Self::Qpv500mTotal => "QPV et abords à 500 m",
            Self::Qpv500m => "Quartier prioritaire et abords (500 m)",
        }
    }

    /// Short French label for report titles and table headings ("France entière", "QPV").
    pub fn short_label(self) -> &'static str {
        match self {
            Self::France => "France entière",
            Self::QpvTotal => "Ensemble des QPV",
            Self::HorsQpv => "Hors QPV",
            Self::Qpv300mTotal => "QPV et leurs abords (300 m)",
            Self::Qpv500mTotal => "QPV et leurs abords (500 m)",
            Self::Region => "Région",
            Self::Departement => "Département",
            Self::Epci => "EPCI",
            Self::Commune => "Commune",
            Self::Qpv => "QPV",
            Self::Qpv500m => "QPV et abords (500 m)",
        }
    }

    /// True for France, région, département, EPCI, commune and QPV.
    pub fn is_place(self) -> bool {
        Self::PLACES.contains(&self)
    }
}

impl fmt::Display for TerritoryLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A territory: its level and its official code (`FR`, région, département, EPCI SIREN,
/// commune INSEE code, QPV code; `QPV`, `HORS_QPV`, `QPV_300M`, `QPV_500M` for the groupings).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TerritoryRef {
    pub level: TerritoryLevel,
    pub code: String,
}

impl TerritoryRef {
    pub fn new(level: TerritoryLevel, code: impl Into<String>) -> Self {
        Self {
            level,
            code: code.into(),
        }
    }

    /// France (`france:FR`).
    pub fn france() -> Self {
        Self::new(TerritoryLevel::France, "FR")
    }

    /// Every QPV together (`qpv_total:QPV`).
    pub fn all_qpv() -> Self {
        Self::new(TerritoryLevel::QpvTotal, "QPV")
    }
}

impl fmt::Display for TerritoryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_round_trip_through_their_codes_and_split_into_places_and_groupings() {
        for l in TerritoryLevel::ALL {
            assert_eq!(TerritoryLevel::from_code(l.code()), Some(l));
            assert_ne!(l.is_place(), TerritoryLevel::GROUPINGS.contains(&l));
        }
        assert_eq!(
            TerritoryLevel::PLACES.len() + TerritoryLevel::GROUPINGS.len(),
            TerritoryLevel::ALL.len()
        );
        assert_eq!(TerritoryLevel::QpvTotal.code(), "qpv_total");
        assert!(TerritoryLevel::Epci.is_place() && !TerritoryLevel::Qpv500m.is_place());
        assert_eq!(TerritoryRef::all_qpv().to_string(), "qpv_total:QPV");
    }
}
