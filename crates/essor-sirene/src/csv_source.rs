//! CSV stocks, read in parallel chunks.
//!
//! The file is read sequentially in blocks of [`crate::ReadOptions::chunk_bytes`]; each block
//! is cut after its last record boundary. Every rayon thread takes the next block when it is
//! free (the read itself is a short copy from the page cache, done by whichever thread asks),
//! parses it and hands the batch, numbered in file order, to the sink: no thread waits for
//! another, and only a few blocks are in memory at once. A record boundary is a newline outside
//! quotes: INSEE writes RFC 4180 CSV (a field with a comma or a quote is quoted, quotes are
//! doubled), so counting quotes from a boundary tells whether a newline is inside a field.
//! The header may start with a UTF-8 BOM; the delimiter (`,` for the stocks, `;` for the
//! geolocation file) is taken from the header line.

use crate::columns::Resolver;
use crate::progress::{Progress, ProgressUnit};
use crate::reject::{RejectReason, RejectReport};
use crate::{Format, ReadOptions, ReadSummary, SeqSink, SireneError, SireneRecord};
use rayon::prelude::*;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A block of whole records, its number in file order and the physical line its first record
/// starts on.
struct Chunk {
    bytes: Vec<u8>,
    seq: u64,
    first_line: u64,
}

/// The end of the last record in `buf` (just after a newline outside quotes) and the number
/// of newlines before it. `buf` must start at a record boundary.
fn last_boundary(buf: &[u8]) -> Option<(usize, u64)> {
    let (mut quoted, mut newlines, mut cut) = (false, 0u64, None);
    for pos in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[pos] == b'"' {
            quoted = !quoted;
        } else {
            newlines += 1;
            if !quoted {
                cut = Some((pos + 1, newlines));
            }
        }
    }
    cut
}

struct BlockReader<'p> {
    file: File,
    path: &'p Path,
    buf: Vec<u8>,
    eof: bool,
    bytes_read: u64,
    /// Blocks already parsed, to read the next ones into: a fresh 4 MiB buffer per block
    /// costs page faults and allocator work on every block.
    spare: &'p Mutex<Vec<Vec<u8>>>,
}

/// How many parsed blocks are kept for reuse.
const SPARE_BLOCKS: usize = 8;

impl BlockReader<'_> {
    /// Reads until `buf` holds at least `want` bytes or the file ends.
    fn fill(&mut self, want: usize) -> Result<(), SireneError> {
        while !self.eof && self.buf.len() < want {
            let len = self.buf.len();
            self.buf.resize(want.max(len + 64 * 1024), 0);
            let n = self
                .file
                .read(&mut self.buf[len..])
                .map_err(|e| SireneError::io(self.path, e))?;
            self.buf.truncate(len + n);
            self.bytes_read += n as u64;
            self.eof = n == 0;
        }
        Ok(())
    }

    /// The next block of whole records, at least `size` bytes unless the file ends.
    fn next_chunk(&mut self, size: usize) -> Result<Option<(Vec<u8>, u64)>, SireneError> {
        let mut want = size;
        loop {
            self.fill(want)?;
            if self.buf.is_empty() {
                return Ok(None);
            }
            if self.eof {
                return Ok(Some((std::mem::take(&mut self.buf), 0)));
            }
            match last_boundary(&self.buf) {
                Some((cut, lines)) => {
                    let mut rest = self
                        .spare
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop()
                        .unwrap_or_default();
                    rest.clear();
                    rest.extend_from_slice(&self.buf[cut..]);
                    let mut chunk = std::mem::replace(&mut self.buf, rest);
                    chunk.truncate(cut);
                    return Ok(Some((chunk, lines)));
                }
                // One record longer than the block (a huge quoted field): read more.
                None => want = self.buf.len() * 2,
            }
        }
    }
}

/// The blocks of a file in order, reporting progress as they are read.
struct Chunks<'p> {
    blocks: BlockReader<'p>,
    size: usize,
    seq: u64,
    next_line: u64,
    progress: &'p dyn Progress,
}

impl Iterator for Chunks<'_> {
    type Item = Result<Chunk, SireneError>;

    fn next(&mut self) -> Option<Self::Item> {
        let before = self.blocks.bytes_read;
        let (bytes, lines) = match self.blocks.next_chunk(self.size) {
            Ok(Some(block)) => block,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        self.progress.advance(self.blocks.bytes_read - before);
        let chunk = Chunk {
            bytes,
            seq: self.seq,
            first_line: self.next_line,
        };
        self.seq += 1;
        self.next_line += lines;
        Some(Ok(chunk))
    }
}

fn header_fields(line: &[u8], delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

fn parse_chunk<T: SireneRecord>(
    chunk: &Chunk,
    delimiter: u8,
    expected: usize,
    cols: &T::Columns,
    file: &Arc<Path>,
    opts: &ReadOptions,
) -> Result<(Vec<T>, RejectReport), SireneError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(&chunk.bytes[..]);
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::with_capacity(chunk.bytes.len() / 256);
    let mut report = RejectReport::new(file);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = chunk.first_line + e.position().map_or(1, |p| p.line()) - 1;
                return Err(SireneError::Csv {
                    path: file.to_path_buf(),
                    line,
                    message: e.to_string(),
                });
            }
        }
        let line = chunk.first_line + record.position().map_or(1, |p| p.line()) - 1;
        report.rows += 1;
        let mut ctx = crate::columns::RowCtx {
            file,
            line,
            rejects: &mut report,
        };
        if record.len() != expected {
            let raw = record
                .as_slice()
                .get(..80)
                .unwrap_or(record.as_slice())
                .to_vec();
            ctx.reject(
                "(ligne)",
                &raw,
                RejectReason::FieldCount {
                    expected,
                    found: record.len(),
                },
                true,
            );
            continue;
        }
        if let Some(r) = T::parse(&record, cols, &mut ctx, opts) {
            out.push(r);
        }
    }
    Ok((out, report))
}

pub(crate) fn read<T: SireneRecord>(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: SeqSink<'_, T>,
) -> Result<ReadSummary, SireneError> {
    let started = Instant::now();
    let file = File::open(path).map_err(|e| SireneError::io(path, e))?;
    let total = file.metadata().map_err(|e| SireneError::io(path, e))?.len();
    let spare = Mutex::new(Vec::new());
    let mut blocks = BlockReader {
        file,
        path,
        buf: Vec::new(),
        eof: false,
        bytes_read: 0,
        spare: &spare,
    };

    // The header: the first line, without BOM.
    let mut want = 64 * 1024;
    let header_end = loop {
        blocks.fill(want)?;
        if let Some(end) = memchr::memchr(b'\n', &blocks.buf) {
            break end + 1;
        }
        if blocks.eof {
            break blocks.buf.len();
        }
        want *= 2;
    };
    let header_line = blocks.buf[..header_end].to_vec();
    blocks.buf.drain(..header_end);
    let header_line = header_line.strip_prefix(BOM).unwrap_or(&header_line);
    let commas = memchr::memchr_iter(b',', header_line).count();
    let semicolons = memchr::memchr_iter(b';', header_line).count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let header = header_fields(header_line, delimiter);
    if header.iter().all(String::is_empty) {
        return Err(SireneError::Empty {
            path: path.to_owned(),
        });
    }
    let mut resolver = Resolver::new(&header);
    let cols = T::resolve(&mut resolver);
    let resolved = resolver.finish(path, T::KIND)?;

    progress.begin(T::KIND, path, total, ProgressUnit::Bytes);
    progress.advance(blocks.bytes_read);
    let file_name: Arc<Path> = Arc::from(path);
    let chunks = Chunks {
        blocks,
        size: opts.chunk_bytes,
        seq: 0,
        next_line: 2,
        progress,
    };
    // Per-chunk reports, merged in file order at the end so that the kept examples are the
    // first ones of the file.
    let reports = Mutex::new(Vec::new());
    let records = AtomicU64::new(0);
    chunks.par_bridge().try_for_each(|chunk| {
        let chunk = chunk?;
        let (batch, rejects) =
            parse_chunk::<T>(&chunk, delimiter, header.len(), &cols, &file_name, opts)?;
        let mut spare = spare.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < SPARE_BLOCKS {
            spare.push(chunk.bytes);
        }
        drop(spare);
        records.fetch_add(batch.len() as u64, Ordering::Relaxed);
        reports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((chunk.seq, rejects));
        sink(chunk.seq, batch);
        Ok::<_, SireneError>(())
    })?;
    progress.finish();
    let report = RejectReport::merged(
        path,
        reports.into_inner().unwrap_or_else(PoisonError::into_inner),
    );
    Ok(ReadSummary {
        path: path.to_owned(),
        kind: T::KIND,
        format: Format::Csv { delimiter },
        rows: report.rows,
        records: records.into_inner(),
        missing_optional: resolved.missing_optional,
        rejects: report,
        elapsed: started.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_skip_newlines_inside_quotes() {
        let buf = b"a,\"x\ny\",b\nc,d\ne,\"unfinished\n";
        let (cut, lines) = last_boundary(buf).unwrap();
        assert_eq!(&buf[..cut], b"a,\"x\ny\",b\nc,d\n");
        assert_eq!(
            lines, 3,
            "the quoted newline still counts as a physical line"
        );
        assert_eq!(last_boundary(b"no newline"), None);
        assert_eq!(last_boundary(b"\"open\nstill open\n"), None);
    }
}
