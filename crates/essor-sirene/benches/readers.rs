//! Throughput of the readers on deterministic synthetic stocks in the official layouts.
//!
//! `cargo bench -p essor-sirene --bench readers [-- ROWS]` (default 1,000,000 rows) writes a
//! `StockEtablissement` (CSV and Parquet) and a `StockUniteLegale` CSV into a temporary
//! folder, reads them, asserts the counts the generator implies, and prints rows per second
//! and the legal-unit index's memory per unit. The data are not realistic distributions
//! (that is `essor synth`'s job); they are the official layouts with plausible values.

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use essor_sirene::layout::{STOCK_ETABLISSEMENT, STOCK_UNITE_LEGALE};
use essor_sirene::{LegalUnitIndex, ReadOptions, read_establishments};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const COMMUNES: [&str; 8] = [
    "93066", "75111", "69387", "13205", "59350", "97411", "97120", "2A004",
];
/// A point of each commune above, in its territory's EPSG (2154, then 2975 and 5490).
const ORIGINS: [(f64, f64); 8] = [
    (653_102.0, 6_870_746.0),
    (655_000.0, 6_862_000.0),
    (843_000.0, 6_517_000.0),
    (894_000.0, 6_247_000.0),
    (704_000.0, 7_059_000.0),
    (338_756.0, 7_684_991.0),
    (656_645.0, 1_795_951.0),
    (1_190_000.0, 6_110_000.0),
];
const BRACKETS: [&str; 8] = ["NN", "", "01", "02", "03", "11", "12", "00"];
const NAF: [&str; 5] = ["88.99B", "94.99Z", "47.11F", "62.01Z", "85.59A"];

/// The value of column `col` for establishment `i`.
fn etab_value(col: &str, i: u64) -> String {
    let siren = 300_000_000 + i / 2;
    let nic = 10 + i % 2;
    match col {
        "siren" => format!("{siren:09}"),
        "nic" => format!("{nic:05}"),
        "siret" => format!("{siren:09}{nic:05}"),
        "statutDiffusionEtablissement" => (if i.is_multiple_of(50) { "P" } else { "O" }).into(),
        "dateCreationEtablissement" => "2015-06-01".into(),
        "trancheEffectifsEtablissement" => BRACKETS[(i % 8) as usize].into(),
        "etablissementSiege" => (if i.is_multiple_of(2) { "true" } else { "false" }).into(),
        "numeroVoieEtablissement" => (i % 120).to_string(),
        "typeVoieEtablissement" => "RUE".into(),
        "libelleVoieEtablissement" => format!("DE LA FICTION {}", i % 997),
        "codePostalEtablissement" => "93200".into(),
        "libelleCommuneEtablissement" => "COMMUNE FICTIVE".into(),
        "codeCommuneEtablissement" => COMMUNES[(i % 8) as usize].into(),
        "coordonneeLambertAbscisseEtablissement" => {
            format!("{:.1}", ORIGINS[(i % 8) as usize].0 + (i % 1000) as f64)
        }
        "coordonneeLambertOrdonneeEtablissement" => {
            format!("{:.1}", ORIGINS[(i % 8) as usize].1 + (i % 777) as f64)
        }
        "etatAdministratifEtablissement" => (if i.is_multiple_of(3) { "F" } else { "A" }).into(),
        "enseigne1Etablissement" => (if i.is_multiple_of(4) {
            "ENSEIGNE FICTIVE"
        } else {
            ""
        })
        .into(),
        "activitePrincipaleEtablissement" => NAF[(i % 5) as usize].into(),
        "nomenclatureActivitePrincipaleEtablissement" => "NAFRev2".into(),
        "caractereEmployeurEtablissement" => "O".into(),
        "dateDebut" => "2020-01-01".into(),
        _ => String::new(),
    }
}

fn unit_value(col: &str, i: u64) -> String {
    match col {
        "siren" => format!("{:09}", 300_000_000 + i),
        "statutDiffusionUniteLegale" => "O".into(),
        "etatAdministratifUniteLegale" => "A".into(),
        "categorieJuridiqueUniteLegale" => {
            (if i.is_multiple_of(10) { "9220" } else { "5710" }).into()
        }
        "economieSocialeSolidaireUniteLegale" => {
            (if i.is_multiple_of(10) { "O" } else { "N" }).into()
        }
        "activitePrincipaleUniteLegale" => "94.99Z".into(),
        "nomenclatureActivitePrincipaleUniteLegale" => "NAFRev2".into(),
        "trancheEffectifsUniteLegale" => "02".into(),
        "denominationUniteLegale" => format!("ASSOCIATION FICTIVE {i}"),
        "identifiantAssociationUniteLegale" => {
            if i.is_multiple_of(10) {
                format!("W{i:09}")
            } else {
                String::new()
            }
        }
        "dateCreationUniteLegale" => "2001-02-03".into(),
        "caractereEmployeurUniteLegale" => "O".into(),
        _ => String::new(),
    }
}

fn write_csv(path: &Path, columns: &[&str], rows: u64, value: fn(&str, u64) -> String) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "{}", columns.join(",")).unwrap();
    for i in 0..rows {
        let line: Vec<String> = columns.iter().map(|c| value(c, i)).collect();
        writeln!(out, "{}", line.join(",")).unwrap();
    }
}

fn write_parquet(path: &Path, rows: u64) {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(131_072))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    let step = 131_072;
    for start in (0..rows).step_by(step) {
        let end = (start + step as u64).min(rows);
        let columns: Vec<(&str, ArrayRef)> = STOCK_ETABLISSEMENT
            .iter()
            .map(|c| {
                let values: StringArray = (start..end)
                    .map(|i| Some(etab_value(c, i)).filter(|v| !v.is_empty()))
                    .collect();
                (*c, Arc::new(values) as ArrayRef)
            })
            .collect();
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let w = writer.get_or_insert_with(|| {
            ArrowWriter::try_new(
                file.try_clone().unwrap(),
                batch.schema(),
                Some(props.clone()),
            )
            .unwrap()
        });
        w.write(&batch).unwrap();
    }
    writer.unwrap().close().unwrap();
}

fn main() {
    let rows: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("StockEtablissement_utf8.csv");
    let parquet = dir.path().join("StockEtablissement_utf8.parquet");
    let units = dir.path().join("StockUniteLegale_utf8.csv");
    write_csv(&csv, &STOCK_ETABLISSEMENT, rows, etab_value);
    write_parquet(&parquet, rows);
    write_csv(&units, &STOCK_UNITE_LEGALE, rows, unit_value);
    let active_expected = rows - rows.div_ceil(3);
    println!("threads: {}", rayon::current_num_threads());

    // The floor: reading the bytes and nothing else, like `cat FILE > /dev/null`.
    let started = Instant::now();
    let mut file = std::fs::File::open(&csv).unwrap();
    let (mut buf, mut bytes) = (vec![0u8; 1 << 20], 0usize);
    loop {
        match std::io::Read::read(&mut file, &mut buf).unwrap() {
            0 => break,
            n => bytes += n,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "raw read of the CSV      : {:.0} MB, {secs:.2} s, {:.0} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / secs / 1e6
    );

    for (label, path) in [("CSV", &csv), ("Parquet", &parquet)] {
        let size = std::fs::metadata(path).unwrap().len();
        for _ in 0..3 {
            let started = Instant::now();
            let mut active = 0u64;
            let summary = read_establishments(path, &ReadOptions::default(), &(), |batch| {
                active += batch.iter().filter(|e| e.is_active()).count() as u64;
            })
            .unwrap();
            let secs = started.elapsed().as_secs_f64();
            assert_eq!(summary.records, rows);
            assert_eq!(active, active_expected);
            assert!(summary.rejects.is_clean(), "{}", summary.rejects);
            println!(
                "StockEtablissement {label:7}: {rows} rows, {:.0} MB, {secs:.2} s, {:.2} M rows/s, {:.0} MB/s",
                size as f64 / 1e6,
                rows as f64 / secs / 1e6,
                size as f64 / secs / 1e6
            );
        }
    }

    let started = Instant::now();
    let (index, summary) = LegalUnitIndex::build(&units, &ReadOptions::default(), &()).unwrap();
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(index.len() as u64, rows);
    assert!(summary.rejects.is_clean());
    println!(
        "StockUniteLegale CSV → index: {rows} rows, {secs:.2} s, {:.2} M rows/s, {:.1} MB, {:.2} bytes per unit (incl. the 3.9 MB bucket table)",
        rows as f64 / secs / 1e6,
        index.memory_bytes() as f64 / 1e6,
        index.memory_bytes() as f64 / rows as f64
    );
    let opts = ReadOptions::default().with_text(essor_sirene::TextPolicy::Ess);
    let (index, _) = LegalUnitIndex::build(&units, &opts, &()).unwrap();
    println!(
        "  with names of the {} ESS units: {:.1} MB ({:.0} bytes per ESS unit beyond the table)",
        index.details_len(),
        index.memory_bytes() as f64 / 1e6,
        (index.memory_bytes() as f64 - rows as f64 * 8.0 - 3.9e6) / index.details_len() as f64
    );
}
