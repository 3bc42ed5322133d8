//! The observatory on the committed SIRENE fixtures, against figures worked out by hand in
//! `tests/fixtures/sirene/README.md` (issue 3: "expected indicators computed by hand").

use essor_geo::QpvIndex;
use essor_observatory::indicators::{Cell, IndicatorRow};
use essor_observatory::{ActorScope, Diagnosis, Inputs, TerritoryLevel, diagnose, rows};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/sirene")
        .join(name)
}

static INDEX: LazyLock<QpvIndex> = LazyLock::new(|| QpvIndex::new(essor_refdata::qpv::qpv_2015()));

fn run(
    etab: &str,
    ul: &str,
    geoloc: Option<&str>,
    scope: ActorScope,
) -> (Diagnosis, Vec<IndicatorRow>) {
    let inputs = Inputs {
        etablissements: fixture(etab),
        unites_legales: fixture(ul),
        geoloc: geoloc.map(fixture),
        perimeter: essor_model::legal::Perimeter::Sirene,
    };
    let d = diagnose(&inputs, &INDEX, &scope, &()).unwrap();
    let r = rows(&d, INDEX.layer());
    (d, r)
}

fn row<'a>(rows: &'a [IndicatorRow], level: TerritoryLevel, code: &str) -> &'a IndicatorRow {
    rows.iter()
        .find(|r| r.level == level && r.code == code)
        .unwrap_or_else(|| panic!("no row {level:?} {code}"))
}

fn share(r: &IndicatorRow, col: &str) -> f64 {
    match r.get(col) {
        Some(Cell::Share(Some(s))) => s,
        other => panic!("{col}: {other:?}"),
    }
}

#[test]
fn france_figures_match_the_hand_count() {
    let (d, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        None,
        ActorScope::None,
    );
    let fr = &row(&rows, TerritoryLevel::France, "FR").tally;
    assert_eq!(d.report.active_establishments, 127);
    assert_eq!((fr.establishments, fr.employer_establishments), (127, 122));
    assert_eq!((fr.jobs, fr.private_jobs), (24_604.5, 22_355.5));
    assert_eq!(
        (fr.ess_employer_establishments, fr.ess_jobs),
        (76, 21_811.5)
    );
    assert_eq!(fr.ess_employer_by_family, [47, 24, 2, 1, 2]);
    assert_eq!(fr.ess_jobs_by_sector[0], 408.5, "action sociale");
    let fr_row = row(&rows, TerritoryLevel::France, "FR");
    assert!((share(fr_row, "ess_jobs_share") - 21_811.5 / 24_604.5).abs() < 1e-6);
    assert!((share(fr_row, "ess_private_jobs_share") - 21_811.5 / 22_355.5).abs() < 1e-6);
    // Located: all active but U11's two non-diffusible establishments (no coordinates) and
    // the one abroad.
    assert_eq!(
        (
            d.report.located,
            d.report.unlocated,
            d.report.without_commune
        ),
        (124, 3, 1)
    );
}

#[test]
fn arrondissements_count_in_their_city() {
    let (_, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        None,
        ActorScope::None,
    );
    // Paris (75111): hand U01 03, U05 22, U10 42, U15 51, U16 52 and 20 bulk sièges (02).
    let paris = &row(&rows, TerritoryLevel::Commune, "75056").tally;
    assert_eq!(paris.establishments, 25);
    assert_eq!(paris.jobs, 7.5 + 149.5 + 1_499.5 + 3_499.5 + 7_499.5 + 80.0);
    assert_eq!(
        (paris.ess_employer_establishments, paris.ess_jobs),
        (16, 7.5 + 149.5 + 3_499.5 + 7_499.5 + 48.0)
    );
    assert!(rows.iter().all(|r| r.code != "75111"));
    // Lyon (69387) and Marseille (13205) too.
    assert!(
        row(&rows, TerritoryLevel::Commune, "69123")
            .tally
            .establishments
            > 0
    );
    assert!(
        row(&rows, TerritoryLevel::Commune, "13055")
            .tally
            .establishments
            > 0
    );
    // Saint-Denis rolls up into the Métropole du Grand Paris, Seine-Saint-Denis, Île-de-France.
    let sd = row(&rows, TerritoryLevel::Commune, "93066")
        .tally
        .establishments;
    assert!(
        row(&rows, TerritoryLevel::Epci, "200054781")
            .tally
            .establishments
            >= sd + 25
    );
    assert_eq!(
        row(&rows, TerritoryLevel::Departement, "93")
            .tally
            .establishments,
        sd
    );
    assert_eq!(
        row(&rows, TerritoryLevel::Region, "11")
            .tally
            .establishments,
        sd + 25
    );
}

#[test]
fn qpv_levels_partition_the_located_establishments() {
    let (d, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        None,
        ActorScope::None,
    );
    let in_qpv = row(&rows, TerritoryLevel::QpvTotal, "QPV")
        .tally
        .establishments;
    let outside = row(&rows, TerritoryLevel::HorsQpv, "HORS_QPV")
        .tally
        .establishments;
    assert_eq!(in_qpv + outside, d.report.located);
    let per_qpv: u64 = rows
        .iter()
        .filter(|r| r.level == TerritoryLevel::Qpv)
        .map(|r| r.tally.establishments)
        .sum();
    assert_eq!(per_qpv, in_qpv, "QPV do not overlap");
    assert_eq!(
        rows.iter()
            .filter(|r| r.level == TerritoryLevel::Qpv)
            .count(),
        1514
    );
    let near300 = row(&rows, TerritoryLevel::Qpv300mTotal, "QPV_300M")
        .tally
        .establishments;
    let near500 = row(&rows, TerritoryLevel::Qpv500mTotal, "QPV_500M")
        .tally
        .establishments;
    assert!(in_qpv <= near300 && near300 <= near500);
    // Every QPV's 500 m figures include the QPV's own.
    for r in rows.iter().filter(|r| r.level == TerritoryLevel::Qpv) {
        assert!(
            row(&rows, TerritoryLevel::Qpv500m, &r.code)
                .tally
                .establishments
                >= r.tally.establishments
        );
    }
}

#[test]
fn parquet_and_csv_give_the_same_figures() {
    let (_, csv) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        None,
        ActorScope::None,
    );
    let (_, parquet) = run(
        "StockEtablissement_utf8.parquet",
        "StockUniteLegale_utf8.parquet",
        None,
        ActorScope::None,
    );
    assert_eq!(csv.len(), parquet.len());
    for (a, b) in csv.iter().zip(&parquet) {
        assert_eq!((a.level, &a.code, &a.tally), (b.level, &b.code, &b.tally));
    }
}

#[test]
fn the_2019_layout_is_read_without_its_missing_columns() {
    let (d, rows) = run(
        "StockEtablissement_2019_utf8.csv",
        "StockUniteLegale_2019_utf8.csv",
        None,
        ActorScope::None,
    );
    let fr = &row(&rows, TerritoryLevel::France, "FR").tally;
    assert_eq!(
        (fr.establishments, fr.employer_establishments, fr.jobs),
        (27, 22, 24_204.5)
    );
    // No Lambert columns in 2019: nothing is located, no QPV figure.
    assert_eq!(d.report.located, 0);
    assert!(!d.report.missing_optional_columns.is_empty());
}

#[test]
fn the_geolocation_file_gives_insee_qpv_codes() {
    let (d, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        Some("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv"),
        ActorScope::None,
    );
    assert!(d.report.located_by_geoloc > 0);
    // Independent count from the files: active establishments listed in the geolocation
    // file, and those of them it puts in a 2015 QPV, per code.
    let mut geo = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(fixture(
            "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv",
        ))
        .unwrap();
    let h = geo.headers().unwrap().clone();
    let col = |h: &csv::StringRecord, name: &str| h.iter().position(|c| c == name).unwrap();
    let (si, qi, xi) = (
        col(&h, "siret"),
        col(&h, "plg_qp15"),
        col(&h, "x_longitude"),
    );
    let geoloc: std::collections::HashMap<String, (String, bool)> = geo
        .records()
        .map(Result::unwrap)
        .map(|r| (r[si].to_owned(), (r[qi].to_owned(), !r[xi].is_empty())))
        .collect();
    let mut etab = csv::Reader::from_path(fixture("StockEtablissement_utf8.csv")).unwrap();
    let h = etab.headers().unwrap().clone();
    let (si, ei) = (col(&h, "siret"), col(&h, "etatAdministratifEtablissement"));
    let mut per_code: std::collections::HashMap<String, u64> = Default::default();
    let mut listed = 0;
    for r in etab.records().map(Result::unwrap).filter(|r| &r[ei] == "A") {
        if let Some((code, has_xy)) = geoloc.get(&r[si]) {
            listed += u64::from(*has_xy);
            if code.starts_with("QP") {
                *per_code.entry(code.clone()).or_default() += 1;
            }
        }
    }
    assert_eq!(d.report.located_by_geoloc, listed);
    assert!(!per_code.is_empty());
    // Establishments absent from the geolocation file fall back to their Lambert coordinates,
    // so a QPV may count more than the file assigns it, never fewer.
    for (code, n) in per_code {
        assert!(
            row(&rows, TerritoryLevel::Qpv, &code).tally.establishments >= n,
            "{code}"
        );
    }
}

#[test]
fn actors_are_diffusible_active_ess_establishments_only() {
    let (d, _) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        None,
        ActorScope::All,
    );
    // Active ESS establishments: 76 employers + the ESS non-employers (U03 NN, U05 blank).
    assert_eq!(d.actors.len(), 78);
    // No actor comes from a unit or an establishment with diffusion P.
    let hidden = |file: &str, id: &str, status: &str| -> Vec<String> {
        let mut r = csv::Reader::from_path(fixture(file)).unwrap();
        let h = r.headers().unwrap().clone();
        let (i, s) = (
            h.iter().position(|c| c == id).unwrap(),
            h.iter().position(|c| c == status).unwrap(),
        );
        r.records()
            .map(Result::unwrap)
            .filter(|r| &r[s] == "P")
            .map(|r| r[i].to_owned())
            .collect()
    };
    let units = hidden(
        "StockUniteLegale_utf8.csv",
        "siren",
        "statutDiffusionUniteLegale",
    );
    let etabs = hidden(
        "StockEtablissement_utf8.csv",
        "siret",
        "statutDiffusionEtablissement",
    );
    assert!(!units.is_empty() && !etabs.is_empty());
    assert!(d.actors.iter().all(
        |a| !units.iter().any(|u| a.siret.starts_with(u.as_str())) && !etabs.contains(&a.siret)
    ));
    assert!(
        d.actors
            .iter()
            .all(|a| a.family != essor_model::legal::LegalFamily::Autre)
    );
    assert!(
        d.actors
            .iter()
            .any(|a| a.commune.as_deref() == Some("75111") && a.lon.is_some())
    );
}

#[test]
fn every_row_comes_back_whole_from_its_published_values() {
    // What a store keeps of a row (its numeric values by name) is enough to rebuild it, so
    // that a server can assemble the diagnostic pack from a store (issue 4).
    let (_, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        Some("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv"),
        ActorScope::None,
    );
    for r in &rows {
        let values: std::collections::HashMap<String, Option<f64>> =
            r.values().into_iter().collect();
        let back = IndicatorRow::from_values(r.level, &r.code, &r.name, |n| {
            values.get(n).copied().flatten()
        })
        .unwrap();
        assert_eq!(back.tally, r.tally, "{:?} {}", r.level, r.code);
        assert_eq!(back.population, r.population, "{:?} {}", r.level, r.code);
        assert_eq!(back.cells(), r.cells());
    }
    // The JSON written on every core is the JSON of the tree, byte for byte (issue 3).
    let tree = serde_json::to_vec(&essor_observatory::indicators::to_json(&rows)).unwrap();
    assert_eq!(
        essor_observatory::indicators::write_json(&rows).unwrap(),
        tree
    );
    assert_eq!(
        essor_observatory::indicators::write_json(&[]).unwrap(),
        b"[]"
    );
    // A count the row cannot do without is named.
    let r = &rows[0];
    let err = IndicatorRow::from_values(r.level, &r.code, &r.name, |n| {
        (n != "ess_jobs").then_some(1.0)
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "valeur « ess_jobs » absente pour le territoire france:FR"
    );
}

#[test]
fn with_plg_qp24_the_figures_of_2024_qpv_are_counted_on_the_2015_layer() {
    // Issue 14, point 3: a synthetic geolocation file in INSEE's layout whose `plg_qp24` holds
    // real codes of the embedded 2024 list (and one unknown code). Hand count, SIRENE
    // perimeter: QN09328M holds 99900001100011 (association, bracket 12: 34.5) and
    // 99900006000010 (fondation, 31: 224.5); QN09337M 99900017700012 (coopérative 5560,
    // 53: 10,000); QN07509M 99900001100029 (association, 03: 7.5); QN97114M 99900019300011
    // (association, 12: 34.5); QN99999Z is no 2024 QPV.
    let (d, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        Some("GeolocalisationEtablissement_qp24_synthetique.csv"),
        ActorScope::None,
    );
    assert_eq!(d.report.qpv_2024_rows, Some(5));
    assert_eq!(d.report.unknown_qpv_codes.get("QN99999Z"), Some(&1));
    let q = &row(&rows, TerritoryLevel::Qpv, "QN09328M");
    assert_eq!(
        q.name,
        "Franc Moisin - Cosmonautes - Cristino Garcia - Landy"
    );
    assert_eq!(q.population, None);
    let t = &q.tally;
    assert_eq!((t.ess_employer_establishments, t.ess_jobs), (2, 259.0));
    assert_eq!(t.ess_employer_by_family, [1, 0, 0, 1, 0]);
    let coop = &row(&rows, TerritoryLevel::Qpv, "QN09337M").tally;
    assert_eq!(
        (coop.ess_jobs, coop.ess_employer_by_family[1]),
        (10_000.0, 1)
    );
    assert_eq!(
        row(&rows, TerritoryLevel::Qpv, "QN97114M").tally.ess_jobs,
        34.5
    );
    let all = &row(&rows, TerritoryLevel::QpvTotal, "QPV_2024").tally;
    assert_eq!((all.establishments, all.ess_jobs), (5, 10_301.0));
    // Every code of the list has its row; no 500 m row without polygons.
    let qn = rows
        .iter()
        .filter(|r| r.level == TerritoryLevel::Qpv && r.code.starts_with("QN"))
        .count();
    assert_eq!(qn, 1493);
    assert!(
        !rows
            .iter()
            .any(|r| r.level == TerritoryLevel::Qpv500m && r.code.starts_with("QN"))
    );
    // Every other row is that of the same run with the original file (whose `plg_qp24` codes
    // are not of the 2024 list): the 2015 figures still come from `plg_qp15` and the engine.
    let (_, before) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        Some("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv"),
        ActorScope::None,
    );
    let others: Vec<_> = rows
        .iter()
        .filter(|r| !r.code.starts_with("QN") && r.code != "QPV_2024")
        .map(|r| (r.level, r.code.clone(), r.tally.clone()))
        .collect();
    let before: Vec<_> = before
        .iter()
        .filter(|r| !r.code.starts_with("QN") && r.code != "QPV_2024")
        .map(|r| (r.level, r.code.clone(), r.tally.clone()))
        .collect();
    assert!(others == before);
    let facts = essor_observatory::methodology::run_facts(&d.report, INDEX.layer(), "f");
    assert!(facts.contains("QPV 2024 (géographie en vigueur) d'après la colonne `plg_qp24`"));
    assert!(facts.contains("ni distances, ni abords"));
    assert!(facts.contains("géographie 2015, remplacée depuis le 1er janvier 2024"));
}

#[test]
fn without_a_geolocation_file_there_are_no_2024_rows() {
    let (d, rows) = run(
        "StockEtablissement_utf8.csv",
        "StockUniteLegale_utf8.csv",
        None,
        ActorScope::None,
    );
    assert_eq!(d.report.qpv_2024_rows, None);
    assert!(!rows.iter().any(|r| r.code.starts_with("QN")));
}
