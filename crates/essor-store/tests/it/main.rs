//! essor-store's integration tests, one binary, on real SQLite files in temporary folders.

mod registry;
mod snapshot;
