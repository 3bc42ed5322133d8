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
//!
//! **Cooperatives in SAS, SARL or SA form (issue 14).** INSEE's nomenclature has cooperative
//! codes for SARL and SA (5458 SCOP SARL, 5459/5559/5659 unions, 5460/5560/5660 other
//! cooperatives, 5558/5658 SCOP SA…) but **none for the SAS**: a SCOP or SCIC in SAS form is
//! coded 5710 like any SAS, and a SCIC in SARL or SA form is coded 5460/5560/5660 ("autre …
//! coopérative") or, often, the plain 5499/5599/5699. No column of `StockUniteLegale` says
//! "coopérative" (`societeMissionUniteLegale` is the *société à mission* of the PACTE law, not
//! that). What SIRENE does carry is the unit's name: a unit of a company form (niveau II 54 to
//! 57) flagged ESS whose denomination or sigle holds the word *SCOP*, *SCIC*, *coopérative* /
//! *coopératif* or *coop* is counted a coopérative ([`cooperative_name`]). A cooperative whose
//! name says none of these stays a société commerciale de l'ESS: that cannot be told apart.
//!
//! # The two ESS perimeters (issue 14)
//!
//! [`Perimeter::Sirene`] counts a unit as ESS when SIRENE's `economieSocialeSolidaireUniteLegale`
//! is `O`. [`Perimeter::Observatoire`] is the statistical perimeter of INSEE and the ESS
//! observatories (ESS France / ONESS, the CRESS): a list of legal categories (the four families
//! above: associations, coopératives, mutuelles, fondations) **minus** the activities listed in
//! [`EXCLUDED_ACTIVITIES`], read on the legal unit's `activitePrincipaleUniteLegale`.
//! Commercial ESS companies are not in it. Sources (checked 2026-12-08):
//!
//! - INSEE, « L'économie sociale » (Flores, 2018–2020), méthodologie:
//!   <https://www.insee.fr/fr/statistiques/7636531?sommaire=7636553> — the four families, a fifth
//!   one "autres organismes privés à but non lucratif" added to the statistical perimeter, the
//!   commercial ESS companies of the 2014 law not counted;
//! - INSEE, « Économie sociale » (2012):
//!   <http://www.insee.fr/fr/themes/detail.asp?ref_id=eco-sociale&reg_id=99> — "le champ de
//!   l'économie sociale est construit à partir d'une liste de catégories juridiques (CJ), puis
//!   de l'exclusion de certaines activités (codes NAF) réputées hors champ", perimeter agreed
//!   with the DIIESES and the CNCRES (now ESS France).
//!
//! The legal categories of INSEE's fifth family are not published in a list we could check:
//! essor does not count that family (the méthodologie says so).

use crate::ids::IdError;
use crate::sector::NafCode;
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
        Self::classify_named(category, ess, false)
    }

    /// [`classify`](Self::classify), knowing whether the unit's name marks a cooperative
    /// ([`cooperative_name`]): an ESS unit of a company form (niveau II 54 to 57: SARL, SA,
    /// SAS) so named is a coopérative, since the nomenclature has no code for a cooperative SAS
    /// (module doc).
    pub fn classify_named(category: Option<LegalCategory>, ess: bool, coop_name: bool) -> Self {
        if ess && coop_name && category.is_some_and(|c| (54..=57).contains(&c.niveau2())) {
            return Self::Cooperative;
        }
        Self::of_form(category).unwrap_or(if ess {
            Self::SocieteCommercialeEss
        } else {
            Self::Autre
        })
    }

    /// The family a legal form alone gives (association, fondation, mutuelle, coopérative),
    /// `None` for any other form.
    pub fn of_form(category: Option<LegalCategory>) -> Option<Self> {
        category.and_then(|c| {
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
        })
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

/// Whether a unit's name marks it as a cooperative: its denomination or sigle holds one of
/// the words `SCOP`, `SCIC`, `COOP`, `COOPERATIVE(S)`, `COOPERATIF` (accents and case aside).
/// The only cooperative marker SIRENE carries for a cooperative in SAS form (module doc).
pub fn cooperative_name(name: &str) -> bool {
    let folded: String = name
        .chars()
        .map(|c| crate::french::strip_accent(c).to_ascii_uppercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().any(|w| {
        matches!(
            w,
            "SCOP" | "SCIC" | "COOP" | "COOPERATIVE" | "COOPERATIVES" | "COOPERATIF"
        )
    })
}

/// Which units a figure counts as ESS (issue 14). One spelling everywhere (`observatoire`,
/// `sirene`): the CLI's `--perimeter`, the store's provenance, the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perimeter {
    /// The statistical perimeter of INSEE and the ESS observatories: legal categories of the
    /// four families minus [`EXCLUDED_ACTIVITIES`] (module doc). The published « chiffres
    /// clés » use it.
    #[default]
    Observatoire,
    /// SIRENE's `economieSocialeSolidaireUniteLegale = O`, commercial ESS companies included,
    /// no activity excluded.
    Sirene,
}

/// What [`Perimeter::family`] needs to know of a legal unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitEss {
    pub category: Option<LegalCategory>,
    /// `economieSocialeSolidaireUniteLegale = O`.
    pub sirene_flag: bool,
    /// The unit's activity is one of [`EXCLUDED_ACTIVITIES`] ([`excluded_activity`]).
    pub excluded_activity: bool,
    /// [`cooperative_name`] of its denomination or sigle.
    pub cooperative_name: bool,
}

impl Perimeter {
    pub const ALL: [Perimeter; 2] = [Self::Observatoire, Self::Sirene];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Observatoire => "observatoire",
            Self::Sirene => "sirene",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == code)
    }

    /// French, for a figure's legend: « périmètre observatoire (INSEE / ESS France) ».
    pub fn label(self) -> &'static str {
        match self {
            Self::Observatoire => {
                "périmètre observatoire (INSEE / ESS France : associations, coopératives, mutuelles, fondations, hors activités exclues)"
            }
            Self::Sirene => {
                "périmètre Sirene (indicateur economieSocialeSolidaireUniteLegale = O, sociétés commerciales de l'ESS comprises)"
            }
        }
    }

    /// The unit's ESS family in this perimeter, `None` when the unit is not ESS in it.
    pub fn family(self, u: &UnitEss) -> Option<LegalFamily> {
        match self {
            Self::Sirene => u
                .sirene_flag
                .then(|| LegalFamily::classify_named(u.category, true, u.cooperative_name)),
            Self::Observatoire => {
                if u.excluded_activity {
                    return None;
                }
                LegalFamily::of_form(u.category).or_else(|| {
                    (u.sirene_flag
                        && u.cooperative_name
                        && u.category.is_some_and(|c| (54..=57).contains(&c.niveau2())))
                    .then_some(LegalFamily::Cooperative)
                })
            }
        }
    }
}

impl fmt::Display for Perimeter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Perimeter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::from_code(s).ok_or_else(|| {
            format!("périmètre « {s} » inconnu : « observatoire » ou « sirene » attendu")
        })
    }
}

/// An activity the statistical perimeter leaves out whatever the legal form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExcludedActivity {
    /// A NAF rév. 2 division (`84`) or sous-classe (`94.91Z`).
    pub naf: &'static str,
    /// French label, for the méthodologie.
    pub label: &'static str,
}

/// The activities INSEE and the observatories exclude from the ESS (issue 14; sources in the
/// module doc, checked 2026-12-08). Read on the legal unit's `activitePrincipaleUniteLegale`
/// (NAF rév. 2): the perimeter is one of legal units, so all the establishments of a unit are
/// in or out together.
pub const EXCLUDED_ACTIVITIES: &[ExcludedActivity] = &[
    ExcludedActivity {
        naf: "84",
        label: "administration publique et défense ; sécurité sociale obligatoire (division 84)",
    },
    ExcludedActivity {
        naf: "94.11Z",
        label: "activités des organisations patronales et consulaires",
    },
    ExcludedActivity {
        naf: "94.12Z",
        label: "activités des organisations professionnelles",
    },
    ExcludedActivity {
        naf: "94.20Z",
        label: "activités des syndicats de salariés",
    },
    ExcludedActivity {
        naf: "94.91Z",
        label: "activités des organisations religieuses",
    },
    ExcludedActivity {
        naf: "94.92Z",
        label: "activités des organisations politiques",
    },
];

/// The excluded activity a NAF code falls in, if any.
pub fn excluded_activity(naf: &NafCode) -> Option<&'static ExcludedActivity> {
    EXCLUDED_ACTIVITIES.iter().find(|a| match a.naf.len() {
        2 => naf.division().to_string() == a.naf,
        _ => naf.as_str() == a.naf,
    })
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

    fn unit(code: &str, flag: bool, naf: &str, coop: bool) -> UnitEss {
        UnitEss {
            category: LegalCategory::parse(code).ok(),
            sirene_flag: flag,
            excluded_activity: excluded_activity(&NafCode::parse(naf).unwrap()).is_some(),
            cooperative_name: coop,
        }
    }

    #[test]
    fn the_observatoire_perimeter_is_the_four_families_whatever_the_flag() {
        // Issue 14, point 1: legal categories, known answers for every family.
        use LegalFamily::*;
        let obs = |code, flag| Perimeter::Observatoire.family(&unit(code, flag, "88.99B", false));
        for (code, family) in [
            ("9220", Association),
            ("9210", Association),
            ("9260", Association),
            ("9300", Fondation),
            ("8210", Mutuelle),
            ("6411", Mutuelle),
            ("5458", Cooperative),
            ("5560", Cooperative),
            ("6317", Cooperative),
            ("5196", Cooperative),
        ] {
            assert_eq!(obs(code, true), Some(family), "{code}");
            assert_eq!(obs(code, false), Some(family), "{code}, no flag");
        }
        // Commercial ESS companies are not in the statistical perimeter; nor are other forms.
        assert_eq!(obs("5710", true), None);
        assert_eq!(obs("5499", true), None);
        assert_eq!(obs("7210", false), None);
        assert_eq!(
            Perimeter::Observatoire.family(&UnitEss {
                sirene_flag: true,
                ..UnitEss::default()
            }),
            None,
            "no category"
        );
    }

    #[test]
    fn each_excluded_activity_takes_a_unit_out_of_the_observatoire_perimeter_only() {
        // Issue 14, point 1: NAF 84, 94.11Z, 94.12Z, 94.20Z, 94.91Z, 94.92Z.
        for naf in [
            "84.11Z", "84.12Z", "84.30A", "94.11Z", "94.12Z", "94.20Z", "94.91Z", "94.92Z",
        ] {
            let u = unit("9220", true, naf, false);
            assert!(u.excluded_activity, "{naf}");
            assert_eq!(Perimeter::Observatoire.family(&u), None, "{naf}");
            assert_eq!(
                Perimeter::Sirene.family(&u),
                Some(LegalFamily::Association),
                "{naf}: the SIRENE flag excludes no activity"
            );
        }
        for naf in ["94.99Z", "88.99B", "85.59A", "83.11Z", "94.93Z"] {
            let u = unit("9220", false, naf, false);
            assert_eq!(
                Perimeter::Observatoire.family(&u),
                Some(LegalFamily::Association),
                "{naf}"
            );
        }
        assert_eq!(EXCLUDED_ACTIVITIES.len(), 6);
    }

    #[test]
    fn the_sirene_perimeter_is_the_flag_with_its_commercial_companies() {
        use LegalFamily::*;
        let sir = |code, flag, coop| Perimeter::Sirene.family(&unit(code, flag, "88.99B", coop));
        assert_eq!(sir("9220", true, false), Some(Association));
        assert_eq!(
            sir("9220", false, false),
            None,
            "an association without the flag"
        );
        assert_eq!(sir("5710", true, false), Some(SocieteCommercialeEss));
        assert_eq!(sir("5458", true, false), Some(Cooperative));
        assert_eq!(sir("9300", true, false), Some(Fondation));
        assert_eq!(sir("8250", true, false), Some(Mutuelle));
    }

    #[test]
    fn a_cooperative_in_sas_form_is_a_cooperative_when_its_name_says_so() {
        // Issue 14: catégorie juridique 5710 has no cooperative code; the name is the marker.
        assert!(cooperative_name("SCOP SAS LES ARTISANS DU QUARTIER"));
        assert!(cooperative_name(
            "Société coopérative d'intérêt collectif Tiers-Lieu"
        ));
        assert!(cooperative_name("LA COOP DES HABITANTS"));
        assert!(cooperative_name("scic-énergies"));
        assert!(!cooperative_name("COOPERATION INTERNATIONALE SAS"));
        assert!(!cooperative_name("SCOPE CONSEIL"));
        for p in Perimeter::ALL {
            for code in ["5710", "5499", "5599", "5699", "5785"] {
                assert_eq!(
                    p.family(&unit(code, true, "43.21A", true)),
                    Some(LegalFamily::Cooperative),
                    "{p} {code}"
                );
            }
            // Without the ESS flag, a name alone makes no cooperative; nor outside company forms.
            assert_eq!(p.family(&unit("5710", false, "43.21A", true)), None, "{p}");
            assert_ne!(
                p.family(&unit("1000", true, "43.21A", true)),
                Some(LegalFamily::Cooperative)
            );
        }
        assert_eq!(
            Perimeter::Sirene.family(&unit("5710", true, "43.21A", false)),
            Some(LegalFamily::SocieteCommercialeEss),
            "an SAS cooperative whose name says nothing cannot be told apart"
        );
    }

    #[test]
    fn perimeters_have_one_spelling() {
        for p in Perimeter::ALL {
            assert_eq!(Perimeter::from_code(p.as_str()), Some(p));
            assert_eq!(p.as_str().parse::<Perimeter>().unwrap(), p);
        }
        assert_eq!(Perimeter::default(), Perimeter::Observatoire);
        assert!("insee".parse::<Perimeter>().is_err());
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
