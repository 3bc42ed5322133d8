//! The snapshot on a real `essor.sqlite`: built in a temporary file and renamed in, read
//! back through the index and the full-text search, refused when half-built, followed by
//! `Live` when a new one replaces it.

use essor_model::legal::LegalFamily;
use essor_model::sector::EssSector;
use essor_store::snapshot::{
    ActorRow, FILE_NAME, FigureRow, Figures, Filter, Live, Meta, Place, Places, Snapshot,
    SnapshotWriter, TileRequest,
};
use std::time::Duration;

fn actor(i: u32, name: &str, family: LegalFamily, lon: f64) -> ActorRow {
    ActorRow {
        id: 0,
        siret: format!("{:014}", 10_000_000_000_000u64 + u64::from(i)),
        name: name.to_owned(),
        enseigne: None,
        family,
        categorie_juridique: "9220".into(),
        naf: Some("88.99B".into()),
        sector: EssSector::ActionSociale,
        tranche_effectifs: Some("11".into()),
        employer: true,
        jobs: 14.5,
        address: Some("12 RUE DE LA RÉPUBLIQUE 93200 SAINT-DENIS".into()),
        commune: Some("93066".into()),
        places: Places {
            commune: Some("93066".into()),
            departement: Some("93".into()),
            region: Some("11".into()),
            epci: Some("200054781".into()),
        },
        rna: None,
        lon_lat: Some((lon, 48.93)),
        qpv: (lon > 2.36).then(|| "QP093028".into()),
        nearest_qpv: Some("QP093028".into()),
        distance_m: Some(if lon > 2.36 { 0.0 } else { 800.0 }),
        band: Some(if lon > 2.36 { "in" } else { "1000" }.into()),
        search_extra: "Autre action sociale sans hébergement n.c.a. Saint-Denis".into(),
    }
}

fn meta(description: &str) -> Meta {
    Meta {
        synthetic: true,
        description: description.into(),
        provenance_json: Some(r#"{"computed_on":"2026-12-06"}"#.into()),
        built_at: "2026-12-06T10:00:00Z".into(),
    }
}

fn build(dir: &std::path::Path, names: &[&str], description: &str) {
    let mut w = SnapshotWriter::create(dir).unwrap();
    for (i, name) in names.iter().enumerate() {
        let family = if i % 2 == 0 {
            LegalFamily::Association
        } else {
            LegalFamily::Cooperative
        };
        w.add_actor(&actor(i as u32, name, family, 2.35 + i as f64 * 0.01))
            .unwrap();
    }
    w.set_figure_columns(&["establishments".into(), "ess_jobs_share".into()])
        .unwrap();
    w.add_figures(&FigureRow {
        level: "commune".into(),
        code: "93066".into(),
        name: "Saint-Denis".into(),
        values: vec![Some(12.0), None],
    })
    .unwrap();
    w.finish(&meta(description)).unwrap();
}

#[test]
fn a_snapshot_reads_back_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    build(
        dir.path(),
        &[
            "ASSOCIATION FICTIVE DES JARDINS PARTAGÉS",
            "SCOP FICTIVE MÉCANIQUE DE RUE",
            "RÉGIE DE QUARTIER FICTIVE DES TILLEULS",
        ],
        "démonstration",
    );
    let s = Snapshot::open_in(dir.path()).unwrap();
    assert_eq!(s.actors(), 3);
    assert!(s.meta().synthetic);
    assert_eq!(s.meta().description, "démonstration");
    let a = s.by_siret("10000000000001").unwrap().unwrap();
    assert_eq!(a.name, "SCOP FICTIVE MÉCANIQUE DE RUE");
    assert_eq!(a.family, LegalFamily::Cooperative);
    assert_eq!(a.places.epci.as_deref(), Some("200054781"));
    assert_eq!(a.lon_lat, Some((2.36, 48.93)));
    assert!(s.by_siret("99999999999999").unwrap().is_none());

    // Accents, case and plurals do not matter; the word being typed is a prefix.
    assert_eq!(*s.search("jardin partage"), vec![1]);
    assert_eq!(*s.search("mecanique"), vec![2]);
    assert_eq!(*s.search("régies quart"), vec![3]);
    assert_eq!(s.search("fictive").len(), 3);
    assert_eq!(s.search("saint denis ").len(), 3);
    assert!(s.search("de la").is_empty());

    let coop = Filter {
        families: vec![LegalFamily::Cooperative],
        ..Filter::default()
    };
    let (total, rows) = s.page(&coop, 0, 10).unwrap();
    assert_eq!((total, rows.len()), (1, 1));
    let (total, rows) = s
        .page(
            &Filter {
                text: Some("fictive".into()),
                place: Some(Place::Qpv("QP093028".into())),
                ..Filter::default()
            },
            0,
            10,
        )
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(rows[0].siret, "10000000000002");
    let facets = s.facets(&coop).unwrap();
    assert_eq!(facets.total, 1);
    // A selection walked once keeps its size and facets: every later page of it, with or
    // without the facets, answers as the first walk did.
    let text_coop = Filter {
        text: Some("fictive".into()),
        families: vec![LegalFamily::Cooperative, LegalFamily::Association],
        ..Filter::default()
    };
    let first = s.page_and_facets(&text_coop, 0, 2).unwrap();
    assert_eq!(first.0, first.2.total);
    for _ in 0..2 {
        assert_eq!(s.page_and_facets(&text_coop, 0, 2).unwrap(), first);
        let (total, rows) = s.page(&text_coop, 0, 2).unwrap();
        assert_eq!((total, &rows), (first.0, &first.1));
        assert_eq!(s.facets(&text_coop).unwrap(), first.2);
        let (_, rest) = s.page(&text_coop, 2, 10).unwrap();
        assert_eq!(rest.len() as u64, first.0.saturating_sub(2));
    }

    let figures = s
        .figures(&[
            ("commune".into(), "93066".into()),
            ("commune".into(), "75056".into()),
        ])
        .unwrap();
    assert_eq!(
        figures,
        vec![
            Some(Figures {
                name: "Saint-Denis".into(),
                values: vec![Some(12.0), None]
            }),
            None
        ]
    );
    assert_eq!(s.columns(), ["establishments", "ess_jobs_share"]);

    let (clusters, singles) = s
        .clusters(
            &TileRequest {
                z: 0,
                x: 0,
                y: 0,
                extent: 4096,
                buffer: 128,
                cell: 256,
            },
            &Filter::default(),
        )
        .unwrap();
    assert_eq!(clusters.iter().map(|c| c.count).sum::<u64>(), 3);
    assert_eq!(clusters.len(), 1);
    assert!(singles.is_empty());
}

#[test]
fn a_writer_dropped_before_finish_leaves_the_old_snapshot_alone() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &["ASSOCIATION FICTIVE UNE"], "première");
    {
        let mut w = SnapshotWriter::create(dir.path()).unwrap();
        w.add_actor(&actor(
            0,
            "ASSOCIATION FICTIVE DEUX",
            LegalFamily::Association,
            2.3,
        ))
        .unwrap();
        // Out of SIRET order: refused, and the build is abandoned.
        assert!(
            w.add_actor(&actor(0, "EN DOUBLE", LegalFamily::Association, 2.3))
                .unwrap_err()
                .to_string()
                .contains("ordre des SIRET")
        );
    }
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files, [FILE_NAME]);
    let s = Snapshot::open_in(dir.path()).unwrap();
    assert_eq!(s.meta().description, "première");
}

#[test]
fn a_missing_or_foreign_file_is_a_french_error() {
    let dir = tempfile::tempdir().unwrap();
    let e = Snapshot::open_in(dir.path()).unwrap_err().to_string();
    assert!(e.contains("essor ingest"), "{e}");
    rusqlite::Connection::open(dir.path().join(FILE_NAME))
        .unwrap()
        .execute_batch("CREATE TABLE meta (key TEXT, value TEXT)")
        .unwrap();
    let e = Snapshot::open_in(dir.path()).unwrap_err().to_string();
    assert!(e.contains("schéma absent"), "{e}");
}

#[test]
fn only_a_snapshot_of_this_schema_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    assert!(!Snapshot::is_current(&path), "no file");
    build(dir.path(), &["UNE"], "courante");
    assert!(Snapshot::is_current(&path));
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("UPDATE meta SET value = '1' WHERE key = 'schema'")
        .unwrap();
    assert!(!Snapshot::is_current(&path), "an older schema");
    assert!(Snapshot::open(&path).is_err());
}

#[test]
fn live_swaps_in_a_new_snapshot_while_the_old_one_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    let live = Live::open(dir.path(), Duration::from_secs(3600), |_| {}).unwrap();
    assert!(live.current().is_none());
    build(dir.path(), &["ASSOCIATION FICTIVE UNE"], "première");
    assert!(live.refresh().unwrap());
    let old = live.current().unwrap();
    assert!(!live.refresh().unwrap());

    build(
        dir.path(),
        &["ASSOCIATION FICTIVE UNE", "ASSOCIATION FICTIVE DEUX"],
        "seconde",
    );
    assert!(live.refresh().unwrap());
    let new = live.current().unwrap();
    assert_eq!(new.meta().description, "seconde");
    assert_eq!(new.actors(), 2);
    // A request that took the old snapshot before the swap still reads the old file.
    assert_eq!(old.actors(), 1);
    assert_eq!(*old.search("fictive"), vec![1]);
    assert_ne!(old.generation(), new.generation());
    assert_eq!(old.rows(&[1]).unwrap()[0].name, "ASSOCIATION FICTIVE UNE");
}

#[test]
fn live_watches_the_folder_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let live = Live::open(dir.path(), Duration::from_millis(50), move |e| {
        let _ = tx.lock().unwrap().send(format!("{e:?}"));
    })
    .unwrap();
    build(dir.path(), &["ASSOCIATION FICTIVE UNE"], "première");
    let event = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(event.contains("Swapped"), "{event}");
    assert_eq!(live.current().unwrap().actors(), 1);
}
