//! The catégorie juridique (INSEE's 4-digit legal-form code) and the ESS legal families that
//! observatories count.
//!
//! The rules are those of issue 3, point 3, which other tools check our figures against:
//!
//! | family | catégories juridiques |
//! | --- | --- |
//! | association | 9210–9260, i.e. niveau II 92 |
//! | fondation | 9300 |
//! | mutuelle | 8210, 8250, 8290, 6411 |
//! | coopérative | niveau II 51 and 63; 5203, 5307, 5309, 5443, 5451, 5453–5455, 5458–5460, 5543, 5547, 5551–5555, 5558–5560, 5643, 5647, 5651–5655, 5658–5660, 6543, 6551, 6554, 6558, 6560, 6595, 6596 |
//! | société commerciale de l'ESS | any other code (or no code) of a unit flagged ESS |
//! | autre | everything else |
//!
//! The first four families are legal forms: a non-ESS association is still an
//! [`LegalFamily::Association`](crate::legal::LegalFamily::Association). Only the fifth depends on the ESS flag. An ESS unit whose
//! category is missing is counted as a société commerciale de l'ESS, so that the five ESS
//! families always add up to the ESS total.
//!
//! *Private* means niveau I neither 4 (personne morale de droit public soumise au droit
//! commercial) nor 7 (personne morale et organisme soumis au droit administratif).

use crate::ids::IdError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A catégorie juridique, niveau III (4 digits, `0000`–`9999`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LegalCategory(u16);

impl LegalCategory {
    /// Parses the 4-digit code as SIRENE writes it in CSV (`9220`). Parquet stores it as an
    /// integer, so shorter all-digit strings (`0` for `0000`) are padded, as INSEE's own
    /// integer typing implies.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::Invalid {
                kind: "catégorie juridique",
                value: s.to_owned(),
                expected: "4 chiffres attendus (ex. 9220)",
            });
        }
        Ok(Self(s.parse().expect("at most 4 ASCII digits fit in u16")))
    }

    /// From the numeric code; `None` above 9999.
    pub fn from_code(code: u16) -> Option<Self> {
        (code <= 9999).then_some(Self(code))
    }

    /// The 4-digit code as a number (`9220`).
    pub fn code(self) -> u16 {
        self.0
    }

    /// Niveau I: the first digit (`9` for `9220`).
    pub fn niveau1(self) -> u8 {
        (self.0 / 1000) as u8
    }

    /// Niveau II: the first two digits (`92` for `9220`).
    pub fn niveau2(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// Private economy: niveau I is neither 4 nor 7 (rule "private", issue 3).
    pub fn is_private(self) -> bool {
        !matches!(self.niveau1(), 4 | 7)
    }

    /// The legal family of a unit with this category, given its SIRENE ESS flag.
    pub fn family(self, ess: bool) -> LegalFamily {
        LegalFamily::classify(Some(self), ess)
    }
}

impl fmt::Display for LegalCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl TryFrom<String> for LegalCategory {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        Self::parse(&s)
    }
}

impl From<LegalCategory> for String {
    fn from(c: LegalCategory) -> String {
        c.to_string()
    }
}

impl std::str::FromStr for LegalCategory {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

/// The families ESS observatories break the ESS down into (plus `Autre` for the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalFamily {
    Association,
    Cooperative,
    Mutuelle,
    Fondation,
    SocieteCommercialeEss,
    Autre,
}

/// Coopérative codes outside niveau II 51 and 63 (issue 3, point 3), as inclusive ranges.
const COOPERATIVE_CODES: &[(u16, u16)] = &[
    (5203, 5203),
    (5307, 5307),
    (5309, 5309),
    (5443, 5443),
    (5451, 5451),
    (5453, 5455),
    (5458, 5460),
    (5543, 5543),
    (5547, 5547),
    (5551, 5555),
    (5558, 5560),
    (5643, 5643),
    (5647, 5647),
    (5651, 5655),
    (5658, 5660),
    (6543, 6543),
    (6551, 6551),
    (6554, 6554),
    (6558, 6558),
    (6560, 6560),
    (6595, 6596),
];

const MUTUELLE_CODES: &[u16] = &[8210, 8250, 8290, 6411];
const FONDATION_CODE: u16 = 9300;

impl LegalFamily {
    /// All families, in the order reports list them.
    pub const ALL: [LegalFamily; 6] = [
        Self::Association,
        Self::Cooperative,
        Self::Mutuelle,
        Self::Fondation,
        Self::SocieteCommercialeEss,
        Self::Autre,
    ];

    /// Classifies a unit from its catégorie juridique and its SIRENE ESS flag
    /// (`economieSocialeSolidaireUniteLegale = O`). See the module doc for the rules.
    pub fn classify(category: Option<LegalCategory>, ess: bool) -> Self {
        let by_form = category.and_then(|c| {
            let code = c.code();
            if c.niveau2() == 92 {
                Some(Self::Association)
            } else if code == FONDATION_CODE {
                Some(Self::Fondation)
            } else if MUTUELLE_CODES.contains(&code) {
                Some(Self::Mutuelle)
            } else if matches!(c.niveau2(), 51 | 63)
                || COOPERATIVE_CODES
                    .iter()
                    .any(|&(lo, hi)| (lo..=hi).contains(&code))
            {
                Some(Self::Cooperative)
            } else {
                None
            }
        });
        match by_form {
            Some(family) => family,
            None if ess => Self::SocieteCommercialeEss,
            None => Self::Autre,
        }
    }

    /// The five families of the ESS (every family but [`Autre`](Self::Autre)), in report order.
    pub const ESS: [LegalFamily; 5] = [
        Self::Association,
        Self::Cooperative,
        Self::Mutuelle,
        Self::Fondation,
        Self::SocieteCommercialeEss,
    ];

    /// The family itself when it is one of the ESS ([`ESS`](Self::ESS)), `None` for
    /// [`Autre`](Self::Autre): what an actor of the ESS may be.
    pub fn ess(self) -> Option<Self> {
        (self != Self::Autre).then_some(self)
    }

    /// The family's one spelling in the API, URLs, CSV, JSON, the store and orientation
    /// (`association`, …, `societe_commerciale_ess`, `autre`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Association => "association",
            Self::Cooperative => "cooperative",
            Self::Mutuelle => "mutuelle",
            Self::Fondation => "fondation",
            Self::SocieteCommercialeEss => "societe_commerciale_ess",
            Self::Autre => "autre",
        }
    }

    /// The family of a code ([`as_str`](Self::as_str)). Also accepts `societe_commerciale`,
    /// the spelling of the API's actor answers before essor 0.2 (deprecated: still accepted in
    /// queries, never written).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "societe_commerciale" => Some(Self::SocieteCommercialeEss),
            _ => Self::ALL.into_iter().find(|f| f.as_str() == code),
        }
    }

    /// The plural key of an ESS family in the columns of `indicators.csv`
    /// (`ess_employer_associations`, `ess_jobs_societes_commerciales`…); `autres` for the rest.
    pub fn column_key(self) -> &'static str {
        match self {
            Self::Association => "associations",
            Self::Cooperative => "cooperatives",
            Self::Mutuelle => "mutuelles",
            Self::Fondation => "fondations",
            Self::SocieteCommercialeEss => "societes_commerciales",
            Self::Autre => "autres",
        }
    }

    /// The family of a [`column_key`](Self::column_key).
    pub fn from_column_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.column_key() == key)
    }

    /// French label of one unit of the family, for actor pages and lists ("Coopérative").
    pub fn singular_label(self) -> &'static str {
        match self {
            Self::Association => "Association",
            Self::Cooperative => "Coopérative",
            Self::Mutuelle => "Mutuelle",
            Self::Fondation => "Fondation",
            Self::SocieteCommercialeEss => "Société commerciale de l'ESS",
            Self::Autre => "Autre",
        }
    }

    /// French label of the family in reports, plural ("Coopératives").
    pub fn label(self) -> &'static str {
        match self {
            Self::Association => "Associations",
            Self::Cooperative => "Coopératives",
            Self::Mutuelle => "Mutuelles",
            Self::Fondation => "Fondations",
            Self::SocieteCommercialeEss => "Sociétés commerciales de l'ESS",
            Self::Autre => "Autres formes juridiques",
        }
    }
}

impl fmt::Display for LegalFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(s: &str) -> LegalCategory {
        LegalCategory::parse(s).unwrap()
    }

    fn family(code: &str, ess: bool) -> LegalFamily {
        cat(code).family(ess)
    }

    #[test]
    fn levels_are_the_leading_digits() {
        let c = cat("9220");
        assert_eq!((c.niveau1(), c.niveau2(), c.code()), (9, 92, 9220));
        assert_eq!(
            cat("0").to_string(),
            "0000",
            "Parquet stores the code as an integer"
        );
        assert!(LegalCategory::parse("92200").is_err());
        assert!(LegalCategory::parse("92A0").is_err());
        assert_eq!(
            LegalCategory::parse("").unwrap_err().to_string(),
            "«  » n'est pas un catégorie juridique valide : 4 chiffres attendus (ex. 9220)"
        );
    }

    #[test]
    fn associations_are_niveau_ii_92_whatever_the_ess_flag() {
        // Issue 3, rule "association 9210–9260 (niveau II 92)".
        for code in [
            "9210", "9220", "9221", "9222", "9223", "9224", "9230", "9240", "9260",
        ] {
            assert_eq!(family(code, true), LegalFamily::Association, "{code}");
            assert_eq!(family(code, false), LegalFamily::Association, "{code}");
        }
    }

    #[test]
    fn fondations_and_mutuelles_are_their_exact_codes() {
        // Issue 3: fondation 9300; mutuelle 8210, 8250, 8290, 6411.
        assert_eq!(family("9300", true), LegalFamily::Fondation);
        for code in ["8210", "8250", "8290", "6411"] {
            assert_eq!(family(code, true), LegalFamily::Mutuelle, "{code}");
        }
        assert_eq!(
            family("8220", false),
            LegalFamily::Autre,
            "8220 is not listed"
        );
        assert_eq!(family("9900", true), LegalFamily::SocieteCommercialeEss);
    }

    #[test]
    fn cooperatives_are_niveau_ii_51_63_and_the_listed_codes() {
        // Issue 3: coopérative niveau II 51 and 63 and the listed codes.
        for code in [
            "5191", "5196", "6316", "6317", "5203", "5458", "5459", "5460", "5558",
        ] {
            assert_eq!(family(code, false), LegalFamily::Cooperative, "{code}");
        }
        for code in ["6595", "6596", "5660", "5651", "5655", "6543"] {
            assert_eq!(family(code, true), LegalFamily::Cooperative, "{code}");
        }
        // Neighbours of the listed ranges are not coopératives.
        for code in ["5452", "5456", "5457", "5650", "5656", "5599", "5710"] {
            assert_eq!(family(code, false), LegalFamily::Autre, "{code}");
        }
    }

    #[test]
    fn other_codes_are_commercial_ess_only_for_ess_units() {
        // Issue 3: "société commerciale de l'ESS any other code of an ESS unit; other otherwise".
        assert_eq!(family("5710", true), LegalFamily::SocieteCommercialeEss);
        assert_eq!(family("5499", false), LegalFamily::Autre);
        assert_eq!(
            LegalFamily::classify(None, true),
            LegalFamily::SocieteCommercialeEss
        );
        assert_eq!(LegalFamily::classify(None, false), LegalFamily::Autre);
    }

    #[test]
    fn codes_round_trip_and_the_old_commercial_spelling_is_still_read() {
        // Issue 10: one spelling (`societe_commerciale_ess`), the old one accepted in queries.
        for f in LegalFamily::ALL {
            assert_eq!(LegalFamily::from_code(f.as_str()), Some(f));
            assert_eq!(LegalFamily::from_column_key(f.column_key()), Some(f));
        }
        assert_eq!(
            LegalFamily::from_code("societe_commerciale"),
            Some(LegalFamily::SocieteCommercialeEss)
        );
        assert_eq!(LegalFamily::from_code("Association"), None);
        assert!(!LegalFamily::ESS.contains(&LegalFamily::Autre));
        for f in LegalFamily::ALL {
            assert_eq!(f.ess().is_some(), LegalFamily::ESS.contains(&f), "{f}");
        }
    }

    #[test]
    fn private_means_niveau_i_neither_4_nor_7() {
        // Issue 3, rule "private".
        assert!(cat("9220").is_private());
        assert!(cat("1000").is_private());
        assert!(cat("5710").is_private());
        assert!(!cat("7210").is_private(), "commune");
        assert!(!cat("4110").is_private(), "EPIC");
    }

    #[test]
    fn every_listed_code_exists_in_the_official_nomenclature() {
        let nomenclature = include_str!("../../../data/nomenclatures/categories_juridiques.csv");
        let known: std::collections::HashSet<u16> = nomenclature
            .lines()
            .filter_map(|l| l.get(..4)?.parse().ok())
            .collect();
        let listed = COOPERATIVE_CODES
            .iter()
            .flat_map(|&(lo, hi)| lo..=hi)
            .chain(MUTUELLE_CODES.iter().copied())
            .chain([FONDATION_CODE]);
        for code in listed {
            assert!(known.contains(&code), "{code} is not a catégorie juridique");
        }
    }
}
