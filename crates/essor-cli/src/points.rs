//! Reading input points: a CSV with a header, a column `id`, and `lon,lat` (WGS84) or `x,y`
//! in the system given by `--crs`. Other columns are ignored. The delimiter is `,` or, when
//! the header has `;` and no `,`, `;` (French spreadsheets), in which case a decimal comma is
//! accepted. Rows come in chunks so that locating can run on every core while the next chunk
//! is read.

use crate::progress;
use anyhow::{Context, Result, bail};
use essor_geo::Crs;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One valid row.
#[derive(Debug, Clone)]
pub struct PointRow {
    pub line: u64,
    pub id: String,
    pub x: f64,
    pub y: f64,
}

/// A row that cannot be used: which line, which field, why, and the row as read.
#[derive(Debug, Clone)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub reason: String,
    pub record: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ligne {}, champ « {} » : {}",
            self.line, self.field, self.reason
        )
    }
}

/// The first column named twice (names compared as read: trimmed, lower case), as the two
/// positions. Reading would otherwise take the first and ignore the other silently.
fn duplicate(headers: &[String]) -> Option<(usize, usize)> {
    let mut seen = std::collections::HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(&first) = seen.get(h.as_str()) {
            return Some((first, i));
        }
        seen.insert(h.as_str(), i);
    }
    None
}

/// An open point file.
pub struct PointReader {
    path: PathBuf,
    reader: csv::Reader<progress::Reading<BufReader<File>>>,
    crs: Crs,
    id: usize,
    x: (usize, String),
    y: (usize, String),
    decimal_comma: bool,
    delimiter: u8,
    bar: indicatif::ProgressBar,
}

impl fmt::Debug for PointReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PointReader")
            .field("path", &self.path)
            .field("crs", &self.crs)
            .finish_non_exhaustive()
    }
}

impl PointReader {
    pub fn open(path: &Path, crs: Option<&str>) -> Result<Self> {
        let explicit_crs = crs.is_some();
        let crs = match crs {
            Some(c) => Crs::parse(c).context("option --crs")?,
            None => Crs::wgs84(),
        };
        let file =
            File::open(path).with_context(|| format!("{} : lecture impossible", path.display()))?;
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut buffered = BufReader::with_capacity(1 << 20, file);
        let delimiter = sniff_delimiter(&mut buffered)
            .with_context(|| format!("{} : lecture impossible", path.display()))?;
        let bar = progress::bytes(len, "Localisation");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(progress::Reading::new(buffered, bar.clone()));
        let headers: Vec<String> = reader
            .headers()
            .with_context(|| format!("{}, ligne 1 : en-tête illisible", path.display()))?
            .iter()
            .map(|h| h.trim_start_matches('\u{FEFF}').trim().to_ascii_lowercase())
            .collect();
        if let Some((first, again)) = duplicate(&headers) {
            bail!(
                "{}, ligne 1 : colonne « {} » en double (colonnes {} et {}) ; renommez ou supprimez l'une d'elles",
                path.display(),
                headers[first],
                first + 1,
                again + 1
            );
        }
        let column = |name: &str| headers.iter().position(|h| h == name);
        let missing = |name: &str| -> anyhow::Error {
            anyhow::anyhow!(
                "{}, ligne 1 : colonne « {name} » absente ; colonnes présentes : {}",
                path.display(),
                headers.join(", ")
            )
        };
        let id = column("id").ok_or_else(|| missing("id"))?;
        let has = |a: &str, b: &str| column(a).is_some() && column(b).is_some();
        let (xn, yn) = if !crs.is_geographic() {
            ("x", "y")
        } else if has("lon", "lat") {
            ("lon", "lat")
        } else if has("x", "y") && explicit_crs {
            ("x", "y")
        } else if has("x", "y") {
            bail!(
                "{}, ligne 1 : colonnes x,y sans système de coordonnées ; précisez --crs (ex. --crs 2154 pour du Lambert-93)",
                path.display()
            )
        } else {
            ("lon", "lat")
        };
        let x = column(xn).ok_or_else(|| missing(xn))?;
        let y = column(yn).ok_or_else(|| missing(yn))?;
        Ok(Self {
            path: path.to_owned(),
            reader,
            crs,
            id,
            x: (x, xn.to_owned()),
            y: (y, yn.to_owned()),
            decimal_comma: delimiter == b';',
            delimiter,
            bar,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn crs(&self) -> &Crs {
        &self.crs
    }

    /// Names of the coordinate columns, for messages (`lon,lat` or `x,y`).
    pub fn coordinate_fields(&self) -> String {
        format!("{},{}", self.x.1, self.y.1)
    }

    /// Up to `max` rows; empty at the end of the file.
    pub fn next_chunk(&mut self, max: usize) -> Result<Vec<Result<PointRow, RowError>>> {
        let mut rows = Vec::with_capacity(max);
        let mut record = csv::StringRecord::new();
        while rows.len() < max {
            let more = self.reader.read_record(&mut record).with_context(|| {
                let line = self.reader.position().line() + 1;
                format!("{}, ligne {line} : CSV illisible", self.path.display())
            })?;
            if !more {
                self.bar.finish_and_clear();
                break;
            }
            rows.push(self.row(&record));
        }
        Ok(rows)
    }

    fn row(&self, record: &csv::StringRecord) -> Result<PointRow, RowError> {
        let line = record.position().map_or(0, |p| p.line());
        let error = |field: &str, reason: String| RowError {
            line,
            field: field.to_owned(),
            reason,
            record: record
                .iter()
                .collect::<Vec<_>>()
                .join(&(self.delimiter as char).to_string()),
        };
        let id = record.get(self.id).map(str::trim).unwrap_or("");
        if id.is_empty() {
            return Err(error("id", "identifiant vide".into()));
        }
        let number = |(col, name): &(usize, String)| -> Result<f64, RowError> {
            let raw = record.get(*col).map(str::trim).unwrap_or("");
            if raw.is_empty() {
                return Err(error(name, "valeur absente".into()));
            }
            let text = if self.decimal_comma {
                raw.replace(',', ".")
            } else {
                raw.to_owned()
            };
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(error(name, format!("« {raw} » n'est pas un nombre"))),
            }
        };
        Ok(PointRow {
            line,
            id: id.to_owned(),
            x: number(&self.x)?,
            y: number(&self.y)?,
        })
    }
}

/// `;` when the header line has semicolons and no comma, else `,`.
fn sniff_delimiter<R: Read>(reader: &mut BufReader<R>) -> std::io::Result<u8> {
    let buf = reader.fill_buf()?;
    let first_line = buf.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let semicolon = first_line.contains(&b';') && !first_line.contains(&b',');
    Ok(if semicolon { b';' } else { b',' })
}

/// Writes rejected rows (`ligne,champ,motif,enregistrement`) atomically.
#[derive(Debug)]
pub struct Rejects {
    file: crate::atomic::AtomicFile,
    pub count: u64,
}

impl Rejects {
    pub fn create(path: &Path) -> Result<Self> {
        let mut file = crate::atomic::AtomicFile::create(path)?;
        std::io::Write::write_all(&mut file, "ligne,champ,motif,enregistrement\n".as_bytes())?;
        Ok(Self { file, count: 0 })
    }

    pub fn push(&mut self, e: &RowError) -> Result<()> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.write_record([e.line.to_string().as_str(), &e.field, &e.reason, &e.record])?;
        std::io::Write::write_all(&mut self.file, &w.into_inner()?)?;
        self.count += 1;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    pub fn commit(self) -> Result<()> {
        self.file.commit()
    }
}

/// The default rejects path: `located.csv` → `located.rejets.csv`.
pub fn default_rejects_path(output: &Path) -> PathBuf {
    let stem = output
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("sortie");
    output.with_file_name(format!("{stem}.rejets.csv"))
}
