//! SIRENE's headcount brackets (`trancheEffectifsUniteLegale`, `trancheEffectifsEtablissement`)
//! and the jobs we estimate from them.
//!
//! SIRENE gives no headcount, only a bracket of salaried employees at 31 December. Observatories
//! turn brackets into jobs with the bracket's midpoint; issue 3, point 3 fixes the values:
//! 01→1.5, 02→4, 03→7.5, 11→14.5, 12→34.5, 21→74.5, 22→149.5, 31→224.5, 32→374.5,
//! 41→749.5, 42→1499.5, 51→3499.5, 52→7499.5, 53→10000, anything else 0.
//!
//! The bounds are INSEE's (nomenclature "tranches d'effectifs salariés"). The last bracket,
//! 53 "10 000 salariés et plus", is open: we use 10 000 as its low **and** high bound, as the
//! midpoint rule does, so a range shown in a report never pretends to know the top.
//! *Employer* means a bracket from 01 to 53 (issue 3, rule "employer"): `NN` (no employee) and
//! `00` (employees during the year but none at 31/12) are not employers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A headcount bracket code as SIRENE writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HeadcountBracket {
    /// `NN`: not an employer (no employee during the year, none at 31/12).
    #[serde(rename = "NN")]
    NonEmployeur,
    /// `00`: employed people during the year but none at 31/12.
    #[serde(rename = "00")]
    Zero,
    #[serde(rename = "01")]
    B01,
    #[serde(rename = "02")]
    B02,
    #[serde(rename = "03")]
    B03,
    #[serde(rename = "11")]
    B11,
    #[serde(rename = "12")]
    B12,
    #[serde(rename = "21")]
    B21,
    #[serde(rename = "22")]
    B22,
    #[serde(rename = "31")]
    B31,
    #[serde(rename = "32")]
    B32,
    #[serde(rename = "41")]
    B41,
    #[serde(rename = "42")]
    B42,
    #[serde(rename = "51")]
    B51,
    #[serde(rename = "52")]
    B52,
    #[serde(rename = "53")]
    B53,
}

use HeadcountBracket::*;

/// (bracket, code, low, high, midpoint, French label). The single source of the figures above.
const TABLE: [(HeadcountBracket, &str, u32, u32, f64, &str); 16] = [
    (NonEmployeur, "NN", 0, 0, 0.0, "Unité non employeuse"),
    (Zero, "00", 0, 0, 0.0, "0 salarié au 31/12"),
    (B01, "01", 1, 2, 1.5, "1 ou 2 salariés"),
    (B02, "02", 3, 5, 4.0, "3 à 5 salariés"),
    (B03, "03", 6, 9, 7.5, "6 à 9 salariés"),
    (B11, "11", 10, 19, 14.5, "10 à 19 salariés"),
    (B12, "12", 20, 49, 34.5, "20 à 49 salariés"),
    (B21, "21", 50, 99, 74.5, "50 à 99 salariés"),
    (B22, "22", 100, 199, 149.5, "100 à 199 salariés"),
    (B31, "31", 200, 249, 224.5, "200 à 249 salariés"),
    (B32, "32", 250, 499, 374.5, "250 à 499 salariés"),
    (B41, "41", 500, 999, 749.5, "500 à 999 salariés"),
    (B42, "42", 1000, 1999, 1499.5, "1 000 à 1 999 salariés"),
    (B51, "51", 2000, 4999, 3499.5, "2 000 à 4 999 salariés"),
    (B52, "52", 5000, 9999, 7499.5, "5 000 à 9 999 salariés"),
    (B53, "53", 10000, 10000, 10000.0, "10 000 salariés et plus"),
];

impl HeadcountBracket {
    /// All brackets in code order.
    pub const ALL: [HeadcountBracket; 16] = {
        let mut all = [NonEmployeur; 16];
        let mut i = 0;
        while i < 16 {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    /// Parses a SIRENE code. Blank and unknown codes give `None`: callers count them as
    /// "tranche non renseignée" (0 jobs, not an employer).
    pub fn parse(code: &str) -> Option<Self> {
        let code = code.trim();
        TABLE.iter().find(|row| row.1 == code).map(|row| row.0)
    }

    fn row(self) -> &'static (HeadcountBracket, &'static str, u32, u32, f64, &'static str) {
        &TABLE[self as usize]
    }

    /// The 2-character SIRENE code.
    pub fn code(self) -> &'static str {
        self.row().1
    }

    /// Employer: bracket 01 to 53 (issue 3, rule "employer").
    pub fn is_employer(self) -> bool {
        !matches!(self, NonEmployeur | Zero)
    }

    /// Estimated salaried jobs: the bracket's midpoint (issue 3, rule "estimated jobs").
    pub fn estimated_jobs(self) -> f64 {
        self.row().4
    }

    /// Lowest headcount of the bracket (10 000 for 53, see the module doc).
    pub fn low(self) -> u32 {
        self.row().2
    }

    /// Highest headcount of the bracket (10 000 for the open bracket 53, see the module doc).
    pub fn high(self) -> u32 {
        self.row().3
    }

    /// French label, e.g. "3 à 5 salariés".
    pub fn label(self) -> &'static str {
        self.row().5
    }
}

/// Estimated jobs of an optional bracket: 0 when the bracket is missing or unknown.
pub fn estimated_jobs(bracket: Option<HeadcountBracket>) -> f64 {
    bracket.map_or(0.0, HeadcountBracket::estimated_jobs)
}

impl fmt::Display for HeadcountBracket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_in_enum_order() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.0 as usize, i);
            assert_eq!(HeadcountBracket::parse(row.1), Some(row.0));
        }
    }

    #[test]
    fn midpoints_are_exactly_those_of_issue_3() {
        // Issue 3, rule "estimated jobs".
        let expected = [
            ("01", 1.5),
            ("02", 4.0),
            ("03", 7.5),
            ("11", 14.5),
            ("12", 34.5),
            ("21", 74.5),
            ("22", 149.5),
            ("31", 224.5),
            ("32", 374.5),
            ("41", 749.5),
            ("42", 1499.5),
            ("51", 3499.5),
            ("52", 7499.5),
            ("53", 10000.0),
            ("NN", 0.0),
            ("00", 0.0),
        ];
        for (code, jobs) in expected {
            let b = HeadcountBracket::parse(code).unwrap();
            assert_eq!(b.estimated_jobs(), jobs, "{code}");
        }
        assert_eq!(estimated_jobs(HeadcountBracket::parse("")), 0.0);
        assert_eq!(estimated_jobs(HeadcountBracket::parse("99")), 0.0);
    }

    #[test]
    fn employers_are_01_to_53() {
        // Issue 3, rule "employer".
        assert!(!HeadcountBracket::parse("NN").unwrap().is_employer());
        assert!(!HeadcountBracket::parse("00").unwrap().is_employer());
        let employers = HeadcountBracket::ALL
            .iter()
            .filter(|b| b.is_employer())
            .count();
        assert_eq!(employers, 14);
    }

    #[test]
    fn bounds_follow_insee_and_the_open_bracket_is_pinned() {
        let b = |c| HeadcountBracket::parse(c).unwrap();
        assert_eq!((b("01").low(), b("01").high()), (1, 2));
        assert_eq!((b("31").low(), b("31").high()), (200, 249));
        assert_eq!((b("53").low(), b("53").high()), (10000, 10000));
        for x in HeadcountBracket::ALL {
            assert!(x.low() as f64 <= x.estimated_jobs() && x.estimated_jobs() <= x.high() as f64);
        }
        assert_eq!(b("02").label(), "3 à 5 salariés");
    }
}
