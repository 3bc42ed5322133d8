//! Columns by name, and reading typed values out of a row.
//!
//! Why by name: INSEE changed the layouts in 2019, 2023 and 2025 and will again; positions
//! are not a contract, names are. Each file type declares its columns in a typed struct
//! (`LegalUnitColumns`, `EstablishmentColumns`, `GeolocColumns`) built through a
//! [`Resolver`](crate::columns::Resolver): a missing required column is an error listing the columns that are there; a
//! missing optional one is only recorded, and reads as empty. Names match exactly, then
//! case-insensitively (the Parquet geolocation file writes them in capitals).

use crate::reject::{Reject, RejectReason, RejectReport};
use crate::{FileKind, SireneError};
use essor_model::diffusion::Diffusion;
use std::path::Path;
use std::sync::Arc;

/// Finds the columns a file type needs in a header.
#[derive(Debug)]
pub struct Resolver<'h> {
    header: &'h [String],
    missing: Vec<&'static str>,
    missing_optional: Vec<&'static str>,
    used: Vec<usize>,
    /// A column read that the header names twice: (name, first position, second position).
    duplicate: Option<(String, usize, usize)>,
}

impl<'h> Resolver<'h> {
    pub fn new(header: &'h [String]) -> Self {
        Self {
            header,
            missing: Vec::new(),
            missing_optional: Vec::new(),
            used: Vec::new(),
            duplicate: None,
        }
    }

    fn find(&mut self, name: &str) -> Option<usize> {
        let found = self.header.iter().position(|h| h == name).or_else(|| {
            self.header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
        })?;
        if !self.used.contains(&found) {
            self.used.push(found);
        }
        // Reading takes one of the two; which one the file meant is unknowable (issue 11).
        if self.duplicate.is_none()
            && let Some(again) = self.header[found + 1..]
                .iter()
                .position(|h| *h == self.header[found])
        {
            self.duplicate = Some((self.header[found].clone(), found, found + 1 + again));
        }
        Some(found)
    }

    /// A column the file must have.
    pub fn required(&mut self, name: &'static str) -> usize {
        self.find(name).unwrap_or_else(|| {
            self.missing.push(name);
            usize::MAX
        })
    }

    /// A column older layouts lack.
    pub fn optional(&mut self, name: &'static str) -> Option<usize> {
        let found = self.find(name);
        if found.is_none() {
            self.missing_optional.push(name);
        }
        found
    }

    /// The first of several spellings of an optional column.
    pub fn optional_any(&mut self, names: &[&'static str]) -> Option<usize> {
        let found = names.iter().find_map(|n| self.find(n));
        if found.is_none() {
            self.missing_optional.push(names[0]);
        }
        found
    }

    /// Records an error for a group of optional columns of which at least one is needed.
    pub fn require_one_of(&mut self, present: bool, description: &'static str) {
        if !present {
            self.missing.push(description);
        }
    }

    /// The resolution: header positions used (sorted), and the optional columns missing.
    pub fn finish(self, path: &Path, kind: FileKind) -> Result<Resolved, SireneError> {
        if let Some((column, first, second)) = self.duplicate {
            return Err(SireneError::DuplicateColumn {
                path: path.to_owned(),
                kind,
                column,
                first: first + 1,
                second: second + 1,
            });
        }
        if !self.missing.is_empty() {
            return Err(SireneError::MissingColumns {
                path: path.to_owned(),
                kind,
                missing: self.missing.iter().map(|s| s.to_string()).collect(),
                available: self.header.to_vec(),
            });
        }
        let mut used = self.used;
        used.sort_unstable();
        Ok(Resolved {
            used,
            missing_optional: self.missing_optional,
        })
    }
}

/// What a [`Resolver`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Header positions of the columns read, ascending.
    pub used: Vec<usize>,
    /// Optional columns the file does not have.
    pub missing_optional: Vec<&'static str>,
}

/// One row of a file, whatever the format: raw bytes of field `i` (empty when null).
pub(crate) trait Row {
    fn field(&self, i: usize) -> &[u8];

    /// Field `i` when the format stores it as a number (Parquet `Float64`): `Some(None)` for a
    /// null. `None`: read the text.
    fn float(&self, _i: usize) -> Option<Option<f64>> {
        None
    }

    /// Field `i` when the format stores it as a date (Parquet `Date32`): `Some(Ok(None))` for
    /// a null, `Some(Err(days))` for a day number outside years 0–9999. `None`: read the text.
    fn date(&self, _i: usize) -> Option<Result<Option<SireneDate>, i32>> {
        None
    }
}

impl Row for csv::ByteRecord {
    fn field(&self, i: usize) -> &[u8] {
        self.get(i).unwrap_or(b"")
    }
}

/// Per-row reading context: where we are, and where anomalies go.
pub(crate) struct RowCtx<'a> {
    pub file: &'a Arc<Path>,
    pub line: u64,
    pub rejects: &'a mut RejectReport,
}

impl RowCtx<'_> {
    pub fn reject(&mut self, field: &'static str, raw: &[u8], reason: RejectReason, drop: bool) {
        let value: String = String::from_utf8_lossy(raw).chars().take(80).collect();
        self.rejects.push(Reject {
            file: self.file.clone(),
            line: Some(self.line),
            field,
            value,
            reason,
            row_dropped: drop,
        });
    }

    /// Field as trimmed text; `None` when empty or `[ND]` (INSEE's mask for values of
    /// partially diffusible units), or when not UTF-8 (then counted).
    pub fn text<'r>(
        &mut self,
        row: &'r impl Row,
        col: Option<usize>,
        name: &'static str,
    ) -> Option<&'r str> {
        let raw = trim(row.field(col?));
        if raw.is_empty() || raw == b"[ND]" {
            return None;
        }
        match std::str::from_utf8(raw) {
            Ok(s) => Some(s),
            Err(_) => {
                self.reject(name, raw, RejectReason::InvalidUtf8, false);
                None
            }
        }
    }

    /// Field parsed by `parse`; empty reads as `None`, a failure is counted as `reason`.
    pub fn parsed<T, E>(
        &mut self,
        row: &impl Row,
        col: Option<usize>,
        name: &'static str,
        reason: RejectReason,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let s = self.text(row, col, name)?;
        match parse(s) {
            Ok(v) => Some(v),
            Err(_) => {
                self.reject(name, s.as_bytes(), reason, false);
                None
            }
        }
    }

    /// An `O`/`N` flag; other values are counted and read as missing.
    pub fn flag(&mut self, row: &impl Row, col: Option<usize>, name: &'static str) -> Option<bool> {
        self.parsed(row, col, name, RejectReason::InvalidCode, |s| match s {
            "O" | "true" => Ok(true),
            "N" | "false" => Ok(false),
            _ => Err(()),
        })
    }

    /// A diffusion status: see [`Diffusion::parse`] (anything but `O` hides the unit). A value
    /// outside `O`, `P`, `N` is also counted.
    pub fn diffusion(&mut self, row: &impl Row, col: usize, name: &'static str) -> Diffusion {
        let raw = trim(row.field(col));
        if !matches!(raw, b"O" | b"P" | b"N") {
            self.reject(name, raw, RejectReason::InvalidCode, false);
        }
        Diffusion::parse(std::str::from_utf8(raw).unwrap_or(""))
    }

    /// A finite number: typed when the format stores it so, else parsed from the text.
    pub fn float(&mut self, row: &impl Row, col: Option<usize>, name: &'static str) -> Option<f64> {
        let i = col?;
        match row.float(i) {
            Some(Some(v)) if v.is_finite() => Some(v),
            Some(Some(v)) => {
                self.reject(
                    name,
                    v.to_string().as_bytes(),
                    RejectReason::InvalidNumber,
                    false,
                );
                None
            }
            Some(None) => None,
            None => self.parsed(row, col, name, RejectReason::InvalidNumber, |s| {
                s.parse::<f64>()
                    .map_err(drop)
                    .and_then(|v| if v.is_finite() { Ok(v) } else { Err(()) })
            }),
        }
    }

    /// A date: typed when the format stores it so, else parsed from `AAAA-MM-JJ` text.
    pub fn date(
        &mut self,
        row: &impl Row,
        col: Option<usize>,
        name: &'static str,
    ) -> Option<SireneDate> {
        let i = col?;
        match row.date(i) {
            Some(Ok(date)) => date,
            Some(Err(days)) => {
                let value = format!("{days} jours après le 1970-01-01");
                self.reject(name, value.as_bytes(), RejectReason::InvalidDate, false);
                None
            }
            None => self.parsed(row, col, name, RejectReason::InvalidDate, SireneDate::parse),
        }
    }

    /// Owned text, only when `keep`.
    pub fn boxed(
        &mut self,
        keep: bool,
        row: &impl Row,
        col: Option<usize>,
        name: &'static str,
    ) -> Option<Box<str>> {
        if keep {
            self.text(row, col, name).map(Box::from)
        } else {
            None
        }
    }
}

pub(crate) fn trim(raw: &[u8]) -> &[u8] {
    raw.trim_ascii()
}

/// A date that is not `AAAA-MM-JJ`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {0} » n'est pas une date AAAA-MM-JJ")]
pub struct DateError(pub String);

/// A SIRENE date, `AAAA-MM-JJ`, kept compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SireneDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl SireneDate {
    /// Parses `AAAA-MM-JJ` (CSV, and Parquet dates cast to text); a timestamp's time part is
    /// ignored.
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let err = || DateError(s.to_owned());
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || !s.is_char_boundary(10) {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u16>().map_err(|_| err());
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(err());
        }
        Ok(Self {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl SireneDate {
    /// The date `days` days after 1970-01-01 (Parquet `Date32`), for years 0 to 9999: what
    /// the text of that date would parse to.
    pub fn from_unix_days(days: i32) -> Option<Self> {
        // Howard Hinnant's `civil_from_days`, on eras of 400 years.
        let z = i64::from(days) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        (0..=9999).contains(&year).then_some(Self {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl std::fmt::Display for SireneDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Administrative state: `etatAdministratif*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminState {
    /// `A`: active.
    Active,
    /// `C` (legal unit, cessée) or `F` (establishment, fermé).
    Closed,
    /// Missing or unreadable (counted in the reject report).
    Unknown,
}

impl AdminState {
    pub(crate) fn read(
        ctx: &mut RowCtx<'_>,
        row: &impl Row,
        col: usize,
        name: &'static str,
    ) -> Self {
        match ctx.text(row, Some(col), name) {
            Some("A") => Self::Active,
            Some("C" | "F") => Self::Closed,
            other => {
                ctx.reject(
                    name,
                    other.unwrap_or("").as_bytes(),
                    RejectReason::InvalidCode,
                    false,
                );
                Self::Unknown
            }
        }
    }

    pub fn is_active(self) -> bool {
        self == Self::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_missing_required_column_lists_the_available_ones() {
        let h = header(&["siret", "SIREN"]);
        let mut r = Resolver::new(&h);
        assert_eq!(r.required("siren"), 1, "case-insensitive fallback");
        r.required("codeCommuneEtablissement");
        assert_eq!(r.optional("activitePrincipaleNAF25Etablissement"), None);
        let err = r
            .finish(Path::new("etab.csv"), FileKind::Etablissement)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "etab.csv : colonne(s) obligatoire(s) absente(s) pour un fichier StockEtablissement : \
             codeCommuneEtablissement. Colonnes présentes : siret, SIREN. Vérifiez que le fichier \
             est bien un StockEtablissement (séparateur, en-tête)."
        );
    }

    #[test]
    fn a_column_read_that_the_header_names_twice_is_refused_by_name() {
        let h = header(&["siret", "siren", "codeCommuneEtablissement", "siren"]);
        let mut r = Resolver::new(&h);
        r.required("siret");
        r.required("siren");
        let err = r
            .finish(Path::new("etab.csv"), FileKind::Etablissement)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "etab.csv : colonne « siren » en double (colonnes 2 et 4) ; un fichier StockEtablissement \
             nomme chaque colonne une fois : renommez ou supprimez l'une d'elles."
        );
        // A column nobody reads may repeat.
        let h = header(&["siret", "x", "x"]);
        let mut r = Resolver::new(&h);
        r.required("siret");
        assert!(
            r.finish(Path::new("e.csv"), FileKind::Etablissement)
                .is_ok()
        );
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(
            SireneDate::parse("2019-07-01").unwrap().to_string(),
            "2019-07-01"
        );
        assert!(SireneDate::parse("2019-13-01").is_err());
        assert!(SireneDate::parse("01/07/2019").is_err());
        assert_eq!(SireneDate::parse("2019-07-01T10:00:00").unwrap().day, 1);
    }

    #[test]
    fn parquet_day_numbers_read_as_their_text_would() {
        // Date32 counts days from 1970-01-01; Parquet stocks store the creation dates so.
        let cases = [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (59, "1970-03-01"),
            (11_016, "2000-02-29"),
            (18_078, "2019-07-01"),
            (20_454, "2026-01-01"),
            (-719_528, "0000-01-01"),
            (2_932_896, "9999-12-31"),
        ];
        for (days, text) in cases {
            let date = SireneDate::from_unix_days(days).unwrap();
            assert_eq!(date, SireneDate::parse(text).unwrap(), "{days}");
        }
        assert_eq!(SireneDate::from_unix_days(2_932_897), None);
        assert_eq!(SireneDate::from_unix_days(-719_529), None);
    }
}
