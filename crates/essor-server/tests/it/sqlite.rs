//! The SQLite snapshot of `essor ingest` behind the store seam: on the SIRENE fixtures, a
//! server over the snapshot answers every API call, tile, facet, export and pack exactly as a
//! server over the memory store filled from the same run; a new snapshot written into the
//! folder is served without a restart while the old one finishes what it started.

use crate::support::{FIXTURE_HIDDEN_SIRET, FIXTURES, TILLEULS_SIRET, TestApp};
use essor_app::store::ActorStore;
use geozero::mvt::{Message, Tile};

/// API calls whose answers must be identical (JSON) from both backends.
const SAME_JSON: &[&str] = &[
    "/api/v1/actors?per_page=100",
    "/api/v1/actors?per_page=7&page=3",
    "/api/v1/actors?family=cooperative,mutuelle&per_page=100",
    "/api/v1/actors?band=in,300&employer=true&per_page=100",
    "/api/v1/actors?sector=action_sociale&per_page=100",
    "/api/v1/actors?territory=qpv:QP093028&per_page=100",
    "/api/v1/actors?territory=commune:75056&per_page=100",
    "/api/v1/actors?territory=epci:200054781&per_page=100",
    "/api/v1/actors?territory=departement:971&per_page=100",
    "/api/v1/actors?territory=region:11&family=association&per_page=100",
    "/api/v1/actors?bbox=2.33,48.90,2.40,48.94&per_page=100",
    "/api/v1/actors?territory=qpv:QP000000",
    "/api/v1/actors?per_page=1&facets=true",
    "/api/v1/actors?per_page=1&facets=true&family=association&band=in",
    "/api/v1/actors?per_page=1&facets=true&territory=commune:93066&sector=autres",
    "/api/v1/territories/commune/93066",
    "/api/v1/territories/qpv/QP093028",
    "/api/v1/territories/qpv_500m/QP093028",
    "/api/v1/territories/france/FR",
    "/api/v1/territories/epci/200054781",
];

/// Full-text searches: the same actors (the snapshot orders them by relevance).
const SAME_SEARCH: &[&str] = &[
    "fictive",
    "FICTIVES",
    "regie quartier",
    "tilleul",
    "mutuelle assur",
    "Saint-Denis",
    "action sociale",
    "de la",
];

fn sirets(v: &serde_json::Value) -> Vec<String> {
    let mut s: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["siret"].as_str().unwrap().to_owned())
        .collect();
    s.sort();
    s
}

/// The features of an actors tile: count and position (tile units), sorted.
fn features(bytes: &[u8]) -> Vec<(u64, Vec<u32>, usize)> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let tile = Tile::decode(bytes).unwrap();
    let layer = &tile.layers[0];
    let mut out: Vec<_> = layer
        .features
        .iter()
        .map(|f| {
            let count = layer.values[f.tags[1] as usize].uint_value.unwrap();
            (count, f.geometry.clone(), f.tags.len())
        })
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sqlite_store_answers_as_the_memory_store() {
    let dir = tempfile::tempdir().unwrap();
    let memory = TestApp::fixtures().await;
    let (sqlite, _store) = TestApp::fixtures_sqlite(dir.path()).await;

    for path in SAME_JSON {
        let (a, x) = memory.json(path).await;
        let (b, y) = sqlite.json(path).await;
        assert_eq!((a, &x), (b, &y), "{path}");
    }
    let (_, all) = sqlite.json("/api/v1/actors?per_page=100").await;
    assert_eq!(all["total"], 78);
    assert!(all["data"]["loaded"].as_bool().unwrap());

    for q in SAME_SEARCH {
        let path = format!(
            "/api/v1/actors?per_page=100&q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let (_, x) = memory.json(&path).await;
        let (_, y) = sqlite.json(&path).await;
        assert_eq!(x["total"], y["total"], "{q}");
        assert_eq!(sirets(&x), sirets(&y), "{q}");
        // With the facets (one seam call, one walk of the selection), then again (the
        // snapshot keeps the selection's size and facets): the same counts as the memory
        // store's scan.
        for filter in ["", "&family=association", "&band=in,300&employer=true"] {
            let path = format!("{path}&facets=true{filter}");
            let (_, x) = memory.json(&path).await;
            for _ in 0..2 {
                let (_, y) = sqlite.json(&path).await;
                assert_eq!(x["total"], y["total"], "{path}");
                assert_eq!(x["facets"], y["facets"], "{path}");
                assert_eq!(sirets(&x), sirets(&y), "{path}");
            }
        }
    }
    let (_, regie) = sqlite.json("/api/v1/actors?q=tilleuls").await;
    assert!(regie["total"].as_u64().unwrap() >= 1);

    for path in [
        format!("/api/v1/actors/{TILLEULS_SIRET}"),
        format!("/api/v1/actors/{FIXTURE_HIDDEN_SIRET}"),
        "/api/v1/actors/99900099900099".to_owned(),
    ] {
        let (a, x) = memory.json(&path).await;
        let (b, y) = sqlite.json(&path).await;
        assert_eq!((a, x), (b, y), "{path}");
    }
    let (status, _) = sqlite
        .json(&format!("/api/v1/actors/{FIXTURE_HIDDEN_SIRET}"))
        .await;
    assert_eq!(status, 404, "a non-diffusible establishment is unknown");

    for format in ["csv", "geojson"] {
        for filter in ["", "&family=association", "&q=fictive&band=in"] {
            let path = format!("/api/v1/actors?format={format}{filter}");
            let (_, x) = memory.text(&path).await;
            let (_, y) = sqlite.text(&path).await;
            if filter.contains("q=") && format == "csv" {
                let mut x: Vec<&str> = x.lines().collect();
                let mut y: Vec<&str> = y.lines().collect();
                x.sort();
                y.sort();
                assert_eq!(x, y, "{path}");
            } else if filter.contains("q=") {
                let features = |s: &str| {
                    let v: serde_json::Value = serde_json::from_str(s).unwrap();
                    let mut f: Vec<String> = v["features"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    f.sort();
                    f
                };
                assert_eq!(features(&x), features(&y), "{path}");
            } else {
                assert_eq!(x, y, "{path}");
            }
        }
    }

    // Tiles at every kind of zoom: France, département, city, street.
    for (z, x, y) in [
        (0, 0, 0),
        (5, 16, 11),
        (9, 259, 176),
        (12, 2075, 1408),
        (14, 8302, 5634),
        (16, 33209, 22537),
    ] {
        for filter in ["", "?family=association", "?band=in&employer=true"] {
            let path = format!("/tiles/actors/{z}/{x}/{y}.mvt{filter}");
            let a = memory.get(&path).await.bytes().await.unwrap();
            let b = sqlite.get(&path).await.bytes().await.unwrap();
            assert_eq!(features(&a), features(&b), "{path}");
        }
    }
    let france = sqlite
        .get("/tiles/actors/5/16/11.mvt")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(!features(&france).is_empty());

    // The diagnostic pack of a territory, byte for byte.
    for path in [
        "/api/v1/territories/epci/200054781/report.html",
        "/api/v1/territories/qpv/QP093028/actors.geojson",
        "/api/v1/territories/commune/75056/indicators.csv",
    ] {
        let (_, x) = memory.text(path).await;
        let (_, y) = sqlite.text(path).await;
        assert!(x == y, "{path} differs");
    }
    // Pages render from the snapshot.
    for path in [
        "/annuaire?q=fictive&family=association&family=cooperative",
        "/territoires/commune/93066",
        &format!("/acteurs/{TILLEULS_SIRET}"),
    ] {
        let (status, html) = sqlite.text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("FICTIVE") || html.contains("Saint-Denis"),
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_ingest_is_served_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (app, store) = TestApp::fixtures_sqlite(dir.path()).await;
    let (_, before) = app.json("/api/v1/status").await;
    assert_eq!(before["data"]["actors"], 78);

    // A second ingest into the same folder: only the actors of Saint-Denis this time.
    let f = &*FIXTURES;
    let mut d = essor_observatory::diagnose(
        &f.inputs,
        &crate::support::EMBEDDED.index,
        &essor_observatory::ActorScope::Territory(
            essor_model::TerritoryLevel::Commune,
            "93066".into(),
        ),
        &(),
    )
    .unwrap();
    d.actors.retain(|a| a.commune.as_deref() == Some("93066"));
    let kept = d.actors.len() as u64;
    assert!(kept > 0 && kept < 78);
    // A territory page is kept rendered for the snapshot it was made from.
    let territory = "/territoires/commune/93066";
    let (_, first) = app.text(territory).await;
    assert!(!first.contains("monstration"));
    // So is its diagnostic report (issue 11, point 9: made once per generation).
    // Paris: its actors are not in the second ingest, so its report changes.
    let report = "/territoires/commune/75056/dossier";
    let (status, first_report) = app.text(report).await;
    assert_eq!(status, 200);
    assert_eq!(app.text(report).await.1, first_report, "the kept report");
    let generation = store.generation();
    essor_app::store::sqlite::write_snapshot(
        dir.path(),
        &d,
        &f.rows,
        crate::support::EMBEDDED.index.layer(),
        &f.inputs,
        "second passage",
        true,
    )
    .unwrap();
    // The server still answers from the old snapshot until it looks at the folder (its
    // watcher does not tick during tests)…
    let (_, still) = app.json("/api/v1/status").await;
    assert_eq!(still["data"]["actors"], 78);
    assert_eq!(store.generation(), generation);
    // …and from the new one as soon as it has looked.
    assert!(store.refresh().unwrap(), "the new snapshot is swapped in");
    let (_, now) = app.json("/api/v1/status").await;
    assert_eq!(now["data"]["actors"], kept);
    assert_eq!(now["data"]["synthetic"], true);
    assert_ne!(store.generation(), generation);
    let (_, new_report) = app.text(report).await;
    assert_ne!(
        new_report, first_report,
        "the report kept for the old snapshot is not served for the new one"
    );
    let (_, again) = app.text(territory).await;
    assert!(
        again.contains("monstration"),
        "the page kept for the old snapshot is not served for the new one"
    );
    let (_, page) = app.text("/").await;
    assert!(
        page.contains("monstration"),
        "synthetic data carry the banner"
    );
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".essor"))
        .collect();
    assert!(files.is_empty(), "no temporary file left: {files:?}");
}
