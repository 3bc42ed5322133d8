//! The pipeline of [`crate::generate`], in order:
//!
//! 1. the QPV 2015 layer, indexed, and the geography (communes by population, QPV shapes);
//! 2. the output files, opened as temporary files, each with a writer thread;
//! 3. windows of [`WINDOW_BLOCKS`] blocks drawn and turned into rows on every core (rayon),
//!    then handed **in block order** to the writers — the order, not the thread count, fixes
//!    the bytes; the block that reaches N establishments is cut there, later ones dropped;
//! 4. once every writer has finished, every file renamed to its final name.

use crate::block::{BLOCK_UNITS, Drawer, Placed, Unit, truncate};
use crate::geography::Geography;
use crate::output::{Output, Piece};
use crate::parquet::{BatchBuilder, schema};
use crate::rows::{Fields, GeolocEngine, RowWriter, write_csv, write_header};
use crate::{SynthConfig, SynthError, SynthSummary, files, ids};
use arrow_array::RecordBatch;
use essor_geo::QpvIndex;
use essor_sirene::layout::{GEOLOCALISATION, STOCK_ETABLISSEMENT, STOCK_UNITE_LEGALE};
use essor_sirene::{FileKind, Progress, ProgressUnit};
use rayon::prelude::*;
use std::sync::mpsc::SyncSender;

/// Blocks drawn at once: enough to keep every core busy, few enough to bound memory (each
/// block is about 2.5 MB of establishment rows).
const WINDOW_BLOCKS: u64 = 8;

/// One block as the writers want it.
#[derive(Debug, Default)]
struct Rendered {
    units_csv: Vec<u8>,
    establishments_csv: Vec<u8>,
    geoloc_csv: Vec<u8>,
    units_parquet: Option<RecordBatch>,
    establishments_parquet: Option<RecordBatch>,
    counts: SynthSummary,
}

fn render(rows: &RowWriter<'_>, units: &[Unit], parquet: bool) -> Rendered {
    let mut out = Rendered::default();
    let n_est: usize = units.iter().map(|u| u.establishments.len()).sum();
    out.units_csv.reserve(units.len() * 200);
    out.establishments_csv.reserve(n_est * 280);
    let mut ul_batch = parquet.then(|| BatchBuilder::new(schema(&STOCK_UNITE_LEGALE), units.len()));
    let mut et_batch = parquet.then(|| BatchBuilder::new(schema(&STOCK_ETABLISSEMENT), n_est));
    let mut f = Fields::default();
    let c = &mut out.counts;
    for u in units {
        rows.unit(u, &mut f);
        write_csv(&f, b',', &mut out.units_csv);
        if let Some(b) = ul_batch.as_mut() {
            b.push(&f);
        }
        c.legal_units += 1;
        c.non_diffusible_units += u64::from(!u.diffusible);
        c.ess_units += u64::from(u.is_ess());
        for e in &u.establishments {
            rows.establishment(u, e, &mut f);
            write_csv(&f, b',', &mut out.establishments_csv);
            if let Some(b) = et_batch.as_mut() {
                b.push(&f);
            }
            c.establishments += 1;
            c.active_establishments += u64::from(e.active);
            c.ess_active_diffusible_establishments +=
                u64::from(e.active && u.diffusible && u.is_ess());
            c.employer_active_establishments +=
                u64::from(e.active && !matches!(e.bracket, "" | "NN" | "00"));
            c.placed_in_qpv += u64::from(e.placed == Placed::InQpv);
            c.placed_near_qpv += u64::from(e.placed == Placed::NearQpv);
            c.abroad += u64::from(e.placed == Placed::Abroad);
            c.without_coordinates += u64::from(e.xy.is_none());
            if let Some(in_qpv) = rows.geoloc(u, e, &mut f) {
                write_csv(&f, b';', &mut out.geoloc_csv);
                c.geoloc_in_qpv += u64::from(in_qpv);
            }
        }
    }
    out.units_parquet = ul_batch.map(BatchBuilder::finish);
    out.establishments_parquet = et_batch.map(BatchBuilder::finish);
    out
}

/// The senders of the writer threads, in the order of [`Rendered`]'s fields.
struct Senders {
    units: SyncSender<Piece>,
    establishments: SyncSender<Piece>,
    geoloc: Option<SyncSender<Piece>>,
    units_parquet: Option<SyncSender<Piece>>,
    establishments_parquet: Option<SyncSender<Piece>>,
}

impl Senders {
    /// Hands a block to the writers; `false` when one of them has stopped (on an error it
    /// will report).
    fn send(&self, r: Rendered) -> bool {
        let mut ok = self.units.send(Piece::Bytes(r.units_csv)).is_ok();
        ok &= self
            .establishments
            .send(Piece::Bytes(r.establishments_csv))
            .is_ok();
        if let Some(tx) = &self.geoloc {
            ok &= tx.send(Piece::Bytes(r.geoloc_csv)).is_ok();
        }
        if let (Some(tx), Some(b)) = (&self.units_parquet, r.units_parquet) {
            ok &= tx.send(Piece::Batch(b)).is_ok();
        }
        if let (Some(tx), Some(b)) = (&self.establishments_parquet, r.establishments_parquet) {
            ok &= tx.send(Piece::Batch(b)).is_ok();
        }
        ok
    }
}

fn header(columns: &[&str], separator: u8) -> Vec<u8> {
    let mut h = Vec::new();
    write_header(columns, separator, &mut h);
    h
}

pub(crate) fn run(
    config: &SynthConfig,
    progress: &dyn Progress,
) -> Result<SynthSummary, SynthError> {
    let target = config.establishments;
    if target == 0 || target > crate::MAX_ESTABLISHMENTS {
        return Err(SynthError::InvalidCount {
            requested: target,
            max: crate::MAX_ESTABLISHMENTS,
        });
    }
    let dir = &config.out_dir;
    std::fs::create_dir_all(dir).map_err(|source| SynthError::CreateDir {
        path: dir.clone(),
        source,
    })?;

    // 1. Geography.
    let index = QpvIndex::new(essor_refdata::qpv::qpv_2015());
    let geography = Geography::new(index.layer());
    let drawer = Drawer::new(config.seed, &geography);
    let rows = RowWriter::new(&geography, config.geoloc.then(|| GeolocEngine::new(&index)));

    // 2. Outputs.
    let mut outputs = vec![
        Output::csv(
            dir,
            files::UNITES_LEGALES_CSV,
            header(&STOCK_UNITE_LEGALE, b','),
        )?,
        Output::csv(
            dir,
            files::ETABLISSEMENTS_CSV,
            header(&STOCK_ETABLISSEMENT, b','),
        )?,
    ];
    if config.geoloc {
        outputs.push(Output::csv(
            dir,
            files::GEOLOC_CSV,
            header(&GEOLOCALISATION, b';'),
        )?);
    }
    if config.parquet {
        outputs.push(Output::parquet(
            dir,
            files::UNITES_LEGALES_PARQUET,
            schema(&STOCK_UNITE_LEGALE),
        )?);
        outputs.push(Output::parquet(
            dir,
            files::ETABLISSEMENTS_PARQUET,
            schema(&STOCK_ETABLISSEMENT),
        )?);
    }
    progress.begin(
        FileKind::Etablissement,
        &dir.join(files::ETABLISSEMENTS_CSV),
        target,
        ProgressUnit::Rows,
    );

    let mut summary = SynthSummary::default();
    let finished = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        let mut senders = Vec::new();
        for o in outputs {
            let (tx, h) = o.spawn(scope);
            senders.push(Some(tx));
            handles.push(h);
        }
        let mut take = |i: usize| senders.get_mut(i).and_then(Option::take);
        let tx = Senders {
            units: take(0).expect("units writer"),
            establishments: take(1).expect("establishments writer"),
            geoloc: if config.geoloc { take(2) } else { None },
            units_parquet: if config.parquet {
                take(if config.geoloc { 3 } else { 2 })
            } else {
                None
            },
            establishments_parquet: if config.parquet {
                take(if config.geoloc { 4 } else { 3 })
            } else {
                None
            },
        };

        // 3. Blocks, window by window.
        let mut first = 0u64;
        let mut written = 0u64;
        let mut failed = None;
        'windows: while written < target {
            let blocks: Vec<u64> = (first..first + WINDOW_BLOCKS).collect();
            if (first + WINDOW_BLOCKS) * BLOCK_UNITS > ids::MAX_UNITS {
                failed = Some(SynthError::InvalidCount {
                    requested: target,
                    max: crate::MAX_ESTABLISHMENTS,
                });
                break;
            }
            let rendered: Vec<Rendered> = blocks
                .par_iter()
                .map(|&b| render(&rows, &drawer.block(b), config.parquet))
                .collect();
            for (b, r) in blocks.iter().zip(rendered) {
                let left = target - written;
                let r = if r.counts.establishments > left {
                    // The last block: cut at exactly N establishments.
                    let mut units = drawer.block(*b);
                    truncate(&mut units, left);
                    render(&rows, &units, config.parquet)
                } else {
                    r
                };
                written += r.counts.establishments;
                progress.advance(r.counts.establishments);
                summary.add(&r.counts);
                if !tx.send(r) {
                    break 'windows;
                }
                if written >= target {
                    break 'windows;
                }
            }
            first += WINDOW_BLOCKS;
        }
        drop(tx);
        let results: Vec<Result<_, SynthError>> = handles
            .into_iter()
            .map(|h| h.join().expect("writer threads do not panic"))
            .collect();
        match failed {
            Some(e) => Err(e),
            None => results.into_iter().collect::<Result<Vec<_>, _>>(),
        }
    });
    progress.finish();

    // 4. Every file complete: rename them all.
    for f in finished? {
        summary.files.push(f.persist()?);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_renders_rows_of_the_official_widths() {
        let index = QpvIndex::new(essor_refdata::qpv::qpv_2015());
        let geography = Geography::new(index.layer());
        let drawer = Drawer::new(9, &geography);
        let rows = RowWriter::new(&geography, Some(GeolocEngine::new(&index)));
        let mut units = drawer.block(0);
        truncate(&mut units, 300);
        let r = render(&rows, &units, true);
        assert_eq!(r.counts.establishments, 300);
        let lines = |b: &[u8]| String::from_utf8(b.to_vec()).unwrap();
        let ul = lines(&r.units_csv);
        let first = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(ul.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(first.len(), 35);
        assert_eq!(r.establishments_parquet.unwrap().num_rows(), 300);
    }
}
