//! Bad rows and bad fields: counted, located, explained in French, never fatal.
//!
//! Why: the national stocks hold tens of millions of rows typed by people; stopping on the
//! first odd value would make essor useless, and silently skipping it would make its figures
//! unverifiable. So every anomaly is counted by (field, reason), the first ones are kept with
//! file, line and value, and the caller decides with [`RejectReport::check_budget`] how much
//! loss it tolerates (the CLI turns a breach into a non-zero exit code).
//!
//! Two severities: a row whose identifier (SIREN/SIRET) is unreadable, or whose field count
//! is wrong, is **dropped**; any other unreadable field is **ignored** (read as missing) and
//! the row is kept.

use crate::SireneError;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many located examples a report keeps (counts are always complete).
pub const MAX_SAMPLES: usize = 200;

/// What was wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RejectReason {
    /// A SIREN, SIRET, RNA or commune code that does not have the expected shape.
    InvalidIdentifier,
    /// A coded value outside its list (bracket, state, legal category, NAF…).
    InvalidCode,
    /// A number (coordinate, EPSG, quality) that does not parse.
    InvalidNumber,
    /// A date that is not `AAAA-MM-JJ`.
    InvalidDate,
    /// Bytes that are not UTF-8.
    InvalidUtf8,
    /// The row has more or fewer fields than the header.
    FieldCount { expected: usize, found: usize },
    /// The `siren` column disagrees with the first 9 digits of the `siret`.
    SirenMismatch,
    /// The same identifier appears twice; the last row wins.
    Duplicate,
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidIdentifier => f.write_str("identifiant mal formé"),
            Self::InvalidCode => f.write_str("code inconnu"),
            Self::InvalidNumber => f.write_str("nombre illisible"),
            Self::InvalidDate => f.write_str("date illisible (AAAA-MM-JJ attendu)"),
            Self::InvalidUtf8 => f.write_str("texte qui n'est pas en UTF-8"),
            Self::FieldCount { expected, found } => {
                write!(f, "{found} champ(s) au lieu des {expected} de l'en-tête")
            }
            Self::SirenMismatch => f.write_str("le SIREN ne correspond pas au début du SIRET"),
            Self::Duplicate => f.write_str("identifiant en double (la dernière ligne est retenue)"),
        }
    }
}

/// One located anomaly.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub file: Arc<Path>,
    /// Physical line (1 = header) for CSV; data row + 1 for Parquet, so that both read the
    /// same for the same data. `None` when the position is unknown (duplicates found after
    /// sorting).
    pub line: Option<u64>,
    /// The column name, or `"(ligne)"` for row-level problems.
    pub field: &'static str,
    /// The offending value, cut to 80 characters.
    pub value: String,
    pub reason: RejectReason,
    /// Whether the whole row was dropped (otherwise only the field was read as missing).
    pub row_dropped: bool,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ", ligne {line}")?;
        }
        write!(
            f,
            ", champ {} : {} (« {} »)",
            self.field, self.reason, self.value
        )?;
        f.write_str(if self.row_dropped {
            " ; ligne ignorée"
        } else {
            " ; valeur ignorée"
        })
    }
}

/// Everything that went wrong in one file, with complete counts and the first examples.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectReport {
    pub file: PathBuf,
    /// Data rows seen (header excluded).
    pub rows: u64,
    /// Rows dropped entirely.
    pub rows_dropped: u64,
    /// Values read as missing in rows that were kept.
    pub fields_ignored: u64,
    /// Counts per (field, reason).
    pub counts: BTreeMap<(&'static str, RejectReason), u64>,
    /// The first [`MAX_SAMPLES`] anomalies, in file order.
    pub samples: Vec<Reject>,
}

impl RejectReport {
    pub fn new(file: &Path) -> Self {
        Self {
            file: file.to_owned(),
            rows: 0,
            rows_dropped: 0,
            fields_ignored: 0,
            counts: BTreeMap::new(),
            samples: Vec::new(),
        }
    }

    /// Records one anomaly.
    pub fn push(&mut self, reject: Reject) {
        if reject.row_dropped {
            self.rows_dropped += 1;
        } else {
            self.fields_ignored += 1;
        }
        *self
            .counts
            .entry((reject.field, reject.reason))
            .or_default() += 1;
        if self.samples.len() < MAX_SAMPLES {
            self.samples.push(reject);
        }
    }

    /// Adds a later part of the same file (chunks are merged in file order).
    pub fn merge(&mut self, other: RejectReport) {
        self.rows += other.rows;
        self.rows_dropped += other.rows_dropped;
        self.fields_ignored += other.fields_ignored;
        for (key, n) in other.counts {
            *self.counts.entry(key).or_default() += n;
        }
        let room = MAX_SAMPLES.saturating_sub(self.samples.len());
        self.samples.extend(other.samples.into_iter().take(room));
    }

    /// One report from the reports of numbered parts of a file, merged in file order whatever
    /// order they were made in.
    pub fn merged(file: &Path, mut parts: Vec<(u64, RejectReport)>) -> Self {
        parts.sort_unstable_by_key(|(seq, _)| *seq);
        let mut report = Self::new(file);
        for (_, part) in parts {
            report.merge(part);
        }
        report
    }

    /// No anomaly at all.
    pub fn is_clean(&self) -> bool {
        self.counts.is_empty()
    }

    /// Share of rows dropped, between 0 and 1.
    pub fn dropped_share(&self) -> f64 {
        if self.rows == 0 {
            0.0
        } else {
            self.rows_dropped as f64 / self.rows as f64
        }
    }

    /// Fails when more than `budget` (a share, e.g. `0.001` for 0.1 %) of the rows were dropped.
    pub fn check_budget(&self, budget: f64) -> Result<(), SireneError> {
        let share = self.dropped_share();
        if share > budget {
            return Err(SireneError::RejectBudgetExceeded {
                path: self.file.clone(),
                dropped: self.rows_dropped,
                rows: self.rows,
                share,
                budget,
            });
        }
        Ok(())
    }

    /// How many anomalies of this field and reason.
    pub fn count(&self, field: &str, reason: RejectReason) -> u64 {
        self.counts
            .iter()
            .filter(|((f, r), _)| *f == field && *r == reason)
            .map(|(_, n)| n)
            .sum()
    }
}

impl fmt::Display for RejectReport {
    /// A French summary: totals, then one line per (field, reason), then the examples.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} : {} ligne(s) lue(s), {} rejetée(s), {} valeur(s) ignorée(s)",
            self.file.display(),
            self.rows,
            self.rows_dropped,
            self.fields_ignored
        )?;
        for ((field, reason), n) in &self.counts {
            writeln!(f, "  {n} × champ {field} : {reason}")?;
        }
        for sample in &self.samples {
            writeln!(f, "  {sample}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(line: u64, dropped: bool) -> Reject {
        Reject {
            file: Arc::from(Path::new("StockEtablissement_utf8.csv")),
            line: Some(line),
            field: "siret",
            value: "123".into(),
            reason: RejectReason::InvalidIdentifier,
            row_dropped: dropped,
        }
    }

    #[test]
    fn messages_name_file_line_field_and_value_in_french() {
        assert_eq!(
            reject(12, true).to_string(),
            "StockEtablissement_utf8.csv, ligne 12, champ siret : identifiant mal formé (« 123 ») ; ligne ignorée"
        );
    }

    #[test]
    fn the_budget_is_a_share_of_dropped_rows() {
        let mut report = RejectReport::new(Path::new("f.csv"));
        report.rows = 1000;
        report.push(reject(2, true));
        report.push(reject(3, false));
        assert_eq!((report.rows_dropped, report.fields_ignored), (1, 1));
        assert!(report.check_budget(0.001).is_ok());
        let err = report.check_budget(0.0).unwrap_err().to_string();
        assert!(
            err.starts_with("f.csv : 1 ligne(s) rejetée(s) sur 1000 (0.100 %)"),
            "{err}"
        );
    }
}
