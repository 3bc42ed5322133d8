use serde::{Deserialize, Serialize};

/// A generation of the priority neighbourhoods. Codes of the 2015 geography start with `QP`
/// (1,514 QPV, in force 2015–2023); codes of the 2024 geography start with `QN` (in force since
/// 1 January 2024). The two generations overlap on the ground but share no code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QpvGeography {
    /// Décret n° 2014-1750: codes `QP` + 6 characters.
    Qpv2015,
    /// Décret n° 2023-1314: codes `QN` + 6 characters.
    Qpv2024,
}

impl QpvGeography {
    /// The geography a QPV code belongs to, from its prefix.
    pub fn of_code(code: &str) -> Option<Self> {
        match code.get(..2) {
            Some("QP") => Some(Self::Qpv2015),
            Some("QN") => Some(Self::Qpv2024),
            _ => None,
        }
    }

    /// French, for every figure, page and fact resting on a layer of this geography: what
    /// must be said of it (issue 14). `None` for the geography in force.
    pub fn replaced(self) -> Option<&'static str> {
        match self {
            Self::Qpv2015 => Some(
                "géographie 2015, remplacée depuis le 1er janvier 2024 (métropole) / 2025 (outre-mer)",
            ),
            Self::Qpv2024 => None,
        }
    }

    /// The official address check of the QPV in force (ministère chargé de la ville), the
    /// link essor gives wherever a QPV fact cannot be settled offline.
    pub const ADDRESS_CHECK_URL: &'static str = "https://sig.ville.gouv.fr";

    /// Year label as used in reports ("2015", "2024").
    pub fn label(self) -> &'static str {
        match self {
            Self::Qpv2015 => "2015",
            Self::Qpv2024 => "2024",
        }
    }
}

impl std::fmt::Display for QpvGeography {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QPV {}", self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geography_comes_from_the_code_prefix() {
        assert_eq!(
            QpvGeography::of_code("QP093028"),
            Some(QpvGeography::Qpv2015)
        );
        assert_eq!(
            QpvGeography::of_code("QN09301M"),
            Some(QpvGeography::Qpv2024)
        );
        assert_eq!(QpvGeography::of_code("CSZ"), None);
        assert_eq!(QpvGeography::of_code(""), None);
    }
}
