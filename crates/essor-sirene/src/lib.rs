#![doc = include_str!("../README.md")]

/// Columns by name, typed value readers, dates and administrative states.
pub mod columns;
mod csv_source;
/// Fatal errors (the file cannot be read).
pub mod error;
/// `StockEtablissement` rows.
pub mod establishment;
/// INSEE's geolocation file of establishments.
pub mod geoloc;
/// The compact SIREN → facts map of the whole country.
pub mod index;
/// Official column lists of the current and older layouts, as data.
pub mod layout;
/// `StockUniteLegale` rows.
pub mod legal_unit;
mod parquet_source;
/// The progress seam the CLI implements.
pub mod progress;
/// Bad rows and fields: counted, located, explained; the loss budget.
pub mod reject;

pub use columns::{AdminState, SireneDate};
pub use error::SireneError;
pub use establishment::{EstablishmentRecord, EstablishmentText};
pub use geoloc::GeolocRecord;
pub use index::{LegalUnitDetails, LegalUnitFacts, LegalUnitIndex};
pub use legal_unit::{LegalUnitRecord, LegalUnitText};
pub use progress::{Progress, ProgressUnit};
pub use reject::{Reject, RejectReason, RejectReport};

use essor_model::ids::Siren;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Which file a reader expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    UniteLegale,
    Etablissement,
    Geolocalisation,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UniteLegale => "StockUniteLegale",
            Self::Etablissement => "StockEtablissement",
            Self::Geolocalisation => "géolocalisation des établissements Sirene",
        })
    }
}

/// The format of an input file, recognised from its first bytes (`PAR1` is Parquet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { delimiter: u8 },
    Parquet,
}

/// Which rows keep their names and addresses. Names cost memory and time on 35 million rows,
/// and most figures need none; the directory needs them for ESS units only.
#[derive(Clone, Default)]
pub enum TextPolicy {
    /// No names nor addresses.
    #[default]
    None,
    /// Every row.
    All,
    /// Legal units flagged ESS (`economieSocialeSolidaireUniteLegale = O`). Establishments
    /// carry no ESS flag: for them, use [`TextPolicy::Only`] with a [`LegalUnitIndex`].
    Ess,
    /// Legal units that are ESS in the perimeter (issue 14: in the observatoire perimeter, an
    /// association without the SIRENE flag is ESS too). Establishments: as [`TextPolicy::Ess`].
    EssIn(essor_model::legal::Perimeter),
    /// Rows whose SIREN the function accepts.
    Only(Arc<dyn Fn(Siren) -> bool + Send + Sync>),
}

impl TextPolicy {
    pub(crate) fn keeps(&self, siren: Siren, ess: bool) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Ess | Self::EssIn(_) => ess,
            Self::Only(f) => f(siren),
        }
    }
}

impl fmt::Debug for TextPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::All => "All",
            Self::Ess => "Ess",
            Self::EssIn(essor_model::legal::Perimeter::Observatoire) => "EssIn(observatoire)",
            Self::EssIn(essor_model::legal::Perimeter::Sirene) => "EssIn(sirene)",
            Self::Only(_) => "Only(..)",
        })
    }
}

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub text: TextPolicy,
    /// CSV block size parsed by one thread (default 4 MiB).
    pub chunk_bytes: usize,
    /// Rows per decoded Parquet batch (default 65,536).
    pub parquet_batch_rows: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            text: TextPolicy::None,
            chunk_bytes: 4 << 20,
            parquet_batch_rows: 1 << 16,
        }
    }
}

impl ReadOptions {
    pub fn with_text(mut self, text: TextPolicy) -> Self {
        self.text = text;
        self
    }
}

/// What a read did: counts, anomalies, optional columns the file lacks, time.
#[derive(Debug, Clone)]
pub struct ReadSummary {
    pub path: PathBuf,
    pub kind: FileKind,
    pub format: Format,
    /// Data rows in the file.
    pub rows: u64,
    /// Records handed to the sink (rows minus dropped rows).
    pub records: u64,
    /// Optional columns absent from this layout (e.g. an older stock).
    pub missing_optional: Vec<&'static str>,
    pub rejects: RejectReport,
    pub elapsed: Duration,
}

/// A file type essor reads: its typed columns and how a row becomes a record.
pub(crate) trait SireneRecord: Sized + Send {
    type Columns: Send + Sync;
    const KIND: FileKind;
    fn resolve(r: &mut columns::Resolver<'_>) -> Self::Columns;
    fn parse(
        row: &impl columns::Row,
        cols: &Self::Columns,
        ctx: &mut columns::RowCtx<'_>,
        opts: &ReadOptions,
    ) -> Option<Self>;
}

/// Recognises Parquet from its magic bytes; anything else is read as CSV.
pub fn detect_format(path: &Path) -> Result<Format, SireneError> {
    let mut magic = [0u8; 4];
    let mut file = std::fs::File::open(path).map_err(|e| SireneError::io(path, e))?;
    let n = file
        .read(&mut magic)
        .map_err(|e| SireneError::io(path, e))?;
    Ok(if n == 4 && &magic == b"PAR1" {
        Format::Parquet
    } else {
        Format::Csv { delimiter: b',' }
    })
}

/// A batch of records and its place in the file: batches are numbered 0, 1, 2… in file order.
type SeqSink<'s, T> = &'s (dyn Fn(u64, Vec<T>) + Sync);

/// Reads a file on every core; `sink` receives numbered batches in no particular order, on the
/// thread that parsed them.
fn read<T: SireneRecord>(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: SeqSink<'_, T>,
) -> Result<ReadSummary, SireneError> {
    match detect_format(path)? {
        Format::Parquet => parquet_source::read(path, opts, progress, sink),
        Format::Csv { .. } => csv_source::read(path, opts, progress, sink),
    }
}

/// Hands batches to an `FnMut` in file order, whatever order the parsing threads finish in.
///
/// Why: the legal-unit index ("the last duplicate wins") and the tests need file order, but
/// waiting for a whole window of chunks before handing any over leaves a core idle. Batches
/// that finish early wait here (a few at most: as many as there are threads ahead of the
/// slowest one).
fn read_in_order<T: SireneRecord>(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: impl FnMut(Vec<T>) + Send,
) -> Result<ReadSummary, SireneError> {
    struct Reorder<T, F> {
        next: u64,
        pending: std::collections::BTreeMap<u64, Vec<T>>,
        sink: F,
    }
    let state = std::sync::Mutex::new(Reorder {
        next: 0,
        pending: std::collections::BTreeMap::new(),
        sink,
    });
    read(path, opts, progress, &|seq, batch| {
        let mut s = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.pending.insert(seq, batch);
        loop {
            let next = s.next;
            let Some(batch) = s.pending.remove(&next) else {
                break;
            };
            (s.sink)(batch);
            s.next += 1;
        }
    })
}

/// Streams a `StockUniteLegale` (CSV or Parquet) to `sink` in batches, in file order.
pub fn read_legal_units(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: impl FnMut(Vec<LegalUnitRecord>) + Send,
) -> Result<ReadSummary, SireneError> {
    read_in_order(path, opts, progress, sink)
}

/// Streams a `StockEtablissement` (CSV or Parquet) to `sink` in batches, in file order.
pub fn read_establishments(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: impl FnMut(Vec<EstablishmentRecord>) + Send,
) -> Result<ReadSummary, SireneError> {
    read_in_order(path, opts, progress, sink)
}

/// Streams a `StockEtablissement` (CSV or Parquet) to `sink` on every core: each batch goes to
/// the sink on the thread that parsed it, in no particular order. For work whose result does
/// not depend on the order (counting, summing exact values), this keeps every core busy from
/// the first byte to the last.
pub fn read_establishments_unordered(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: impl Fn(Vec<EstablishmentRecord>) + Sync,
) -> Result<ReadSummary, SireneError> {
    read(path, opts, progress, &|_, batch| sink(batch))
}

/// Streams INSEE's geolocation file (`;`-separated CSV, or Parquet) to `sink` in batches, in
/// file order.
pub fn read_geoloc(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: impl FnMut(Vec<GeolocRecord>) + Send,
) -> Result<ReadSummary, SireneError> {
    read_in_order(path, opts, progress, sink)
}
