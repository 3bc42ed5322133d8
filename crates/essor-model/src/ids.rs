//! Each identifier is a small `Copy` or `Box<str>` newtype with a `parse` that checks the
//! shape only (length, character classes). SIRENE contains valid SIRET that fail the Luhn
//! check (La Poste's establishments), so no checksum is enforced by `parse`; callers that
//! read identifiers typed by people (grant files) ask [`Siren::checksum_ok`] and
//! [`Siret::checksum_ok`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a string is not the identifier it claims to be. Messages are French: they reach users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    #[error("« {value} » n'est pas un {kind} valide : {expected}")]
    Invalid {
        kind: &'static str,
        value: String,
        expected: &'static str,
    },
}

fn invalid(kind: &'static str, value: &str, expected: &'static str) -> IdError {
    IdError::Invalid {
        kind,
        value: value.to_owned(),
        expected,
    }
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// A legal unit's identifier: 9 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(u32);

impl Siren {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if s.len() != 9 || !all_digits(s) {
            return Err(invalid("SIREN", s, "9 chiffres attendus"));
        }
        Ok(Self(s.parse().expect("9 ASCII digits fit in u32")))
    }
    pub fn get(self) -> u32 {
        self.0
    }
    /// Does the SIREN pass the Luhn check, as every SIREN INSEE assigns does?
    pub fn checksum_ok(self) -> bool {
        luhn_sum(u64::from(self.0), 9).is_multiple_of(10)
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

/// An establishment's identifier: the SIREN followed by a 5-digit NIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(u64);

impl Siret {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        if s.len() != 14 || !all_digits(s) {
            return Err(invalid("SIRET", s, "14 chiffres attendus"));
        }
        Ok(Self(s.parse().expect("14 ASCII digits fit in u64")))
    }
    pub fn get(self) -> u64 {
        self.0
    }
    pub fn siren(self) -> Siren {
        Siren((self.0 / 100_000) as u32)
    }
    /// Does the SIRET pass INSEE's check: the Luhn check on its 14 digits and on its SIREN,
    /// except for La Poste's establishments (SIREN 356 000 000 but the head office
    /// 356 000 000 00048), whose digits instead sum to a multiple of 5 — the rule of the
    /// reference validators (python-stdnum `fr.siret`, used by the SCDL check
    /// `french-siret-value`).
    pub fn checksum_ok(self) -> bool {
        const LA_POSTE: u32 = 356_000_000;
        if self.siren().get() == LA_POSTE && self.0 != 35_600_000_000_048 {
            let mut digits_sum = 0;
            let mut n = self.0;
            while n > 0 {
                digits_sum += n % 10;
                n /= 10;
            }
            return digits_sum.is_multiple_of(5);
        }
        luhn_sum(self.0, 14).is_multiple_of(10) && self.siren().checksum_ok()
    }
}

/// The Luhn sum of the `len` rightmost digits of `number`: every second digit from the
/// right doubled (9 taken away when over 9).
fn luhn_sum(mut number: u64, len: u32) -> u64 {
    let mut sum = 0;
    for position in 0..len {
        let mut d = number % 10;
        number /= 10;
        if position % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:014}", self.0)
    }
}

/// An association's number in the Répertoire national des associations: `W` + 9 characters
/// (digits, except for a few Alsace-Moselle and overseas prefixes that carry letters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rna(Box<str>);

impl Rna {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let ok = s.len() == 10
            && s.starts_with(['W', 'w'])
            && s[1..].bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok {
            return Err(invalid("numéro RNA", s, "W suivi de 9 caractères attendu"));
        }
        Ok(Self(s.to_ascii_uppercase().into()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Rna {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An INSEE commune code (COG): 5 characters, digits except Corsica's `2A`/`2B`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommuneCode([u8; 5]);

impl CommuneCode {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let b = s.as_bytes();
        let ok = b.len() == 5
            && (b[..2].iter().all(u8::is_ascii_digit)
                || matches!(&b[..2], b"2A" | b"2B" | b"2a" | b"2b"))
            && b[2..].iter().all(u8::is_ascii_digit);
        if !ok {
            return Err(invalid(
                "code commune",
                s,
                "5 caractères attendus (ex. 93066, 2A004)",
            ));
        }
        let mut code = [0u8; 5];
        code.copy_from_slice(b);
        code[1] = code[1].to_ascii_uppercase();
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("checked ASCII at parse")
    }

    /// The département: 3 characters overseas (`971`…`989`), else the first 2.
    pub fn departement(&self) -> &str {
        if self.0.starts_with(b"97") || self.0.starts_with(b"98") {
            &self.as_str()[..3]
        } else {
            &self.as_str()[..2]
        }
    }

    /// Paris, Lyon and Marseille arrondissements (75101–75120, 69381–69389, 13201–13216)
    /// mapped to their commune (75056, 69123, 13055); any other code unchanged.
    pub fn without_arrondissement(self) -> Self {
        let n: u32 = match self.as_str().parse() {
            Ok(n) => n,
            Err(_) => return self, // Corsica
        };
        let commune = match n {
            75101..=75120 => "75056",
            69381..=69389 => "69123",
            13201..=13216 => "13055",
            _ => return self,
        };
        Self::parse(commune).expect("constant codes are valid")
    }
}

impl fmt::Display for CommuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A QPV code: `QP` (2015) or `QN` (2024) followed by 6 characters (département on 3, then a
/// serial that may carry a letter in the 2024 geography).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QpvCode([u8; 8]);

impl QpvCode {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let s = s.trim();
        let b = s.as_bytes();
        let ok = b.len() == 8
            && (b.starts_with(b"QP") || b.starts_with(b"QN"))
            && b[2..].iter().all(u8::is_ascii_alphanumeric);
        if !ok {
            return Err(invalid(
                "code QPV",
                s,
                "QP ou QN suivi de 6 caractères attendu (ex. QP093028)",
            ));
        }
        let mut code = [0u8; 8];
        code.copy_from_slice(b);
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("checked ASCII at parse")
    }

    pub fn geography(&self) -> crate::QpvGeography {
        crate::QpvGeography::of_code(self.as_str()).expect("checked prefix at parse")
    }
}

impl fmt::Display for QpvCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! string_conversions {
    ($($t:ty),*) => {$(
        impl TryFrom<String> for $t {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.to_string()
            }
        }
        impl std::str::FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
    )*};
}
string_conversions!(Siren, Siret, Rna, CommuneCode, QpvCode);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_follow_insee_and_la_poste() {
        // Issue 16, point 7: grant files carry SIRET whose NIC was lost in a float.
        for ok in [
            "21310458100011",
            "38047555800058",
            "52499120500013",
            "35600000000048",
        ] {
            assert!(Siret::parse(ok).unwrap().checksum_ok(), "{ok}");
        }
        // La Poste: digits summing to a multiple of 5 (3+5+6+4+9+4+5+4 = 40), not Luhn;
        // …49458 passes Luhn but not La Poste's rule.
        assert!(Siret::parse("35600000049454").unwrap().checksum_ok());
        assert!(!Siret::parse("35600000049458").unwrap().checksum_ok());
        // Poitiers 2017: the NIC became 00000; the SIREN itself is fine.
        let lost = Siret::parse("21860194600000").unwrap();
        assert!(!lost.checksum_ok());
        assert!(lost.siren().checksum_ok());
        assert!(Siren::parse("356000000").unwrap().checksum_ok());
        assert!(!Siren::parse("356000001").unwrap().checksum_ok());
    }

    #[test]
    fn siret_keeps_leading_zeros_and_gives_its_siren() {
        let s = Siret::parse("00572131100026").unwrap();
        assert_eq!(s.to_string(), "00572131100026");
        assert_eq!(s.siren().to_string(), "005721311");
    }

    #[test]
    fn malformed_ids_are_refused_with_a_french_message() {
        let e = Siren::parse("12345").unwrap_err();
        assert_eq!(
            e.to_string(),
            "« 12345 » n'est pas un SIREN valide : 9 chiffres attendus"
        );
        assert!(Siret::parse("1234567890123A").is_err());
        assert!(Rna::parse("X123456789").is_err());
        assert_eq!(Rna::parse("w751234567").unwrap().as_str(), "W751234567");
    }

    #[test]
    fn commune_codes_know_their_departement_and_arrondissements() {
        assert_eq!(CommuneCode::parse("93066").unwrap().departement(), "93");
        assert_eq!(CommuneCode::parse("2A004").unwrap().departement(), "2A");
        assert_eq!(CommuneCode::parse("97411").unwrap().departement(), "974");
        let paris_11 = CommuneCode::parse("75111").unwrap();
        assert_eq!(paris_11.without_arrondissement().as_str(), "75056");
        assert_eq!(
            CommuneCode::parse("69387")
                .unwrap()
                .without_arrondissement()
                .as_str(),
            "69123"
        );
        assert_eq!(
            CommuneCode::parse("13216")
                .unwrap()
                .without_arrondissement()
                .as_str(),
            "13055"
        );
        assert_eq!(
            CommuneCode::parse("13217")
                .unwrap()
                .without_arrondissement()
                .as_str(),
            "13217"
        );
        assert!(CommuneCode::parse("2C004").is_err());
    }

    #[test]
    fn qpv_codes_of_both_geographies_parse() {
        assert_eq!(
            QpvCode::parse("QP093028").unwrap().geography(),
            crate::QpvGeography::Qpv2015
        );
        assert_eq!(
            QpvCode::parse("QN09301M").unwrap().geography(),
            crate::QpvGeography::Qpv2024
        );
        assert!(QpvCode::parse("QX093028").is_err());
        assert!(QpvCode::parse("CSZ").is_err());
    }
}
