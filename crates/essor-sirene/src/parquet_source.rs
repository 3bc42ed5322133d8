//! Parquet stocks, read row group by row group, only the needed columns.
//!
//! INSEE publishes the stocks as Parquet too, with typed columns (integers for the legal
//! category, booleans for `etablissementSiege`, dates…). We project the columns a file type
//! needs, decode the row groups of one window in parallel (rayon), cast every column to text
//! so the same parser serves CSV and Parquet, and hand the batches to the sink in file order.
//! Integer identifiers get back their leading zeros (SIREN 9, SIRET 14, NIC 5, catégorie
//! juridique 4 digits).

use crate::columns::{Resolver, Row, RowCtx};
use crate::progress::{Progress, ProgressUnit};
use crate::reject::RejectReport;
use crate::{Format, ReadOptions, ReadSummary, SireneError, SireneRecord};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use rayon::prelude::*;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The width to zero-pad a column to when Parquet stores it as an integer.
fn zero_pad_width(column: &str) -> Option<usize> {
    match column {
        "siren" => Some(9),
        "siret" => Some(14),
        "nic" => Some(5),
        "categorieJuridiqueUniteLegale" => Some(4),
        _ => None,
    }
}

fn to_text(column: &ArrayRef, name: &str, path: &Path) -> Result<StringArray, SireneError> {
    let arrow_err = |source| SireneError::Arrow {
        path: path.to_owned(),
        column: name.to_owned(),
        source,
    };
    if let (Some(width), true) = (zero_pad_width(name), column.data_type().is_integer()) {
        let as_i64 = arrow_cast::cast(column, &DataType::Int64).map_err(arrow_err)?;
        let ints = as_i64
            .as_any()
            .downcast_ref::<arrow_array::Int64Array>()
            .expect("cast to Int64");
        return Ok(ints
            .iter()
            .map(|v| v.map(|v| format!("{v:0width$}")))
            .collect());
    }
    let text = arrow_cast::cast(column, &DataType::Utf8).map_err(arrow_err)?;
    Ok(text
        .as_any()
        .downcast_ref::<StringArray>()
        .expect("cast to Utf8")
        .clone())
}

struct BatchRow<'a> {
    columns: &'a [StringArray],
    row: usize,
}

impl Row for BatchRow<'_> {
    fn field(&self, i: usize) -> &[u8] {
        let column = &self.columns[i];
        if column.is_null(self.row) {
            b""
        } else {
            column.value(self.row).as_bytes()
        }
    }
}

fn parse_batch<T: SireneRecord>(
    batch: &RecordBatch,
    cols: &T::Columns,
    first_line: u64,
    file: &Arc<Path>,
    opts: &ReadOptions,
    out: &mut Vec<T>,
    report: &mut RejectReport,
) -> Result<(), SireneError> {
    let schema = batch.schema();
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(c, f)| to_text(c, f.name(), file))
        .collect::<Result<Vec<_>, _>>()?;
    for row in 0..batch.num_rows() {
        report.rows += 1;
        let mut ctx = RowCtx {
            file,
            line: first_line + row as u64,
            rejects: report,
        };
        if let Some(r) = T::parse(
            &BatchRow {
                columns: &columns,
                row,
            },
            cols,
            &mut ctx,
            opts,
        ) {
            out.push(r);
        }
    }
    Ok(())
}

fn read_row_group<T: SireneRecord>(
    metadata: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    row_group: usize,
    first_line: u64,
    file: &Arc<Path>,
    opts: &ReadOptions,
) -> Result<(Vec<T>, RejectReport), SireneError> {
    let parquet_err = |source| SireneError::Parquet {
        path: file.to_path_buf(),
        source,
    };
    let handle = File::open(file).map_err(|e| SireneError::io(file, e))?;
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(handle, metadata.clone())
        .with_projection(mask.clone())
        .with_row_groups(vec![row_group])
        .with_batch_size(opts.parquet_batch_rows)
        .build()
        .map_err(parquet_err)?;
    let mut out = Vec::new();
    let mut report = RejectReport::new(file);
    let mut cols: Option<T::Columns> = None;
    let mut line = first_line;
    for batch in reader {
        let batch = batch.map_err(|source| SireneError::Arrow {
            path: file.to_path_buf(),
            column: String::new(),
            source,
        })?;
        if cols.is_none() {
            // Positions in the projected batch, which keeps only the needed columns.
            let names: Vec<String> = batch
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            let mut resolver = Resolver::new(&names);
            let resolved = T::resolve(&mut resolver);
            resolver.finish(file, T::KIND)?;
            cols = Some(resolved);
        }
        let c = cols.as_ref().expect("resolved above");
        parse_batch(&batch, c, line, file, opts, &mut out, &mut report)?;
        line += batch.num_rows() as u64;
    }
    Ok((out, report))
}

pub(crate) fn read<T: SireneRecord>(
    path: &Path,
    opts: &ReadOptions,
    progress: &dyn Progress,
    sink: &mut dyn FnMut(Vec<T>),
) -> Result<ReadSummary, SireneError> {
    let started = Instant::now();
    let parquet_err = |source| SireneError::Parquet {
        path: path.to_owned(),
        source,
    };
    let handle = File::open(path).map_err(|e| SireneError::io(path, e))?;
    let metadata =
        ArrowReaderMetadata::load(&handle, ArrowReaderOptions::new()).map_err(parquet_err)?;
    let header: Vec<String> = metadata
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut resolver = Resolver::new(&header);
    T::resolve(&mut resolver);
    let resolved = resolver.finish(path, T::KIND)?;
    let mask = ProjectionMask::roots(metadata.parquet_schema(), resolved.used.iter().copied());

    let groups = metadata.metadata().row_groups();
    let total: u64 = groups.iter().map(|g| g.num_rows() as u64).sum();
    // Line numbers as if the file were a CSV with a header: row 1 is line 2.
    let first_lines: Vec<u64> = groups
        .iter()
        .scan(2u64, |next, g| {
            let first = *next;
            *next += g.num_rows() as u64;
            Some(first)
        })
        .collect();

    progress.begin(T::KIND, path, total, ProgressUnit::Rows);
    let file_name: Arc<Path> = Arc::from(path);
    let mut report = RejectReport::new(path);
    let mut records = 0u64;
    let window = rayon::current_num_threads().max(1);
    let indices: Vec<usize> = (0..groups.len()).collect();
    for group_window in indices.chunks(window) {
        let parsed: Vec<_> = group_window
            .par_iter()
            .map(|&g| read_row_group::<T>(&metadata, &mask, g, first_lines[g], &file_name, opts))
            .collect::<Result<_, _>>()?;
        for (batch, rejects) in parsed {
            progress.advance(rejects.rows);
            report.merge(rejects);
            records += batch.len() as u64;
            sink(batch);
        }
    }
    progress.finish();
    Ok(ReadSummary {
        path: path.to_owned(),
        kind: T::KIND,
        format: Format::Parquet,
        rows: report.rows,
        records,
        missing_optional: resolved.missing_optional,
        rejects: report,
        elapsed: started.elapsed(),
    })
}
