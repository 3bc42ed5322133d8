//! One module per command; each validates its arguments, does its work through the library
//! crates and prints a one-line French summary.

pub mod admin;
pub mod coverage;
pub mod demo;
pub mod diagnose;
pub mod grants;
pub mod ingest;
pub mod locate;
pub mod orient;
pub mod serve;
pub mod synth;

use crate::args::{Cli, Command};
use crate::points::{PointReader, PointRow, RowError};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Admin(args) => admin::run(args),
        Command::Locate(args) => locate::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Orient(args) => orient::run(args),
        Command::Diagnose(args) => diagnose::run(args),
        Command::Grants(args) => grants::run(args),
        Command::Ingest(args) => ingest::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Synth(args) => synth::run(args),
    }
}

/// Rows per chunk: large enough to keep both cores busy, small enough to bound memory.
pub const CHUNK_ROWS: usize = 1 << 16;

/// Reads `reader` on a thread of its own, chunk by chunk, and hands each chunk to `process`
/// on the calling thread (which fans it out over rayon). Reading overlaps processing.
pub fn pipeline<F>(reader: PointReader, mut process: F) -> Result<()>
where
    F: FnMut(Vec<Result<PointRow, RowError>>) -> Result<()>,
{
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        let handle = scope.spawn(move || -> Result<()> {
            let mut reader = reader;
            loop {
                let chunk = reader.next_chunk(CHUNK_ROWS)?;
                if chunk.is_empty() {
                    return Ok(());
                }
                if tx.send(chunk).is_err() {
                    return Ok(()); // the consumer stopped on an error of its own
                }
            }
        });
        let mut result = Ok(());
        for chunk in rx {
            if let Err(e) = process(chunk) {
                result = Err(e);
                break;
            }
        }
        // A consumer error wins; otherwise report a reading error.
        let read = handle.join().expect("reader thread does not panic");
        result.and(read)
    })
}
