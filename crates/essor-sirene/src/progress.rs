//! How readers report progress without knowing about terminals: the CLI implements
//! [`Progress`](crate::Progress) with a progress bar, tests and libraries pass `&()`.

use crate::FileKind;
use std::path::Path;

/// What a progress total counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressUnit {
    /// CSV files: bytes of the file.
    Bytes,
    /// Parquet files: rows, from the file's metadata.
    Rows,
}

/// Receives progress from a reader. Called from any of the reading threads (hence `Sync`),
/// once per block or row group; implementations need not be fast.
pub trait Progress: Sync {
    /// A file starts; `total` is in `unit`.
    fn begin(&self, _kind: FileKind, _path: &Path, _total: u64, _unit: ProgressUnit) {}
    /// `done` more units were read.
    fn advance(&self, _done: u64) {}
    /// The file is finished.
    fn finish(&self) {}
}

/// No progress reporting.
impl Progress for () {}
