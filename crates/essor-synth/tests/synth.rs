//! Synthetic stocks end to end: written by `essor_synth::generate`, read back by
//! `essor_sirene`, located by `essor_geo`, diagnosed by `essor_observatory` (issue 3, point 5).
//! Stocks here are small (a few seconds in all); the national size is measured, not tested
//! (see the crate README).

use essor_geo::{Crs, QpvIndex, Territory};
use essor_sirene::layout::{GEOLOCALISATION, STOCK_ETABLISSEMENT, STOCK_UNITE_LEGALE};
use essor_sirene::{ReadOptions, read_establishments, read_legal_units};
use essor_synth::{SynthConfig, SynthSummary, files, generate};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn config(dir: &Path, establishments: u64, seed: u64) -> SynthConfig {
    SynthConfig {
        establishments,
        seed,
        out_dir: dir.to_owned(),
        parquet: true,
        geoloc: true,
    }
}

fn in_pool(threads: usize, c: &SynthConfig) -> SynthSummary {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| generate(c, &()).unwrap())
}

/// One stock of 100,000 establishments shared by the tests that only read it.
fn stock() -> &'static (PathBuf, SynthSummary) {
    static STOCK: OnceLock<(PathBuf, SynthSummary)> = OnceLock::new();
    STOCK.get_or_init(|| {
        // In Cargo's scratch folder for tests, replaced at each run (never left in /tmp).
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("essor-synth-100k");
        let summary = generate(&config(&dir, 100_000, 2026), &()).unwrap();
        (dir, summary)
    })
}

fn records(path: &Path, delimiter: u8) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

fn header(path: &Path, delimiter: u8) -> Vec<String> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap()
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn headers_are_the_official_layouts() {
    let (dir, summary) = stock();
    assert_eq!(
        header(&dir.join(files::UNITES_LEGALES_CSV), b','),
        STOCK_UNITE_LEGALE
    );
    assert_eq!(
        header(&dir.join(files::ETABLISSEMENTS_CSV), b','),
        STOCK_ETABLISSEMENT
    );
    assert_eq!(header(&dir.join(files::GEOLOC_CSV), b';'), GEOLOCALISATION);
    assert_eq!(summary.establishments, 100_000);
    assert_eq!(summary.files.len(), 5);
    // Nothing temporary is left behind.
    let leftovers = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn the_same_seed_gives_the_same_bytes_whatever_the_threads_and_another_seed_other_bytes() {
    let root = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        root.path().join("a"),
        root.path().join("b"),
        root.path().join("c"),
    );
    // More than one window of blocks, and a last block cut in the middle.
    let n = 80_001;
    let one = in_pool(1, &config(&a, n, 7));
    let two = in_pool(2, &config(&b, n, 7));
    in_pool(2, &config(&c, n, 8));
    assert_eq!(one.establishments, n);
    assert_eq!(one.legal_units, two.legal_units);
    for name in [
        files::UNITES_LEGALES_CSV,
        files::ETABLISSEMENTS_CSV,
        files::GEOLOC_CSV,
        files::UNITES_LEGALES_PARQUET,
        files::ETABLISSEMENTS_PARQUET,
    ] {
        let bytes = |d: &Path| std::fs::read(d.join(name)).unwrap();
        assert!(
            bytes(&a) == bytes(&b),
            "{name} differs between 1 and 2 threads"
        );
        assert!(
            bytes(&a) != bytes(&c),
            "{name} is the same for seeds 7 and 8"
        );
    }
}

#[test]
fn csv_and_parquet_read_back_through_essor_sirene_with_nothing_rejected() {
    let (dir, summary) = stock();
    let opts = ReadOptions::default();
    for (units, establishments) in [
        (files::UNITES_LEGALES_CSV, files::ETABLISSEMENTS_CSV),
        (files::UNITES_LEGALES_PARQUET, files::ETABLISSEMENTS_PARQUET),
    ] {
        let mut ess = 0;
        let s = read_legal_units(&dir.join(units), &opts, &(), |b| {
            ess += b.iter().filter(|u| u.is_ess()).count() as u64;
        })
        .unwrap();
        assert_eq!(s.records, summary.legal_units, "{units}");
        assert_eq!(
            s.rejects.rows_dropped + s.rejects.fields_ignored,
            0,
            "{units}"
        );
        assert!(s.missing_optional.is_empty(), "{units}");
        assert_eq!(ess, summary.ess_units);
        let (mut active, mut located) = (0, 0);
        let s = read_establishments(&dir.join(establishments), &opts, &(), |b| {
            active += b.iter().filter(|e| e.is_active()).count() as u64;
            located += b.iter().filter(|e| e.lambert.is_some()).count() as u64;
        })
        .unwrap();
        assert_eq!(s.records, 100_000, "{establishments}");
        assert_eq!(
            s.rejects.rows_dropped + s.rejects.fields_ignored,
            0,
            "{establishments}"
        );
        assert_eq!(active, summary.active_establishments);
        assert!(located > 90_000 && located < 100_000, "{located}");
    }
}

#[test]
fn every_siret_is_luhn_valid_and_unique_and_its_nic_and_siren_agree() {
    let (dir, _) = stock();
    let luhn = |s: &str| {
        let sum: u32 = s
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    };
    let mut sirets = HashSet::new();
    for r in records(&dir.join(files::ETABLISSEMENTS_CSV), b',') {
        let (siren, nic, siret) = (&r[0], &r[1], &r[2]);
        assert_eq!(format!("{siren}{nic}"), siret);
        assert!(luhn(siret), "{siret}");
        assert!(luhn(siren), "{siren}");
        assert!(sirets.insert(siret.to_owned()), "duplicate {siret}");
    }
    let mut sirens = HashSet::new();
    for r in records(&dir.join(files::UNITES_LEGALES_CSV), b',') {
        assert!(sirens.insert(r[0].to_owned()), "duplicate {}", &r[0]);
        assert!(
            sirets.contains(&format!("{}{}", &r[0], &r[30])),
            "siège of {}",
            &r[0]
        );
    }
}

#[test]
fn organisation_names_are_labelled_fictitious_and_masked_units_show_nd() {
    let (dir, _) = stock();
    let mut names = HashSet::new();
    let mut masked = 0;
    for r in records(&dir.join(files::UNITES_LEGALES_CSV), b',') {
        let (diffusion, nom, denomination) = (&r[1], &r[21], &r[23]);
        if !denomination.is_empty() {
            assert!(
                denomination.contains("FICTIF") || denomination.contains("FICTIVE"),
                "{denomination}"
            );
            names.insert(denomination.to_owned());
        }
        if diffusion == "P" && &r[27] == "1000" {
            assert_eq!(nom, "[ND]");
            masked += 1;
        }
    }
    assert!(masked > 1000, "{masked}");
    assert!(names.len() > 20_000, "{}", names.len());
    for word in [
        "JARDINS",
        "SOLIDAIRE",
        "QUARTIER",
        "INSERTION",
        "CULTURE",
        "SPORT",
        "MECANIQUE",
    ] {
        assert!(names.iter().any(|n| n.contains(word)), "{word}");
    }
}

#[test]
fn lambert_points_project_back_into_their_territory_near_their_commune() {
    let (dir, _) = stock();
    let points: HashMap<String, (f64, f64, f64)> = essor_refdata::contours::commune_points_2018()
        .into_iter()
        .map(|p| (p.code, (p.lon, p.lat, p.area_km2)))
        .collect();
    let parent = |code: &str| match &code[..3] {
        "751" => "75056".to_owned(),
        "693" if code.starts_with("6938") => "69123".to_owned(),
        "132" => "13055".to_owned(),
        _ => code.to_owned(),
    };
    let mut checked = 0;
    for r in records(&dir.join(files::ETABLISSEMENTS_CSV), b',') {
        let (commune, x, y) = (&r[22], &r[28], &r[29]);
        if x.is_empty() || x == "[ND]" {
            continue;
        }
        let territory = Territory::of_departement(if commune.starts_with("97") {
            &commune[..3]
        } else {
            &commune[..2]
        })
        .unwrap();
        assert_ne!(territory, Territory::Polynesie);
        let (lon, lat) = territory
            .crs()
            .to_lonlat(x.parse().unwrap(), y.parse().unwrap())
            .unwrap();
        assert_eq!(
            Territory::of_lonlat(lon, lat),
            Some(territory),
            "{commune} {x} {y}"
        );
        if let Some(&(clon, clat, area)) = points.get(&parent(commune)) {
            let dx = (lon - clon) * 111.0 * clat.to_radians().cos();
            let dy = (lat - clat) * 111.0;
            let km = (dx * dx + dy * dy).sqrt();
            // A vast commune (Guyane) has its inside point far from the QPV of its town.
            let plausible = 25.0 + area.sqrt();
            assert!(
                km < plausible,
                "{commune}: {km:.1} km from its inside point"
            );
            checked += 1;
        }
    }
    assert!(checked > 90_000, "{checked}");
}

#[test]
fn the_geolocation_file_gives_the_qpv_the_engine_finds_from_the_lambert_columns() {
    let (dir, _) = stock();
    let index = QpvIndex::new(essor_refdata::qpv::qpv_2015());
    let stock: HashMap<String, (String, String, String)> =
        records(&dir.join(files::ETABLISSEMENTS_CSV), b',')
            .into_iter()
            .map(|r| {
                (
                    r[2].to_owned(),
                    (r[22].to_owned(), r[28].to_owned(), r[29].to_owned()),
                )
            })
            .collect();
    let (mut inside, mut rows) = (0, 0);
    for r in records(&dir.join(files::GEOLOC_CSV), b';') {
        rows += 1;
        let (commune, x, y) = &stock[&r[0]];
        assert_ne!(x, "[ND]", "non-diffusible establishments are left out");
        if x.is_empty() {
            assert_eq!(&r[8], "");
            continue;
        }
        assert_eq!(
            (&r[1], &r[2], &r[10]),
            (x.as_str(), y.as_str(), commune.as_str())
        );
        let crs = Crs::from_epsg(r[4].parse().unwrap()).unwrap();
        let loc = index
            .locator(&crs)
            .locate(x.parse().unwrap(), y.parse().unwrap())
            .unwrap();
        match loc.qpv {
            Some(id) => {
                assert_eq!(&r[8], index.layer().get(id).code.as_str());
                inside += 1;
            }
            None => assert!(&r[8] == "HZ" || &r[8] == "CSZ", "{}", &r[8]),
        }
    }
    assert!(
        rows > 95_000 && inside > 5_000,
        "{rows} rows, {inside} in a QPV"
    );
}

#[test]
fn diagnose_of_a_synthetic_stock_shows_ess_weighing_more_in_qpv_and_hides_non_diffusible_units() {
    use essor_observatory::{ActorScope, Inputs, diagnose};
    let (dir, summary) = stock();
    let index = QpvIndex::new(essor_refdata::qpv::qpv_2015());
    let mut inputs = Inputs {
        etablissements: dir.join(files::ETABLISSEMENTS_CSV),
        unites_legales: dir.join(files::UNITES_LEGALES_CSV),
        geoloc: None,
        perimeter: essor_model::legal::Perimeter::Sirene,
    };
    let d = diagnose(&inputs, &index, &ActorScope::All, &()).unwrap();
    let (france, qpv) = (&d.tallies.france, &d.tallies.qpv_total);
    let national = france.ess_jobs / france.jobs;
    let in_qpv = qpv.ess_jobs / qpv.jobs;
    assert!(
        (0.08..0.13).contains(&national),
        "ESS {national:.3} of jobs nationwide"
    );
    assert!(
        in_qpv > national * 1.2,
        "ESS {in_qpv:.3} of QPV jobs vs {national:.3}"
    );
    let associations =
        france.ess_employer_by_family[0] as f64 / france.ess_employer_establishments as f64;
    assert!(
        associations > 0.6,
        "associations {associations:.2} of ESS employers"
    );
    assert_eq!(
        d.report.legal_units, summary.legal_units,
        "P units are counted"
    );
    assert_eq!(d.report.anomaly_count, 0);
    assert_eq!(
        d.actors.len() as u64,
        summary.ess_active_diffusible_establishments
    );
    let hidden: HashSet<String> = records(&dir.join(files::UNITES_LEGALES_CSV), b',')
        .into_iter()
        .filter(|r| &r[1] == "P")
        .map(|r| r[0].to_owned())
        .collect();
    assert!(!hidden.is_empty());
    assert!(d.actors.iter().all(|a| !hidden.contains(&a.siret[..9])));

    // The geolocation file gives the same QPV figures as the Lambert columns.
    inputs.geoloc = Some(dir.join(files::GEOLOC_CSV));
    let g = diagnose(&inputs, &index, &ActorScope::None, &()).unwrap();
    assert_eq!(g.tallies.qpv_total.establishments, qpv.establishments);
    assert_eq!(g.tallies.qpv_total.ess_jobs, qpv.ess_jobs);
    assert_eq!(g.report.located, d.report.located);
    assert_eq!(g.report.anomaly_count, 0, "{:?}", g.report.anomalies);
    assert!(g.report.unknown_qpv_codes.is_empty());
}

#[test]
fn a_count_out_of_range_is_refused_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let e = generate(&config(dir.path(), 0, 1), &()).unwrap_err();
    assert!(
        e.to_string().contains("nombre d'établissements invalide"),
        "{e}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// The calibration table of the README, checked on 1,000,000 establishments (about a minute
/// in a debug build; run with `cargo test -p essor-synth -- --ignored`).
#[test]
#[ignore = "1 M establishments: run with --ignored when changing calibration.rs"]
fn a_million_establishments_follow_the_calibration_table() {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(
        &SynthConfig {
            parquet: false,
            geoloc: false,
            ..config(dir.path(), 1_000_000, 2015)
        },
        &(),
    )
    .unwrap();
    let per_unit = s.establishments as f64 / s.legal_units as f64;
    assert!(
        (1.15..1.22).contains(&per_unit),
        "{per_unit:.3} establishments per unit"
    );
    let active = s.active_establishments as f64 / s.establishments as f64;
    assert!((0.45..0.50).contains(&active), "{active:.3} open");
    let hidden = s.non_diffusible_units as f64 / s.legal_units as f64;
    assert!((0.02..0.03).contains(&hidden), "{hidden:.3} non-diffusible");
    assert!(
        (38_000..48_000).contains(&s.ess_active_diffusible_establishments),
        "{} open diffusible ESS establishments per million",
        s.ess_active_diffusible_establishments
    );
    let employers = s.employer_active_establishments as f64 / s.active_establishments as f64;
    assert!(
        (0.13..0.17).contains(&employers),
        "{employers:.3} employers"
    );
}
