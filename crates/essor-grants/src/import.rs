//! The import, one record at a time: memory stays bounded whatever the file's size (a
//! record, a block of written rows, the issues of one record). Every record read is either
//! written or rejected (`rows_read = rows_written + rows_rejected`); each rejection and each
//! correction reaches the caller as an [`Issue`] naming the line where the record starts (the
//! header is line 1; a value may hold line breaks, so records and lines differ), the field,
//! the value as the file wrote it, the reason and the action.
//!
//! Rules, in the order they apply to a record:
//! 1. a record with another number of fields than the header, or with nothing in it, is
//!    rejected (a delimiter inside an unquoted value shifts every field after it);
//! 2. each field is read by [`crate::value::read`]: kept, corrected (reported), or unreadable;
//! 3. an empty or unreadable value takes the `--default` of its field if one was given
//!    (reported); otherwise a required field rejects the record, an optional one is emptied
//!    (reported);
//! 4. the schema's check `one-of-required`: a beneficiary without a valid SIRET nor RNA
//!    number rejects the record;
//! 5. a rejected record reports only why it was rejected; a written one, what was corrected.

use crate::error::GrantsError;
use crate::schema::{FIELDS, Field};
use crate::source::{BOM, Encoding, SNIFF_BYTES, sniff_delimiter};
use crate::value::{self, Cell};
use essor_model::csv_line::Lines;
use serde::Serialize;
use std::collections::VecDeque;
use std::io::{Chain, Cursor, Read, Write};
use std::path::{Path, PathBuf};

/// What was done with a value or a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Rejected,
    Corrected,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The line of the file where the record starts (the header is line 1).
    pub line: u64,
    /// The SCDL field, or `""` for the whole record.
    pub field: &'static str,
    /// The value as the file wrote it (the record, for a whole-record rejection).
    pub value: String,
    /// Why, in French.
    pub reason: String,
    pub action: Action,
}

/// The counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub rows_read: u64,
    pub rows_written: u64,
    pub rows_rejected: u64,
}

/// Values given by the user for fields the file lacks (`--default FIELD=VALUE`), each read as
/// its field once, before the import.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    values: [Option<String>; 16],
}

impl Defaults {
    /// Reads `FIELD=VALUE` options: the field by its SCDL name, the value as the field.
    pub fn parse<S: AsRef<str>>(options: &[S]) -> Result<Self, GrantsError> {
        let mut defaults = Defaults::default();
        for given in options {
            let given = given.as_ref();
            let Some((name, value)) = given.split_once('=') else {
                return Err(GrantsError::DefaultShape {
                    given: given.to_owned(),
                });
            };
            let field = Field::from_name(name).ok_or_else(|| GrantsError::UnknownField {
                given: given.to_owned(),
                fields: FIELDS.map(Field::name).join(", "),
            })?;
            let text = value.trim();
            let read = if text.is_empty() {
                Cell::Invalid("valeur vide".to_owned())
            } else {
                value::read(field, text)
            };
            defaults.values[field as usize] = match read {
                Cell::Kept(v) | Cell::Corrected(v, _) => Some(v),
                Cell::Invalid(reason) => {
                    return Err(GrantsError::BadDefault {
                        field: field.name(),
                        value: value.to_owned(),
                        reason,
                    });
                }
            };
        }
        Ok(defaults)
    }

    fn get(&self, field: Field) -> Option<&str> {
        self.values[field as usize].as_deref()
    }
}

type Input<R> = LineIndex<Chain<Cursor<Vec<u8>>, R>>;

/// A grant file opened: encoding and delimiter sniffed, header read and mapped to the
/// schema. [`Import::run`] then streams its records.
#[derive(Debug)]
pub struct Import<R: Read> {
    path: PathBuf,
    reader: csv::Reader<Input<R>>,
    encoding: Encoding,
    delimiter: u8,
    /// For each SCDL field, the input column holding it.
    columns: [Option<usize>; 16],
    header_len: usize,
    ignored: Vec<String>,
    defaults: Defaults,
}

impl<R: Read> Import<R> {
    /// Opens `input` (named `path` in messages): sniffs, reads the header, maps its columns.
    pub fn open(mut input: R, path: &Path, defaults: Defaults) -> Result<Self, GrantsError> {
        let read_err = |source| GrantsError::Read {
            path: path.to_owned(),
            line: 1,
            source,
        };
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        (&mut input)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(read_err)?;
        if head.starts_with(BOM) {
            head.drain(..BOM.len());
        }
        let encoding = Encoding::sniff(&head);
        let delimiter = sniff_delimiter(&head);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(LineIndex::new(Cursor::new(head).chain(input)));
        let header = reader
            .byte_headers()
            .map_err(|e| csv_error(path, 1, e))?
            .clone();
        if header.is_empty() || header.iter().all(<[u8]>::is_empty) {
            return Err(GrantsError::Empty {
                path: path.to_owned(),
            });
        }
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                encoding.decode(h).map_or_else(
                    || String::from_utf8_lossy(h).into_owned(),
                    |c| c.trim().to_owned(),
                )
            })
            .collect();
        let mut columns: [Option<usize>; 16] = [None; 16];
        let mut ignored = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match Field::from_header(name) {
                Some(field) => {
                    if let Some(first) = columns[field as usize] {
                        return Err(GrantsError::DuplicateColumn {
                            path: path.to_owned(),
                            field: field.name(),
                            first: names[first].clone(),
                            second: name.clone(),
                        });
                    }
                    columns[field as usize] = Some(i);
                }
                None => ignored.push(name.clone()),
            }
        }
        let available = || {
            names
                .iter()
                .map(|n| format!("« {n} »"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for field in FIELDS.into_iter().filter(|f| f.required()) {
            if columns[field as usize].is_none() && defaults.get(field).is_none() {
                return Err(GrantsError::MissingColumn {
                    path: path.to_owned(),
                    field: field.name(),
                    available: available(),
                });
            }
        }
        let identified = [Field::IdBeneficiaire, Field::RnaBeneficiaire]
            .into_iter()
            .any(|f| columns[f as usize].is_some() || defaults.get(f).is_some());
        if !identified {
            return Err(GrantsError::MissingColumn {
                path: path.to_owned(),
                field: "idBeneficiaire (ou rnaBeneficiaire)",
                available: available(),
            });
        }
        Ok(Self {
            path: path.to_owned(),
            reader,
            encoding,
            delimiter,
            columns,
            header_len: header.len(),
            ignored,
            defaults,
        })
    }

    /// The encoding the file was read in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The delimiter of the file.
    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    /// Columns of the file that are no SCDL field (e.g. `ANNEE`, `COLL_TYPE`): not written.
    pub fn ignored_columns(&self) -> &[String] {
        &self.ignored
    }

    /// Reads every record, writes the SCDL 2.1.1 CSV (header and rows) to `out`, hands each
    /// issue to `on_issue`.
    pub fn run<W, F>(mut self, mut out: W, mut on_issue: F) -> Result<Summary, GrantsError>
    where
        W: Write,
        F: FnMut(&Issue) -> std::io::Result<()>,
    {
        const BLOCK_ROWS: usize = 1024;
        let mut summary = Summary::default();
        let mut block = Lines::with_capacity(256 * BLOCK_ROWS);
        block.push(FIELDS.map(Field::name));
        let mut in_block = 0;
        let mut record = csv::ByteRecord::new();
        let mut row: [String; 16] = Default::default();
        let mut issues = Vec::new();
        let mut line = 1;
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let at = e.position().map_or(line + 1, csv::Position::line);
                    return Err(csv_error(&self.path, at, e));
                }
            }
            line = match record.position() {
                Some(p) => self.reader.get_mut().line_at(p.byte()),
                None => line + 1,
            };
            summary.rows_read += 1;
            issues.clear();
            let written = self.normalise(&record, line, &mut row, &mut issues);
            let write_err = |source| GrantsError::Write {
                path: self.path.clone(),
                line,
                source,
            };
            for issue in &issues {
                on_issue(issue).map_err(write_err)?;
            }
            if written {
                summary.rows_written += 1;
                block.push(&row);
                in_block += 1;
                if in_block == BLOCK_ROWS {
                    let full =
                        std::mem::replace(&mut block, Lines::with_capacity(256 * BLOCK_ROWS));
                    out.write_all(&full.into_bytes()).map_err(write_err)?;
                    in_block = 0;
                }
            } else {
                summary.rows_rejected += 1;
            }
        }
        let write_err = |source| GrantsError::Write {
            path: self.path.clone(),
            line,
            source,
        };
        out.write_all(&block.into_bytes()).map_err(write_err)?;
        out.flush().map_err(write_err)?;
        Ok(summary)
    }

    /// Fills `row` from `record`; `false` when the record is rejected. Issues go to `issues`.
    fn normalise(
        &self,
        record: &csv::ByteRecord,
        line: u64,
        row: &mut [String; 16],
        issues: &mut Vec<Issue>,
    ) -> bool {
        let whole = |reason: String| Issue {
            line,
            field: "",
            value: record_text(record, self.delimiter),
            reason,
            action: Action::Rejected,
        };
        if record.len() != self.header_len {
            issues.push(whole(format!(
                "{} champs au lieu des {} de l'en-tête : un séparateur « {} » dans une valeur sans guillemets ?",
                record.len(),
                self.header_len,
                char::from(self.delimiter)
            )));
            return false;
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            issues.push(whole("ligne vide".to_owned()));
            return false;
        }
        let mut fixes = Vec::new();
        let mut rejects = Vec::new();
        // Unreadable identifiers: dropped if the other one identifies the beneficiary.
        let mut unidentified = Vec::new();
        for field in FIELDS {
            let slot = &mut row[field as usize];
            slot.clear();
            let issue = |value: &str, reason: String, action| Issue {
                line,
                field: field.name(),
                value: value.to_owned(),
                reason,
                action,
            };
            let raw = match self.columns[field as usize] {
                None => None,
                Some(i) => match self.encoding.decode(&record[i]) {
                    Some(text) => Some(text),
                    None => {
                        rejects.push(issue(
                            &String::from_utf8_lossy(&record[i]),
                            format!(
                                "octets invalides en {} (le fichier mêle deux encodages ?)",
                                self.encoding.label()
                            ),
                            Action::Rejected,
                        ));
                        continue;
                    }
                },
            };
            let raw = raw.as_deref().unwrap_or("");
            let text = raw.trim();
            let problem = if text.is_empty() {
                if self.columns[field as usize].is_none() {
                    "colonne absente du fichier".to_owned()
                } else {
                    "valeur vide".to_owned()
                }
            } else {
                match value::read(field, text) {
                    Cell::Kept(v) => {
                        *slot = v;
                        continue;
                    }
                    Cell::Corrected(v, why) => {
                        *slot = v;
                        fixes.push(issue(raw, why, Action::Corrected));
                        continue;
                    }
                    Cell::Invalid(why) => why,
                }
            };
            if let Some(default) = self.defaults.get(field) {
                slot.push_str(default);
                fixes.push(issue(
                    raw,
                    format!("{problem} : valeur donnée par --default {}", field.name()),
                    Action::Corrected,
                ));
            } else if field.required() {
                let reason = if text.is_empty() {
                    format!("champ obligatoire : {problem}")
                } else {
                    problem
                };
                rejects.push(issue(raw, reason, Action::Rejected));
            } else if text.is_empty() {
                // An empty optional field: nothing to say.
            } else if matches!(field, Field::IdBeneficiaire | Field::RnaBeneficiaire) {
                unidentified.push((field, raw.to_owned(), problem));
            } else {
                fixes.push(issue(
                    raw,
                    format!("{problem} : valeur retirée (champ facultatif)"),
                    Action::Corrected,
                ));
            }
        }
        // The custom check `one-of-required`: idBeneficiaire or rnaBeneficiaire.
        let siret = &row[Field::IdBeneficiaire as usize];
        let rna = &row[Field::RnaBeneficiaire as usize];
        let identified_by = match (siret.is_empty(), rna.is_empty()) {
            (false, _) => Some(format!("son SIRET {siret}")),
            (true, false) => Some(format!("son numéro RNA {rna}")),
            (true, true) => None,
        };
        match identified_by {
            Some(by) => fixes.extend(unidentified.into_iter().map(|(field, value, why)| Issue {
                line,
                field: field.name(),
                value,
                reason: format!("{why} : valeur retirée, le bénéficiaire reste identifié par {by}"),
                action: Action::Corrected,
            })),
            None if unidentified.is_empty() => rejects.push(Issue {
                line,
                field: Field::IdBeneficiaire.name(),
                value: String::new(),
                reason: "bénéficiaire sans SIRET ni numéro RNA : le schéma demande l'un des deux"
                    .to_owned(),
                action: Action::Rejected,
            }),
            None => rejects.extend(unidentified.into_iter().map(|(field, value, why)| Issue {
                line,
                field: field.name(),
                value,
                reason: format!(
                    "{why} ; sans SIRET valide ni numéro RNA, le bénéficiaire n'est pas identifié"
                ),
                action: Action::Rejected,
            })),
        }
        if rejects.is_empty() {
            issues.append(&mut fixes);
            true
        } else {
            issues.append(&mut rejects);
            false
        }
    }
}

/// The input, remembering where its line breaks are, to tell the line a record starts on.
/// The csv crate's own line count is one short after a `\r\n` and files mix `\r\n` between
/// records with `\n` inside quoted values (Poitiers 2017), so lines are counted here from
/// byte offsets. The csv crate's position of a record is the first byte after the previous
/// record's end: the `\n` of a `\r\n`, or blank lines, may lie between it and the record, so
/// the `\r` and `\n` read are both remembered. Only those read ahead of the current record are
/// kept (a buffer's worth).
#[derive(Debug)]
struct LineIndex<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// Offsets of the `\n` read and not yet passed by a record.
    newlines: VecDeque<u64>,
    /// Offsets of the `\r` read and not yet passed by a record.
    returns: VecDeque<u64>,
    /// `\n` before the last record asked about.
    passed: u64,
    /// Where the last record asked about starts.
    record_start: u64,
}

/// The longest record read, in bytes: a quote opened and never closed would otherwise make
/// the rest of the file one record, held in memory whole.
pub const MAX_RECORD_BYTES: u64 = 16 << 20;

impl<R> LineIndex<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            newlines: VecDeque::new(),
            returns: VecDeque::new(),
            passed: 0,
            record_start: 0,
        }
    }

    /// The line (from 1) of the record whose csv position is `byte`: the `\n` before it,
    /// and those of the line ends and blank lines between `byte` and its first character.
    fn line_at(&mut self, byte: u64) -> u64 {
        self.record_start = byte;
        while self.newlines.front().is_some_and(|&at| at < byte) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        while self.returns.front().is_some_and(|&at| at < byte) {
            self.returns.pop_front();
        }
        let mut at = byte;
        loop {
            if self.newlines.front() == Some(&at) {
                self.newlines.pop_front();
                self.passed += 1;
            } else if self.returns.front() == Some(&at) {
                self.returns.pop_front();
            } else {
                break;
            }
            at += 1;
        }
        self.passed + 1
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset - self.record_start > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(format!(
                "un enregistrement dépasse {} Mio : un guillemet ouvert n'est jamais fermé ?",
                MAX_RECORD_BYTES >> 20
            )));
        }
        let n = self.inner.read(buf)?;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            let at = self.offset + i as u64;
            if buf[i] == b'\n' {
                self.newlines.push_back(at);
            } else {
                self.returns.push_back(at);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

fn csv_error(path: &Path, line: u64, e: csv::Error) -> GrantsError {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => GrantsError::Read {
            path: path.to_owned(),
            line,
            source,
        },
        other => GrantsError::Csv {
            path: path.to_owned(),
            line,
            reason: format!("{other:?}"),
        },
    }
}

/// A rejected record as text for the report: its fields joined by the delimiter, at most
/// 500 characters.
fn record_text(record: &csv::ByteRecord, delimiter: u8) -> String {
    let joined = record.iter().collect::<Vec<_>>().join(&delimiter);
    let text = String::from_utf8_lossy(&joined);
    let mut cut: String = text.chars().take(500).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8], defaults: &[&str]) -> (Summary, String, Vec<Issue>) {
        let import = Import::open(
            bytes,
            Path::new("f.csv"),
            Defaults::parse(defaults).unwrap(),
        )
        .unwrap();
        let mut out = Vec::new();
        let mut issues = Vec::new();
        let summary = import
            .run(&mut out, |i| {
                issues.push(i.clone());
                Ok(())
            })
            .unwrap();
        (summary, String::from_utf8(out).unwrap(), issues)
    }

    const HEADER: &str = "nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;montant;nature;conditionsVersement;datesPeriodeVersement;notificationUE;pourcentageSubvention";

    #[test]
    fn a_cp1252_file_with_french_numbers_is_written_as_scdl() {
        // Issue 16, point 7: `;`, CP1252, `137 825,00`, SIRET as float, period with `_`.
        let mut file = format!("{HEADER}\r\n").into_bytes();
        file.extend_from_slice(
            b"Commune;21310458100011.0;13/04/2017;Club;44137080600016;\"Objet\nsur deux lignes\";137 825,00;Aide en num\xE9raire;Unique;2017-01-01_2017-12-31;NON;1\r\n",
        );
        file.extend_from_slice(b"Commune;21310458100011;2017-04-13;Sans id;;Objet;10;aide en nature;unique;2017-01-01;non;1\r\n");
        file.extend_from_slice(b"Commune;21310458100011;2017-04-13;SIREN seul;21860194600000.0;Objet;5;aide en nature;unique;2017-01-01;non;1\r\n");
        let (summary, out, issues) = run(&file, &[]);
        assert_eq!(
            summary,
            Summary {
                rows_read: 3,
                rows_written: 1,
                rows_rejected: 2
            }
        );
        let mut lines = out.lines();
        assert_eq!(lines.next().unwrap(), FIELDS.map(Field::name).join(","));
        assert_eq!(
            out.split_once('\n').unwrap().1,
            "Commune,21310458100011,2017-04-13,,Club,44137080600016,,\"Objet\nsur deux lignes\",137825.00,aide en numéraire,unique,2017-01-01/2017-12-31,,non,1,\n"
        );
        let rejected: Vec<(u64, &str)> = issues
            .iter()
            .filter(|i| i.action == Action::Rejected)
            .map(|i| (i.line, i.field))
            .collect();
        // The first record spans lines 2 and 3.
        assert_eq!(rejected, [(4, "idBeneficiaire"), (5, "idBeneficiaire")]);
        let corrected: Vec<&str> = issues
            .iter()
            .filter(|i| i.action == Action::Corrected)
            .map(|i| i.field)
            .collect();
        assert_eq!(
            corrected,
            [
                "idAttribuant",
                "dateConvention",
                "montant",
                "nature",
                "conditionsVersement",
                "datesPeriodeVersement",
                "notificationUE"
            ]
        );
        assert!(issues.iter().all(|i| i.line >= 2));
    }

    #[test]
    fn defaults_fill_what_the_file_lacks_and_say_so() {
        let file = "COLL_NOM,COLL_SIRET,ACTE_DATE,ATTRIB_NOM,ATTRIB_SIRET,SUB_OBJ,SUB_MONTANT\nVille,21860194600000.0,2016-12-05,Asso,44137080600016,Objet,\"10000,5\"\n";
        let missing = Import::open(file.as_bytes(), Path::new("f.csv"), Defaults::default());
        let err = missing.unwrap_err().to_string();
        assert!(
            err.contains("f.csv, ligne 1 : aucune colonne pour le champ obligatoire nature"),
            "{err}"
        );
        assert!(err.contains("« COLL_NOM »"), "{err}");
        let (summary, out, issues) = run(
            file.as_bytes(),
            &[
                "idAttribuant=21860194600013",
                "nature=Aide en numéraire",
                "conditionsVersement=unique",
                "datesPeriodeVersement=2017-01-01/2017-12-31",
                "notificationUE=non",
                "pourcentageSubvention=1",
            ],
        );
        assert_eq!(summary.rows_written, 1, "{issues:?}");
        assert!(out.ends_with(",Asso,44137080600016,,Objet,10000.5,aide en numéraire,unique,2017-01-01/2017-12-31,,non,1,\n"), "{out}");
        let siret = issues.iter().find(|i| i.field == "idAttribuant").unwrap();
        assert_eq!(siret.value, "21860194600000.0");
        assert!(
            siret
                .reason
                .contains("valeur donnée par --default idAttribuant"),
            "{}",
            siret.reason
        );
        assert_eq!(issues.len(), 7, "{issues:?}");
        for bad in ["nature=prêt", "montant", "inconnu=1"] {
            assert!(Defaults::parse(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_quote_never_closed_stops_the_import_instead_of_filling_memory() {
        let mut file = format!("{HEADER}\na;\"b").into_bytes();
        file.resize(file.len() + (MAX_RECORD_BYTES as usize) + (1 << 20), b'x');
        let import = Import::open(&file[..], Path::new("f.csv"), Defaults::default()).unwrap();
        let err = import.run(std::io::sink(), |_| Ok(())).unwrap_err();
        let cause = std::error::Error::source(&err).unwrap().to_string();
        assert!(err.to_string().starts_with("f.csv, ligne "), "{err}");
        assert!(
            cause.contains("guillemet ouvert n'est jamais fermé"),
            "{cause}"
        );
    }

    #[test]
    fn lines_are_those_of_the_file_whatever_its_line_ends() {
        // A blank line, a value holding a line break, LF then CRLF line ends.
        for end in ["\n", "\r\n"] {
            let file = [HEADER, "", "a;b", "\"x\ny\";b", "c;d", ""].join(end);
            let (summary, _, issues) = run(file.as_bytes(), &[]);
            assert_eq!(summary.rows_read, 3, "{end:?}");
            let lines: Vec<u64> = issues.iter().map(|i| i.line).collect();
            assert_eq!(lines, [3, 4, 6], "{end:?}");
        }
    }

    #[test]
    fn shifted_and_empty_records_are_rejected_whole() {
        let file = format!("{HEADER}\na;b\n;;;;;;;;;;;\n");
        let (summary, _, issues) = run(file.as_bytes(), &[]);
        assert_eq!(summary.rows_rejected, 2);
        assert_eq!(issues[0].line, 2);
        assert!(issues[0].reason.starts_with("2 champs au lieu des 12"));
        assert_eq!(issues[1].reason, "ligne vide");
    }
}
