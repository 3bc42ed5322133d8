//! The output files: each written to a temporary file in the output folder by a thread of its
//! own (so writing overlaps drawing), and renamed over its final name only once every file of
//! the stock is complete. An error, or a panic, leaves the folder as it was.

use crate::SynthError;
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use tempfile::NamedTempFile;

/// Rows per Parquet row group.
const ROW_GROUP_ROWS: usize = 1 << 17;

fn temporary(dir: &Path, dest: &Path) -> Result<NamedTempFile, SynthError> {
    let mut b = tempfile::Builder::new();
    b.prefix(".essor-synth-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A result is as readable as any file the user writes (temporary files are 0600).
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    b.tempfile_in(dir).map_err(|source| SynthError::Write {
        path: dest.to_owned(),
        source,
    })
}

/// A file being written.
pub(crate) enum Sink {
    Csv(BufWriter<NamedTempFile>),
    Parquet(Box<ArrowWriter<NamedTempFile>>),
}

/// What a writer thread receives.
pub(crate) enum Piece {
    Bytes(Vec<u8>),
    Batch(RecordBatch),
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sink::Csv(_) => "Sink::Csv",
            Sink::Parquet(_) => "Sink::Parquet",
        })
    }
}

impl std::fmt::Debug for Piece {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Piece::Bytes(_) => "Piece::Bytes",
            Piece::Batch(_) => "Piece::Batch",
        })
    }
}

/// One output file: its final path and its temporary file.
#[derive(Debug)]
pub(crate) struct Output {
    pub path: PathBuf,
    sink: Sink,
}

impl Output {
    pub(crate) fn csv(dir: &Path, name: &str, header: Vec<u8>) -> Result<Self, SynthError> {
        let path = dir.join(name);
        let mut w = BufWriter::with_capacity(1 << 20, temporary(dir, &path)?);
        w.write_all(&header).map_err(|source| SynthError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(Self {
            path,
            sink: Sink::Csv(w),
        })
    }

    pub(crate) fn parquet(dir: &Path, name: &str, schema: SchemaRef) -> Result<Self, SynthError> {
        let path = dir.join(name);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let w = ArrowWriter::try_new(temporary(dir, &path)?, schema, Some(props)).map_err(|e| {
            SynthError::Parquet {
                path: path.clone(),
                reason: e.to_string(),
            }
        })?;
        Ok(Self {
            path,
            sink: Sink::Parquet(Box::new(w)),
        })
    }

    fn write(&mut self, piece: Piece) -> Result<(), SynthError> {
        match (&mut self.sink, piece) {
            (Sink::Csv(w), Piece::Bytes(b)) => {
                w.write_all(&b).map_err(|source| SynthError::Write {
                    path: self.path.clone(),
                    source,
                })
            }
            (Sink::Parquet(w), Piece::Batch(batch)) => {
                w.write(&batch).map_err(|e| SynthError::Parquet {
                    path: self.path.clone(),
                    reason: e.to_string(),
                })
            }
            _ => unreachable!("each sink receives its own kind of piece"),
        }
    }

    /// Flushes and syncs; the file keeps its temporary name until [`Finished::persist`].
    fn finish(self) -> Result<Finished, SynthError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| SynthError::Write { path, source }
        };
        let tmp = match self.sink {
            Sink::Csv(w) => w.into_inner().map_err(|e| io(&self.path)(e.into_error()))?,
            Sink::Parquet(w) => w.into_inner().map_err(|e| SynthError::Parquet {
                path: self.path.clone(),
                reason: e.to_string(),
            })?,
        };
        tmp.as_file().sync_all().map_err(io(&self.path))?;
        Ok(Finished {
            path: self.path,
            tmp,
        })
    }

    /// Writes what arrives on a channel until it closes, on a thread of its own.
    pub(crate) fn spawn<'scope>(
        mut self,
        scope: &'scope std::thread::Scope<'scope, '_>,
    ) -> (
        SyncSender<Piece>,
        std::thread::ScopedJoinHandle<'scope, Result<Finished, SynthError>>,
    ) {
        let (tx, rx): (SyncSender<Piece>, Receiver<Piece>) = sync_channel(2);
        let handle = scope.spawn(move || {
            for piece in rx {
                self.write(piece)?;
            }
            self.finish()
        });
        (tx, handle)
    }
}

/// A complete file under its temporary name.
#[derive(Debug)]
pub(crate) struct Finished {
    path: PathBuf,
    tmp: NamedTempFile,
}

impl Finished {
    /// Renames the file to its final name.
    pub(crate) fn persist(self) -> Result<PathBuf, SynthError> {
        self.tmp
            .persist(&self.path)
            .map_err(|e| SynthError::Write {
                path: self.path.clone(),
                source: e.error,
            })?;
        Ok(self.path)
    }
}
