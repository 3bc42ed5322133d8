//! Parquet stocks, read row group by row group, only the needed columns.
//!
//! INSEE publishes the stocks as Parquet too, with typed columns (integers for the legal
//! category, booleans for `etablissementSiege`, dates…). We project the columns a file type
//! needs and decode the row groups on every core (rayon), each group handed to the sink, with
//! its number in file order, by the thread that decoded it. Text columns are read as they
//! are, so the same parser serves CSV and Parquet; other columns are cast to text, except the
//! Lambert coordinates (`Float64`) and the dates (`Date32`), which the parsers take typed
//! (`Row::float`, `Row::date`): 35 million rows of each would otherwise be printed and
//! parsed back. Integer identifiers get back their leading zeros (SIREN 9, SIRET 14, NIC 5,
//! catégorie juridique 4 digits), written straight into the text column.

use crate::columns::{Resolver, Row, RowCtx, SireneDate};
use crate::progress::{Progress, ProgressUnit};
use crate::reject::RejectReport;
use crate::{Format, ReadOptions, ReadSummary, SeqSink, SireneError, SireneRecord};
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type};
use arrow_array::{Array, ArrayRef, Date32Array, Float64Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use rayon::prelude::*;
use std::fmt::Write;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
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

/// The columns whose parsers read typed values ([`RowCtx::float`], [`RowCtx::date`]) when
/// the file has them typed; every other column is read as text.
const READ_TYPED: [&str; 4] = [
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "dateCreationEtablissement",
    "dateCreationUniteLegale",
];

/// A column as the parsers read it.
enum Column {
    Text(StringArray),
    Float(Float64Array),
    Date(Date32Array),
}

fn column(column: &ArrayRef, name: &str, path: &Path) -> Result<Column, SireneError> {
    let arrow_err = |source| SireneError::Arrow {
        path: path.to_owned(),
        column: name.to_owned(),
        source,
    };
    match column.data_type() {
        DataType::Utf8 => return Ok(Column::Text(column.as_string::<i32>().clone())),
        DataType::Float64 if READ_TYPED.contains(&name) => {
            return Ok(Column::Float(column.as_primitive::<Float64Type>().clone()));
        }
        DataType::Date32 if READ_TYPED.contains(&name) => {
            return Ok(Column::Date(column.as_primitive::<Date32Type>().clone()));
        }
        _ => {}
    }
    if let (Some(width), true) = (zero_pad_width(name), column.data_type().is_integer()) {
        let as_i64 = arrow_cast::cast(column, &DataType::Int64).map_err(arrow_err)?;
        let ints = as_i64
            .as_any()
            .downcast_ref::<arrow_array::Int64Array>()
            .expect("cast to Int64");
        let mut text = StringBuilder::with_capacity(ints.len(), ints.len() * width);
        for v in ints {
            match v {
                Some(v) => {
                    write!(text, "{v:0width$}").expect("writing to memory");
                    text.append_value("");
                }
                None => text.append_null(),
            }
        }
        return Ok(Column::Text(text.finish()));
    }
    let text = arrow_cast::cast(column, &DataType::Utf8).map_err(arrow_err)?;
    Ok(Column::Text(text.as_string::<i32>().clone()))
}

struct BatchRow<'a> {
    columns: &'a [Column],
    row: usize,
}

impl Row for BatchRow<'_> {
    fn field(&self, i: usize) -> &[u8] {
        match &self.columns[i] {
            Column::Text(c) if !c.is_null(self.row) => c.value(self.row).as_bytes(),
            // Typed columns (`READ_TYPED`) are read through `float` and `date`.
            _ => b"",
        }
    }

    fn float(&self, i: usize) -> Option<Option<f64>> {
        match &self.columns[i] {
            Column::Float(c) => Some(c.is_valid(self.row).then(|| c.value(self.row))),
            _ => None,
        }
    }

    fn date(&self, i: usize) -> Option<Result<Option<SireneDate>, i32>> {
        match &self.columns[i] {
            Column::Date(c) if c.is_null(self.row) => Some(Ok(None)),
            Column::Date(c) => {
                let days = c.value(self.row);
                Some(SireneDate::from_unix_days(days).map(Some).ok_or(days))
            }
            _ => None,
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
        .map(|(c, f)| column(c, f.name(), file))
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
    sink: SeqSink<'_, T>,
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
    let reports = Mutex::new(Vec::with_capacity(groups.len()));
    let records = AtomicU64::new(0);
    // One task per row group, taken in file order by whichever thread is free (a bridge,
    // not a split range: halves read from both ends would keep half the file waiting in an
    // ordered sink).
    (0..groups.len()).par_bridge().try_for_each(|g| {
        let (batch, rejects) =
            read_row_group::<T>(&metadata, &mask, g, first_lines[g], &file_name, opts)?;
        progress.advance(rejects.rows);
        records.fetch_add(batch.len() as u64, Ordering::Relaxed);
        reports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((g as u64, rejects));
        sink(g as u64, batch);
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
        format: Format::Parquet,
        rows: report.rows,
        records: records.into_inner(),
        missing_optional: resolved.missing_optional,
        rejects: report,
        elapsed: started.elapsed(),
    })
}
