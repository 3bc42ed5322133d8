//! The readers against the committed fixtures (`tests/fixtures/sirene/`), whose expected
//! figures are worked out by hand in that folder's README.

use essor_model::diffusion::Diffusion;
use essor_model::ids::Siren;
use essor_model::legal::LegalFamily;
use essor_model::sector::EssSector;
use essor_sirene::{
    EstablishmentRecord, FileKind, Format, GeolocRecord, LegalUnitIndex, LegalUnitRecord, Progress,
    ProgressUnit, ReadOptions, RejectReason, SireneError, TextPolicy, read_establishments,
    read_geoloc, read_legal_units,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/sirene")
        .join(name)
}

fn units(name: &str, opts: &ReadOptions) -> (Vec<LegalUnitRecord>, essor_sirene::ReadSummary) {
    let mut all = Vec::new();
    let summary = read_legal_units(&fixture(name), opts, &(), |b| all.extend(b)).unwrap();
    (all, summary)
}

fn establishments(
    name: &str,
    opts: &ReadOptions,
) -> (Vec<EstablishmentRecord>, essor_sirene::ReadSummary) {
    let mut all = Vec::new();
    let summary = read_establishments(&fixture(name), opts, &(), |b| all.extend(b)).unwrap();
    (all, summary)
}

fn index(name: &str) -> LegalUnitIndex {
    let opts = ReadOptions::default().with_text(TextPolicy::Ess);
    LegalUnitIndex::build(&fixture(name), &opts, &()).unwrap().0
}

/// The figures of the README's "establishments" paragraph.
struct Figures {
    active: usize,
    employers: usize,
    jobs: f64,
    private_jobs: f64,
    ess_employers: usize,
    ess_jobs: f64,
    by_family: [usize; 5],
    action_sociale_ess_jobs: f64,
}

fn figures(records: &[EstablishmentRecord], units: &LegalUnitIndex) -> Figures {
    let mut f = Figures {
        active: 0,
        employers: 0,
        jobs: 0.0,
        private_jobs: 0.0,
        ess_employers: 0,
        ess_jobs: 0.0,
        by_family: [0; 5],
        action_sociale_ess_jobs: 0.0,
    };
    for e in records.iter().filter(|e| e.is_active()) {
        let unit = units
            .get(e.siren())
            .expect("every establishment has its unit");
        f.active += 1;
        f.jobs += e.estimated_jobs();
        if unit.is_private() {
            f.private_jobs += e.estimated_jobs();
        }
        if !e.is_employer() {
            continue;
        }
        f.employers += 1;
        if unit.is_ess() {
            f.ess_employers += 1;
            f.ess_jobs += e.estimated_jobs();
            let slot = LegalFamily::ALL
                .iter()
                .position(|x| *x == unit.family())
                .unwrap();
            f.by_family[slot] += 1;
            if EssSector::of_code(e.naf.as_ref()) == EssSector::ActionSociale {
                f.action_sociale_ess_jobs += e.estimated_jobs();
            }
        }
    }
    f
}

#[test]
fn current_legal_unit_layout_reads_every_row_cleanly() {
    let (records, summary) = units("StockUniteLegale_utf8.csv", &ReadOptions::default());
    assert_eq!((summary.rows, summary.records), (119, 119));
    assert!(summary.rejects.is_clean(), "{}", summary.rejects);
    assert!(summary.missing_optional.is_empty());
    assert_eq!(summary.format, Format::Csv { delimiter: b',' });
    assert_eq!(records.iter().filter(|r| r.is_ess()).count(), 72);
    assert_eq!(
        records
            .iter()
            .filter(|r| r.diffusion == Diffusion::Partielle)
            .count(),
        2
    );
    let u07 = records
        .iter()
        .find(|r| r.siren.to_string() == "999000078")
        .unwrap();
    assert_eq!(u07.societe_mission, Some(true));
    assert_eq!(u07.naf25.unwrap().as_str(), "56.11G");
    assert!(
        records.iter().all(|r| r.text.is_none()),
        "no text unless asked"
    );
}

#[test]
fn the_index_counts_ess_units_by_family_and_keeps_their_names_only() {
    let index = index("StockUniteLegale_utf8.csv");
    assert_eq!(index.len(), 119);
    let mut by_family = std::collections::HashMap::new();
    let (records, _) = units("StockUniteLegale_utf8.csv", &ReadOptions::default());
    for r in &records {
        let facts = index.get(r.siren).unwrap();
        if facts.is_ess() {
            *by_family.entry(facts.family()).or_insert(0) += 1;
        }
    }
    assert_eq!(by_family[&LegalFamily::Association], 43);
    assert_eq!(by_family[&LegalFamily::Cooperative], 24);
    assert_eq!(by_family[&LegalFamily::Mutuelle], 2);
    assert_eq!(by_family[&LegalFamily::Fondation], 1);
    assert_eq!(by_family[&LegalFamily::SocieteCommercialeEss], 2);
    assert_eq!(
        index.details_len(),
        72,
        "TextPolicy::Ess keeps ESS units only"
    );
    let u01 = index.details(Siren::parse("999000011").unwrap()).unwrap();
    assert_eq!(
        u01.name.as_deref(),
        Some("ASSOCIATION FICTIVE DU CENTRE SOCIAL DES TILLEULS")
    );
    assert_eq!(u01.sigle.as_deref(), Some("AFCST"));
    assert_eq!(u01.rna.as_ref().unwrap().as_str(), "W931000001");
    assert!(
        index.details(Siren::parse("999000086").unwrap()).is_none(),
        "not ESS"
    );
    let u14 = index.get(Siren::parse("999000144").unwrap()).unwrap();
    assert_eq!(
        (u14.ess, u14.family()),
        (None, LegalFamily::Autre),
        "blank ESS flag is not ESS"
    );
}

#[test]
fn current_establishment_layout_gives_the_hand_computed_figures() {
    let (records, summary) = establishments("StockEtablissement_utf8.csv", &ReadOptions::default());
    assert_eq!((summary.rows, summary.records), (230, 230));
    assert!(summary.rejects.is_clean(), "{}", summary.rejects);
    let f = figures(&records, &index("StockUniteLegale_utf8.csv"));
    assert_eq!(f.active, 127);
    assert_eq!(f.employers, 122);
    assert_eq!(f.jobs, 24_604.5);
    assert_eq!(f.private_jobs, 22_355.5);
    assert_eq!(f.ess_employers, 76);
    assert_eq!(f.ess_jobs, 21_811.5);
    assert_eq!(f.by_family, [47, 24, 2, 1, 2]);
    assert_eq!(f.action_sociale_ess_jobs, 408.5);
}

#[test]
fn communes_keep_their_arrondissements_and_overseas_coordinates_their_own_epsg() {
    let (records, _) = establishments("StockEtablissement_utf8.csv", &ReadOptions::default());
    let count = |code: &str| {
        records
            .iter()
            .filter(|e| e.commune.is_some_and(|c| c.as_str() == code))
            .count()
    };
    assert_eq!(
        (count("75111"), count("69387"), count("13205")),
        (46, 42, 43)
    );
    assert_eq!(
        (count("93066"), count("59350"), count("01001")),
        (49, 42, 1)
    );
    let paris = records.iter().filter(|e| {
        e.commune
            .is_some_and(|c| c.without_arrondissement().as_str() == "75056")
    });
    assert_eq!(paris.count(), 46);
    let overseas: Vec<_> = records
        .iter()
        .filter(|e| e.commune.is_some_and(|c| c.departement().len() == 3))
        .collect();
    assert_eq!(overseas.len(), 6);
    assert_eq!(
        records.iter().filter(|e| e.commune.is_none()).count(),
        1,
        "abroad"
    );
    assert_eq!(records.iter().filter(|e| e.headquarters).count(), 119);
    assert_eq!(records.iter().filter(|e| e.lambert.is_some()).count(), 226);
    // Pointe-à-Pitre in EPSG 5490 (UTM 20N), Cayenne in 2972 (UTM 22N), Mamoudzou in 4471
    // (UTM 38S): metres, nothing like Lambert-93's 6-7 million northings.
    let at = |code: &str| {
        overseas
            .iter()
            .find(|e| e.commune.unwrap().as_str() == code)
            .unwrap()
            .lambert
            .unwrap()
    };
    let (x, y) = at("97120");
    assert!(
        (600_000.0..700_000.0).contains(&x) && (1_750_000.0..1_850_000.0).contains(&y),
        "{x} {y}"
    );
    let (x, y) = at("97302");
    assert!(
        (300_000.0..400_000.0).contains(&x) && (500_000.0..600_000.0).contains(&y),
        "{x} {y}"
    );
    let (_, y) = at("97611");
    assert!(
        (8_500_000.0..8_600_000.0).contains(&y),
        "southern hemisphere false northing: {y}"
    );
}

#[test]
fn partially_diffusible_units_are_flagged_and_masked() {
    let (records, _) = establishments(
        "StockEtablissement_utf8.csv",
        &ReadOptions::default().with_text(TextPolicy::All),
    );
    let index = index("StockUniteLegale_utf8.csv");
    let hidden: Vec<_> = records
        .iter()
        .filter(|e| {
            !e.diffusion
                .combine(index.get(e.siren()).unwrap().diffusion)
                .may_show_individually()
        })
        .collect();
    assert_eq!(hidden.len(), 3);
    for e in &hidden {
        let text = e.text.as_ref().unwrap();
        assert_eq!(
            (text.libelle_voie.as_deref(), e.lambert),
            (None, None),
            "[ND] reads as missing"
        );
    }
    // Still counted: U11's active employer establishment is among the 122 employers.
    assert!(hidden.iter().any(|e| e.is_active() && e.is_employer()));
}

#[test]
fn parquet_files_give_exactly_the_csv_records() {
    let opts = ReadOptions::default().with_text(TextPolicy::All);
    let (csv, _) = establishments("StockEtablissement_utf8.csv", &opts);
    let (parquet, summary) = establishments("StockEtablissement_utf8.parquet", &opts);
    assert_eq!(summary.format, Format::Parquet);
    assert!(summary.rejects.is_clean(), "{}", summary.rejects);
    assert_eq!(parquet, csv);
    let (csv, _) = units("StockUniteLegale_utf8.csv", &opts);
    let (parquet, _) = units("StockUniteLegale_utf8.parquet", &opts);
    assert_eq!(parquet, csv);
}

#[test]
fn small_chunks_change_nothing_including_line_numbers() {
    let small = ReadOptions {
        chunk_bytes: 700,
        ..ReadOptions::default().with_text(TextPolicy::All)
    };
    let default = ReadOptions::default().with_text(TextPolicy::All);
    assert_eq!(
        establishments("StockEtablissement_utf8.csv", &small).0,
        establishments("StockEtablissement_utf8.csv", &default).0
    );
    let (_, a) = establishments("StockEtablissement_lignes_invalides.csv", &small);
    let (_, b) = establishments("StockEtablissement_lignes_invalides.csv", &default);
    assert_eq!(a.rejects, b.rejects);
}

#[test]
fn the_2019_layouts_read_with_their_missing_columns_listed() {
    let (records, summary) = units("StockUniteLegale_2019_utf8.csv", &ReadOptions::default());
    assert_eq!(summary.rows, 19);
    assert_eq!(
        summary.missing_optional,
        [
            "societeMissionUniteLegale",
            "activitePrincipaleNAF25UniteLegale"
        ]
    );
    assert!(
        records
            .iter()
            .all(|r| r.societe_mission.is_none() && r.naf25.is_none())
    );
    let (records, summary) =
        establishments("StockEtablissement_2019_utf8.csv", &ReadOptions::default());
    assert_eq!(summary.rows, 30);
    assert_eq!(
        summary.missing_optional,
        [
            "activitePrincipaleNAF25Etablissement",
            "coordonneeLambertAbscisseEtablissement",
            "coordonneeLambertOrdonneeEtablissement"
        ]
    );
    assert!(summary.rejects.is_clean(), "{}", summary.rejects);
    let f = figures(&records, &index("StockUniteLegale_2019_utf8.csv"));
    assert_eq!((f.active, f.employers, f.jobs), (27, 22, 24_204.5));
    assert!(records.iter().all(|e| e.lambert.is_none()));
}

#[test]
fn the_geolocation_file_reads_by_name_and_blank_hz_csz_are_outside_qpv() {
    let mut rows: Vec<GeolocRecord> = Vec::new();
    let summary = read_geoloc(
        &fixture("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv"),
        &ReadOptions::default(),
        &(),
        |b| rows.extend(b),
    )
    .unwrap();
    assert_eq!(summary.format, Format::Csv { delimiter: b';' });
    assert!(summary.rejects.is_clean(), "{}", summary.rejects);
    assert_eq!(rows.len(), 30);
    assert_eq!(rows.iter().filter(|r| r.lon_lat.is_some()).count(), 29);
    assert_eq!(rows.iter().filter(|r| r.qpv_2015.is_some()).count(), 6);
    assert_eq!(rows.iter().filter(|r| r.qpv_2024.is_some()).count(), 6);
    let cayenne = rows
        .iter()
        .find(|r| r.siret.to_string() == "99900019300037")
        .unwrap();
    assert_eq!(cayenne.epsg, Some(2972));
    let (lon, lat) = cayenne.lon_lat.unwrap();
    assert!((lon + 52.3).abs() < 0.1 && (lat - 4.93).abs() < 0.1);
    // The geolocation file and the stock agree on the projected coordinates.
    let (stock, _) = establishments("StockEtablissement_utf8.csv", &ReadOptions::default());
    let from_stock = stock.iter().find(|e| e.siret == cayenne.siret).unwrap();
    assert_eq!(from_stock.lambert, cayenne.xy);
}

#[test]
fn a_missing_required_column_names_it_and_lists_the_others() {
    let err = read_establishments(
        &fixture("StockEtablissement_sans_commune.csv"),
        &ReadOptions::default(),
        &(),
        |_| {},
    )
    .unwrap_err();
    let SireneError::MissingColumns {
        kind,
        missing,
        available,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        (*kind, missing.as_slice()),
        (
            FileKind::Etablissement,
            ["codeCommuneEtablissement".to_string()].as_slice()
        )
    );
    assert_eq!(available.len(), 53);
    let message = err.to_string();
    assert!(
        message.contains("colonne(s) obligatoire(s) absente(s) pour un fichier StockEtablissement"),
        "{message}"
    );
    assert!(
        message.contains("Colonnes présentes : siren, nic, siret,"),
        "{message}"
    );
}

#[test]
fn an_empty_file_is_an_error() {
    let err = read_legal_units(
        &fixture("StockUniteLegale_vide.csv"),
        &ReadOptions::default(),
        &(),
        |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, SireneError::Empty { .. }), "{err}");
    assert!(
        err.to_string()
            .ends_with("StockUniteLegale_vide.csv : fichier vide, la ligne d'en-tête manque")
    );
    let err =
        read_legal_units(&fixture("absent.csv"), &ReadOptions::default(), &(), |_| {}).unwrap_err();
    assert!(matches!(err, SireneError::Io { .. }), "{err}");
}

#[test]
fn bad_rows_are_counted_with_line_and_field_and_reading_goes_on() {
    let opts = ReadOptions::default().with_text(TextPolicy::All);
    let (records, summary) = establishments("StockEtablissement_lignes_invalides.csv", &opts);
    let r = &summary.rejects;
    assert_eq!(
        (r.rows, r.rows_dropped, r.fields_ignored, records.len()),
        (9, 3, 4, 6),
        "{r}"
    );
    let located: Vec<_> = r
        .samples
        .iter()
        .map(|s| (s.line.unwrap(), s.field, s.row_dropped))
        .collect();
    assert_eq!(
        located,
        [
            (3, "siret", true),
            (4, "(ligne)", true),
            (5, "trancheEffectifsEtablissement", false),
            (6, "codeCommuneEtablissement", false),
            (7, "etatAdministratifEtablissement", false),
            (8, "coordonneeLambertAbscisseEtablissement", false),
            (11, "siret", true),
        ]
    );
    assert_eq!(
        r.samples[1].reason,
        RejectReason::FieldCount {
            expected: 54,
            found: 10
        }
    );
    assert_eq!(r.count("siret", RejectReason::InvalidIdentifier), 2);
    let multiline = records.iter().find_map(|e| {
        e.text
            .as_ref()?
            .libelle_voie
            .clone()
            .filter(|v| v.contains('\n'))
    });
    assert_eq!(
        multiline.as_deref(),
        Some("DES LILAS, BATIMENT B\nESCALIER 2")
    );
    assert!(r.samples[0].to_string().ends_with(
        "StockEtablissement_lignes_invalides.csv, ligne 3, champ siret : identifiant mal formé (« 99900001100 ») ; ligne ignorée"
    ));
    assert!(r.check_budget(0.5).is_ok());
    assert!(matches!(
        r.check_budget(0.01),
        Err(SireneError::RejectBudgetExceeded {
            dropped: 3,
            rows: 9,
            ..
        })
    ));
}

#[test]
fn text_can_be_kept_for_the_establishments_of_ess_units_only() {
    let index = Arc::new(index("StockUniteLegale_utf8.csv"));
    let ess = index.clone();
    let opts = ReadOptions::default().with_text(TextPolicy::Only(Arc::new(move |s| {
        ess.get(s).is_some_and(|u| u.is_ess())
    })));
    let (records, _) = establishments("StockEtablissement_utf8.csv", &opts);
    assert_eq!(records.iter().filter(|e| e.text.is_some()).count(), 140);
}

#[derive(Default)]
struct Counting {
    begun: AtomicU64,
    total: AtomicU64,
    done: AtomicU64,
    finished: AtomicU64,
}

impl Progress for Counting {
    fn begin(&self, _kind: FileKind, _path: &Path, total: u64, _unit: ProgressUnit) {
        self.begun.fetch_add(1, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
    fn advance(&self, done: u64) {
        self.done.fetch_add(done, Ordering::Relaxed);
    }
    fn finish(&self) {
        self.finished.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn progress_reaches_the_total_in_bytes_for_csv_and_rows_for_parquet() {
    let opts = ReadOptions {
        chunk_bytes: 4096,
        ..ReadOptions::default()
    };
    let progress = Counting::default();
    read_establishments(
        &fixture("StockEtablissement_utf8.csv"),
        &opts,
        &progress,
        |_| {},
    )
    .unwrap();
    let size = std::fs::metadata(fixture("StockEtablissement_utf8.csv"))
        .unwrap()
        .len();
    assert_eq!(progress.total.load(Ordering::Relaxed), size);
    assert_eq!(progress.done.load(Ordering::Relaxed), size);
    assert_eq!(
        (
            progress.begun.load(Ordering::Relaxed),
            progress.finished.load(Ordering::Relaxed)
        ),
        (1, 1)
    );
    let progress = Counting::default();
    read_establishments(
        &fixture("StockEtablissement_utf8.parquet"),
        &opts,
        &progress,
        |_| {},
    )
    .unwrap();
    assert_eq!(progress.total.load(Ordering::Relaxed), 230);
    assert_eq!(progress.done.load(Ordering::Relaxed), 230);
}

#[test]
fn the_parquet_geolocation_file_with_capitalised_names_gives_the_csv_records() {
    let read = |name: &str| {
        let mut rows: Vec<GeolocRecord> = Vec::new();
        read_geoloc(&fixture(name), &ReadOptions::default(), &(), |b| {
            rows.extend(b)
        })
        .unwrap();
        rows
    };
    let csv = read("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv");
    let parquet = read("GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.parquet");
    assert_eq!(parquet, csv);
}
