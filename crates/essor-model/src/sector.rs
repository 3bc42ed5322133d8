//! Activity codes (NAF rév. 2, and NAF 2025 as SIRENE announces it) and the two groupings
//! essor reports: the NAF section, and the ESS sector groups observatories use.
//!
//! # NAF section
//!
//! NAF rév. 2 sections are ranges of divisions (the first two digits): A 01–03, B 05–09,
//! C 10–33, D 35, E 36–39, F 41–43, G 45–47, H 49–53, I 55–56, J 58–63, K 64–66, L 68,
//! M 69–75, N 77–82, O 84, P 85, Q 86–88, R 90–93, S 94–96, T 97–98, U 99 (INSEE, NAF rév. 2,
//! 2008; checked against `data/nomenclatures/naf_rev2.csv` in the tests below).
//!
//! # ESS sector groups
//!
//! ESS France and the Observatoire national de l'ESS (with the CRESS) describe where ESS jobs
//! are with a handful of sector headings built from NAF divisions; the seed
//! `004_aec176e962352d18.txt` ("chiffres clés de l'ESS en QPV", ESS France for the ANCT) cites
//! *action sociale* and *sports et loisirs* as the main ESS employers in QPV, and issue 3 asks
//! for the following groups:
//!
//! | group | NAF rév. 2 divisions |
//! | --- | --- |
//! | action sociale | 87 (hébergement médico-social et social), 88 (action sociale sans hébergement) |
//! | enseignement | 85 |
//! | santé | 86 (activités pour la santé humaine) |
//! | sport et loisirs | 93 (activités sportives, récréatives et de loisirs) |
//! | arts et spectacles | 90 (création, arts du spectacle), 91 (bibliothèques, archives, musées) |
//! | activités financières et d'assurance | 64, 65, 66 (section K) |
//! | autres | every other division, and codes we cannot read |
//!
//! Choices the observatories' published headings leave open, made here and to be written in
//! every report's méthodologie: cinema, video and television (59–60) and publishing (58)
//! belong to *information et communication* (section J), not to *arts et spectacles*, so they
//! fall in *autres*; so do gambling (92) and membership organisations (94, including the
//! many associations coded 94.99Z), which the observatories list apart from the groups above.
//! A NAF 2025 code is grouped by its division in the same way: the 2025 revision keeps these
//! divisions' numbers for the activities concerned.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An activity code as SIRENE writes it: `NN.NNL` (NAF rév. 2, e.g. `88.99B`) or the NAF 2025
/// forms `NN.NN` / `NN.NNL`. Only the shape is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NafCode {
    bytes: [u8; 6],
    len: u8,
}

/// Why a string is not an activity code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NafError {
    #[error(
        "« {0} » n'est pas un code d'activité NAF (attendu : 2 chiffres, un point, 2 chiffres et une lettre, ex. 88.99B)"
    )]
    Invalid(String),
}

impl NafCode {
    /// Accepts `88.99B`, `8899B` (written back with the dot), `62.10` and `62.10Y`.
    pub fn parse(s: &str) -> Result<Self, NafError> {
        let s = s.trim();
        let b = s.as_bytes();
        let (digits, rest): ([u8; 4], &[u8]) = match b {
            [a, c, b'.', d, e, rest @ ..] => ([*a, *c, *d, *e], rest),
            [a, c, d, e, rest @ ..] => ([*a, *c, *d, *e], rest),
            _ => return Err(NafError::Invalid(s.to_owned())),
        };
        let ok = digits.iter().all(u8::is_ascii_digit)
            && match rest {
                [] => true,
                [l] => l.is_ascii_alphabetic(),
                _ => false,
            };
        if !ok {
            return Err(NafError::Invalid(s.to_owned()));
        }
        let mut bytes = [digits[0], digits[1], b'.', digits[2], digits[3], 0];
        let mut len = 5;
        if let [l] = rest {
            bytes[5] = l.to_ascii_uppercase();
            len = 6;
        }
        Ok(Self { bytes, len })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).expect("checked ASCII at parse")
    }

    /// The division: the first two digits (`88` for `88.99B`).
    pub fn division(&self) -> u8 {
        (self.bytes[0] - b'0') * 10 + (self.bytes[1] - b'0')
    }

    /// The NAF rév. 2 section, `None` for a division that does not exist (00, 04, 34…).
    pub fn section(&self) -> Option<NafSection> {
        NafSection::of_division(self.division())
    }

    /// The ESS sector group (module doc).
    pub fn ess_sector(&self) -> EssSector {
        EssSector::of_division(self.division())
    }
}

impl fmt::Display for NafCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for NafCode {
    type Error = NafError;
    fn try_from(s: String) -> Result<Self, NafError> {
        Self::parse(&s)
    }
}

impl From<NafCode> for String {
    fn from(c: NafCode) -> String {
        c.to_string()
    }
}

/// A NAF rév. 2 section (A–U).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NafSection {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    L,
    M,
    N,
    O,
    P,
    Q,
    R,
    S,
    T,
    U,
}

/// (section, first division, last division, French label).
const SECTIONS: [(NafSection, u8, u8, &str); 21] = [
    (NafSection::A, 1, 3, "Agriculture, sylviculture et pêche"),
    (NafSection::B, 5, 9, "Industries extractives"),
    (NafSection::C, 10, 33, "Industrie manufacturière"),
    (
        NafSection::D,
        35,
        35,
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    ),
    (
        NafSection::E,
        36,
        39,
        "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    ),
    (NafSection::F, 41, 43, "Construction"),
    (
        NafSection::G,
        45,
        47,
        "Commerce ; réparation d'automobiles et de motocycles",
    ),
    (NafSection::H, 49, 53, "Transports et entreposage"),
    (NafSection::I, 55, 56, "Hébergement et restauration"),
    (NafSection::J, 58, 63, "Information et communication"),
    (
        NafSection::K,
        64,
        66,
        "Activités financières et d'assurance",
    ),
    (NafSection::L, 68, 68, "Activités immobilières"),
    (
        NafSection::M,
        69,
        75,
        "Activités spécialisées, scientifiques et techniques",
    ),
    (
        NafSection::N,
        77,
        82,
        "Activités de services administratifs et de soutien",
    ),
    (NafSection::O, 84, 84, "Administration publique"),
    (NafSection::P, 85, 85, "Enseignement"),
    (NafSection::Q, 86, 88, "Santé humaine et action sociale"),
    (
        NafSection::R,
        90,
        93,
        "Arts, spectacles et activités récréatives",
    ),
    (NafSection::S, 94, 96, "Autres activités de services"),
    (
        NafSection::T,
        97,
        98,
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages en tant que producteurs de biens et services pour usage propre",
    ),
    (NafSection::U, 99, 99, "Activités extra-territoriales"),
];

impl NafSection {
    /// The section of a NAF rév. 2 division; `None` for numbers that are not divisions.
    pub fn of_division(division: u8) -> Option<Self> {
        SECTIONS
            .iter()
            .find(|(_, lo, hi, _)| (*lo..=*hi).contains(&division))
            .map(|row| row.0)
    }

    /// The section letter.
    pub fn letter(self) -> char {
        (b'A' + self as u8) as char
    }

    /// INSEE's French label.
    pub fn label(self) -> &'static str {
        SECTIONS[self as usize].3
    }
}

impl fmt::Display for NafSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// The ESS sector groups of the module doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EssSector {
    ActionSociale,
    Enseignement,
    Sante,
    SportLoisirs,
    ArtsSpectacles,
    ActivitesFinancieres,
    Autres,
}

impl EssSector {
    /// All groups, in report order.
    pub const ALL: [EssSector; 7] = [
        Self::ActionSociale,
        Self::Enseignement,
        Self::Sante,
        Self::SportLoisirs,
        Self::ArtsSpectacles,
        Self::ActivitesFinancieres,
        Self::Autres,
    ];

    /// The group of a NAF division (module doc).
    pub fn of_division(division: u8) -> Self {
        match division {
            87 | 88 => Self::ActionSociale,
            85 => Self::Enseignement,
            86 => Self::Sante,
            93 => Self::SportLoisirs,
            90 | 91 => Self::ArtsSpectacles,
            64..=66 => Self::ActivitesFinancieres,
            _ => Self::Autres,
        }
    }

    /// The group of an optional code: `Autres` when the code is missing.
    pub fn of_code(code: Option<&NafCode>) -> Self {
        code.map_or(Self::Autres, NafCode::ess_sector)
    }

    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActionSociale => "action_sociale",
            Self::Enseignement => "enseignement",
            Self::Sante => "sante",
            Self::SportLoisirs => "sport_loisirs",
            Self::ArtsSpectacles => "arts_spectacles",
            Self::ActivitesFinancieres => "activites_financieres",
            Self::Autres => "autres",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::ActionSociale => "Action sociale",
            Self::Enseignement => "Enseignement",
            Self::Sante => "Santé",
            Self::SportLoisirs => "Sport et loisirs",
            Self::ArtsSpectacles => "Arts et spectacles",
            Self::ActivitesFinancieres => "Activités financières et d'assurance",
            Self::Autres => "Autres activités",
        }
    }
}

impl fmt::Display for EssSector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_in_sirene_and_naf_2025_shapes() {
        assert_eq!(NafCode::parse("88.99B").unwrap().as_str(), "88.99B");
        assert_eq!(NafCode::parse("8899b").unwrap().as_str(), "88.99B");
        assert_eq!(NafCode::parse("62.10").unwrap().as_str(), "62.10");
        assert_eq!(NafCode::parse("01.11Y").unwrap().division(), 1);
        for bad in ["", "88", "88.9", "AB.99B", "88.99BB", "[ND]"] {
            assert!(NafCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sections_are_the_division_ranges_of_naf_rev_2() {
        // Module doc, "NAF section".
        let s = |c: &str| NafCode::parse(c).unwrap().section().unwrap().letter();
        assert_eq!(s("01.11Z"), 'A');
        assert_eq!(s("35.11Z"), 'D');
        assert_eq!(s("47.11F"), 'G');
        assert_eq!(s("88.99B"), 'Q');
        assert_eq!(s("94.99Z"), 'S');
        assert_eq!(s("99.00Z"), 'U');
        assert_eq!(NafSection::of_division(4), None);
        assert_eq!(NafSection::of_division(34), None);
        assert_eq!(NafSection::Q.label(), "Santé humaine et action sociale");
    }

    /// Splits one line of a comma-separated file with `"`-quoted fields (no embedded quotes).
    fn split_csv_line(line: &str) -> Vec<&str> {
        let (mut fields, mut start, mut quoted) = (Vec::new(), 0, false);
        for (i, c) in line.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    fields.push(line[start..i].trim_matches('"'));
                    start = i + 1;
                }
                _ => {}
            }
        }
        fields.push(line[start..].trim_matches('"'));
        fields
    }

    #[test]
    fn sections_agree_with_the_embedded_nomenclature() {
        let nomenclature = include_str!("../../../data/nomenclatures/naf_rev2.csv");
        let mut rows = 0;
        for line in nomenclature.lines().skip(1) {
            let row = split_csv_line(line);
            let code = NafCode::parse(row[0]).unwrap();
            let letter = row[8].chars().next().unwrap();
            assert_eq!(
                code.section().map(NafSection::letter),
                Some(letter),
                "{code}"
            );
            rows += 1;
        }
        assert_eq!(rows, 732, "NAF rév. 2 has 732 sous-classes");
    }

    #[test]
    fn ess_groups_follow_the_module_table() {
        // Issue 3, point 4: ESS sector groups.
        let g = |c: &str| NafCode::parse(c).unwrap().ess_sector();
        assert_eq!(g("88.10A"), EssSector::ActionSociale);
        assert_eq!(g("87.30A"), EssSector::ActionSociale);
        assert_eq!(g("85.59A"), EssSector::Enseignement);
        assert_eq!(g("86.10Z"), EssSector::Sante);
        assert_eq!(g("93.12Z"), EssSector::SportLoisirs);
        assert_eq!(g("90.01Z"), EssSector::ArtsSpectacles);
        assert_eq!(g("91.02Z"), EssSector::ArtsSpectacles);
        assert_eq!(g("65.12Z"), EssSector::ActivitesFinancieres);
        assert_eq!(
            g("59.11A"),
            EssSector::Autres,
            "cinema is information et communication"
        );
        assert_eq!(g("94.99Z"), EssSector::Autres);
        assert_eq!(EssSector::of_code(None), EssSector::Autres);
    }
}
