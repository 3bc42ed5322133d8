//! Territory levels, as in the observatory's `indicators.csv`, and named indicators.

use std::fmt;

/// The levels figures are computed for: the places (France, régions, départements, EPCI,
/// communes, QPV) and the groupings of `indicators.csv` (all QPV, outside the QPV, the QPV
/// and their surroundings, one QPV and its 500 m).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TerritoryLevel {
    France,
    Region,
    Departement,
    Epci,
    Commune,
    Qpv,
    /// Every establishment located in any QPV (code `QPV`).
    QpvTotal,
    /// Located establishments outside every QPV (code `HORS_QPV`).
    HorsQpv,
    /// In a QPV or within 300 m of one (code `QPV_300M`).
    Qpv300mTotal,
    /// In a QPV or within 500 m of one (code `QPV_500M`).
    Qpv500mTotal,
    /// One QPV and the 500 m around it (code: the QPV's).
    Qpv500m,
}

impl TerritoryLevel {
    pub const ALL: [TerritoryLevel; 11] = [
        Self::France,
        Self::Region,
        Self::Departement,
        Self::Epci,
        Self::Commune,
        Self::Qpv,
        Self::QpvTotal,
        Self::HorsQpv,
        Self::Qpv300mTotal,
        Self::Qpv500mTotal,
        Self::Qpv500m,
    ];

    /// The places: the levels a map, a directory filter and a diagnostic pack apply to.
    pub const PLACES: [TerritoryLevel; 6] = [
        Self::France,
        Self::Region,
        Self::Departement,
        Self::Epci,
        Self::Commune,
        Self::Qpv,
    ];

    /// The code used in URLs and in `indicators.csv` (`/territoires/qpv/QP093028`).
    pub fn code(self) -> &'static str {
        self.observatory().as_str()
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
            Self::QpvTotal => "Ensemble des QPV",
            Self::HorsQpv => "Hors QPV",
            Self::Qpv300mTotal => "QPV et abords à 300 m",
            Self::Qpv500mTotal => "QPV et abords à 500 m",
            Self::Qpv500m => "Quartier prioritaire et abords (500 m)",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// True for France, région, département, EPCI, commune and QPV.
    pub fn is_place(self) -> bool {
        Self::PLACES.contains(&self)
    }

    /// The observatory's level of the same name.
    pub fn observatory(self) -> essor_observatory::Level {
        use essor_observatory::Level;
        match self {
            Self::France => Level::France,
            Self::Region => Level::Region,
            Self::Departement => Level::Departement,
            Self::Epci => Level::Epci,
            Self::Commune => Level::Commune,
            Self::Qpv => Level::Qpv,
            Self::QpvTotal => Level::QpvTotal,
            Self::HorsQpv => Level::HorsQpv,
            Self::Qpv300mTotal => Level::Qpv300mTotal,
            Self::Qpv500mTotal => Level::Qpv500mTotal,
            Self::Qpv500m => Level::Qpv500m,
        }
    }
}

impl From<essor_observatory::Level> for TerritoryLevel {
    fn from(level: essor_observatory::Level) -> Self {
        Self::ALL
            .into_iter()
            .find(|l| l.observatory() == level)
            .expect("every observatory level has a territory level")
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

/// One figure of a territory. `None` when not published (statistical secrecy, or a share
/// whose denominator is zero, or a density without a population).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: String,
    pub value: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_the_observatory_s_and_round_trip_through_their_codes() {
        for l in TerritoryLevel::ALL {
            assert_eq!(TerritoryLevel::from_code(l.code()), Some(l));
            assert_eq!(TerritoryLevel::from(l.observatory()), l);
        }
        assert_eq!(
            essor_observatory::Level::ALL.len(),
            TerritoryLevel::ALL.len()
        );
        assert_eq!(TerritoryLevel::QpvTotal.code(), "qpv_total");
        assert!(TerritoryLevel::Epci.is_place() && !TerritoryLevel::Qpv500m.is_place());
    }
}
