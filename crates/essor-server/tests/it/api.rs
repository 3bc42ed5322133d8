//! The API contract of issue 4 against a real server on loopback.

use crate::support::{HIDDEN_SIRET, REGIE_SIRET, TestApp};
use essor_app::store::{Actor, Diffusion, MemoryStore};

#[tokio::test(flavor = "multi_thread")]
async fn locate_puts_lon_2_381534449_lat_48_917712167_inside_qp093028() {
    let app = TestApp::empty().await;
    let (status, body) = app
        .json("/api/v1/locate?lon=2.381534449&lat=48.917712167")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["qpv_code"], "QP093028");
    assert_eq!(body["nearest_qpv_code"], "QP093028");
    assert_eq!(body["distance_m"], 0.0);
    assert_eq!(body["band"], "in");
    assert_eq!(body["territory"], "France métropolitaine");
}

#[tokio::test(flavor = "multi_thread")]
async fn locate_outside_a_qpv_gives_the_nearest_one_its_distance_and_band() {
    let app = TestApp::empty().await;
    // Place de la Concorde, Paris: no QPV within a kilometre.
    let (status, body) = app.json("/api/v1/locate?lon=2.3213&lat=48.8656").await;
    assert_eq!(status, 200);
    assert!(body["qpv_code"].is_null());
    assert!(
        body["nearest_qpv_code"]
            .as_str()
            .unwrap()
            .starts_with("QP075")
    );
    assert!(body["distance_m"].as_f64().unwrap() > 1000.0);
    assert_eq!(body["band"], "out");
    // Custom bands, as `essor locate --bands`.
    let (_, body) = app
        .json("/api/v1/locate?lon=2.3213&lat=48.8656&bands=5000")
        .await;
    assert_eq!(body["band"], "5000");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_or_missing_or_faraway_coordinates_give_400_with_a_french_message() {
    let app = TestApp::empty().await;
    for (query, parameter, fragment) in [
        ("lat=48.9", "lon", "paramètre « lon » manquant"),
        ("lon=abc&lat=48.9", "lon", "« abc » n'est pas un nombre"),
        ("lon=2.38&lat=123", "lat", "hors de [-90, 90]"),
        (
            "lon=-40&lat=48.9",
            "lon/lat",
            "hors des territoires pris en charge",
        ),
        ("lon=2.38&lat=48.9&bands=0", "bands", "seuils de distance"),
    ] {
        let (status, body) = app.json(&format!("/api/v1/locate?{query}")).await;
        assert_eq!(status, 400, "{query}");
        let error = &body["errors"][0];
        assert_eq!(error["code"], "bad_parameter");
        assert_eq!(error["parameter"], parameter, "{query}");
        let detail = error["detail"].as_str().unwrap();
        assert!(detail.contains(fragment), "{query}: {detail}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bbox_around_saint_denis_returns_qp093028_as_geojson() {
    let app = TestApp::empty().await;
    let res = app.get("/api/v1/qpv?bbox=2.33,48.90,2.40,48.94").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/geo+json");
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["type"], "FeatureCollection");
    let features = body["features"].as_array().unwrap();
    let franc_moisin = features
        .iter()
        .find(|f| f["properties"]["code"] == "QP093028")
        .expect("QP093028 in the box");
    assert_eq!(
        franc_moisin["properties"]["name"],
        "Franc Moisin - Cosmonautes - Cristino Garcia - Landy"
    );
    // Back in WGS84: the first vertex is near Saint-Denis.
    let first = &franc_moisin["geometry"]["coordinates"][0][0][0];
    let (lon, lat) = (first[0].as_f64().unwrap(), first[1].as_f64().unwrap());
    assert!(
        (2.3..2.45).contains(&lon) && (48.88..48.95).contains(&lat),
        "{lon} {lat}"
    );
    // Every feature meets the box; nothing from elsewhere.
    assert!(features.len() < 60, "{} features", features.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_coarser_zoom_gives_fewer_vertices() {
    let app = TestApp::empty().await;
    let count = |v: &serde_json::Value| v.to_string().matches('[').count();
    let (_, fine) = app
        .json("/api/v1/qpv?bbox=2.33,48.90,2.40,48.94&zoom=22")
        .await;
    let (_, coarse) = app
        .json("/api/v1/qpv?bbox=2.33,48.90,2.40,48.94&zoom=10")
        .await;
    assert!(
        count(&coarse) * 2 < count(&fine),
        "{} vs {}",
        count(&coarse),
        count(&fine)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_bbox_or_zoom_gives_400_with_a_french_message() {
    let app = TestApp::empty().await;
    for (query, fragment) in [
        ("", "paramètre « bbox » manquant"),
        ("bbox=1,2,3", "quatre nombres"),
        (
            "bbox=2.40,48.90,2.33,48.94",
            "le minimum doit précéder le maximum",
        ),
        ("bbox=2.33,48.90,2.40,48.94&zoom=30", "entier entre 0 et 22"),
    ] {
        let (status, body) = app.json(&format!("/api/v1/qpv?{query}")).await;
        assert_eq!(status, 400, "{query}");
        let detail = body["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.contains(fragment), "{query}: {detail}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_qpv_by_code_and_an_unknown_code_gives_404_in_french() {
    let app = TestApp::empty().await;
    let (status, body) = app.json("/api/v1/qpv/QP093028").await;
    assert_eq!(status, 200);
    assert_eq!(body["properties"]["code"], "QP093028");
    let (status, body) = app.json("/api/v1/qpv/QP999999").await;
    assert_eq!(status, 404);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("QPV « QP999999 » inconnu")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn vector_tiles_hold_qp093028_over_saint_denis_and_refuse_bad_addresses() {
    let app = TestApp::empty().await;
    let res = app.get("/tiles/qpv/12/2075/1408.mvt").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.windows(8).any(|w| w == b"QP093028"));
    let res = app.get("/tiles/communes/12/2075/1408.mvt").await;
    let bytes = res.bytes().await.unwrap();
    // The tile south-east of Saint-Denis town hall: Aubervilliers, which shares QP093028.
    assert!(bytes.windows(13).any(|w| w == b"Aubervilliers"));
    assert_eq!(app.get("/tiles/qpv/3/9/0.mvt").await.status(), 400);
    assert_eq!(app.get("/tiles/nowhere/3/1/1.mvt").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_data_actors_are_an_empty_page_and_an_actor_is_404() {
    let app = TestApp::empty().await;
    let (status, body) = app.json("/api/v1/actors?bbox=2.33,48.90,2.40,48.94").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 0);
    assert_eq!(body["data"]["loaded"], false);
    let (status, body) = app.json(&format!("/api/v1/actors/{REGIE_SIRET}")).await;
    assert_eq!(status, 404);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("aucun établissement diffusible")
    );
    let (status, _) = app.json("/api/v1/actors/123").await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partially_diffusible_unit_never_leaves_the_server() {
    let app = TestApp::demo().await;
    let (status, _) = app.json(&format!("/api/v1/actors/{HIDDEN_SIRET}")).await;
    assert_eq!(status, 404);
    let (_, page) = app.json("/api/v1/actors?per_page=100").await;
    assert_eq!(page["total"], 1);
    for format in ["csv", "geojson"] {
        let body = app
            .get(&format!("/api/v1/actors?format={format}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(body.contains(REGIE_SIRET), "{format}");
        assert!(!body.contains(HIDDEN_SIRET), "{format}");
    }
    let page = app.get(&format!("/acteurs/{HIDDEN_SIRET}")).await;
    assert_eq!(page.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn actors_filter_page_and_export_the_selection() {
    let app = TestApp::demo().await;
    let (_, body) = app
        .json("/api/v1/actors?q=regie&family=association&band=in,300&territory=qpv:QP093028")
        .await;
    assert_eq!(body["total"], 1);
    assert_eq!(body["items"][0]["siret"], REGIE_SIRET);
    assert_eq!(body["items"][0]["url"], format!("/acteurs/{REGIE_SIRET}"));
    assert!(body["links"]["next"].is_null());
    let (_, body) = app.json("/api/v1/actors?family=fondation").await;
    assert_eq!(body["total"], 0);
    let (status, body) = app.json("/api/v1/actors?territory=qpv").await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("NIVEAU:CODE"),
        "{body}"
    );
    let csv = app
        .get("/api/v1/actors?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("siret,name,legal_family"));
    assert_eq!(csv.lines().count(), 2);
    let geojson: serde_json::Value = app
        .get("/api/v1/actors?format=geojson")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(geojson["features"][0]["geometry"]["coordinates"][0], 2.3815);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_territory_has_its_name_and_the_store_s_indicators() {
    let app = TestApp::demo().await;
    let (status, body) = app.json("/api/v1/territories/qpv/QP093028").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["name"],
        "Franc Moisin - Cosmonautes - Cristino Garcia - Landy"
    );
    assert_eq!(body["indicators"]["ess_employer_establishments"], 12);
    assert!(
        body["indicators"]["ess_employer_establishments"].is_u64(),
        "counts are integers"
    );
    assert_eq!(body["indicators"]["ess_jobs_share"], 0.134);
    assert_eq!(body["data"]["synthetic"], true);
    let (status, body) = app.json("/api/v1/territories/epci/200054781").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Métropole du Grand Paris");
    assert_eq!(body["indicators"], serde_json::json!({}));
    let (status, _) = app.json("/api/v1/territories/commune/99999").await;
    assert_eq!(status, 404);
    let (status, body) = app.json("/api/v1/territories/canton/1").await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("niveau « canton » inconnu")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_answer_in_french_with_404s_for_unknown_territories_and_actors() {
    let app = TestApp::demo().await;
    let page = app.get("/territoires/qpv/QP093028").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Franc Moisin"));
    assert!(
        html.contains("bandeau-demonstration"),
        "synthetic data show the banner"
    );
    // A store that has only two figures: they are shown, the others are "non publié".
    assert!(
        html.contains("<p class=\"essor-chiffre__valeur\">12</p>"),
        "{html}"
    );
    assert!(html.contains("13,4\u{a0}%") && html.contains("non publié"));
    let html = app
        .get(&format!("/acteurs/{REGIE_SIRET}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Régie de quartier de démonstration"));
    assert!(html.contains(r#""@type":"Organization""#));
    for path in [
        "/territoires/qpv/QP999999",
        "/territoires/canton/1",
        "/acteurs/12345678901234",
        "/nulle-part",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status(), 404, "{path}");
        assert!(
            page.text().await.unwrap().contains("Page introuvable"),
            "{path}"
        );
    }
    let empty = TestApp::empty().await;
    let html = empty.get("/").await.text().await.unwrap();
    assert!(
        !html.contains("bandeau-demonstration"),
        "real or no data: no banner"
    );
    assert!(html.contains("Aucune donnée d'acteurs n'est chargée"));
}

#[tokio::test(flavor = "multi_thread")]
async fn vendored_assets_are_served_from_the_binary() {
    let app = TestApp::empty().await;
    for (path, mime) in [
        ("/assets/vendor/dsfr/dsfr.min.css", "text/css"),
        (
            "/assets/vendor/maplibre-gl/maplibre-gl.mjs",
            "text/javascript",
        ),
        (
            "/assets/vendor/maplibre-gl/maplibre-gl-worker.mjs",
            "text/javascript",
        ),
        (
            "/assets/vendor/dsfr/fonts/Marianne-Regular.woff2",
            "font/woff2",
        ),
        ("/assets/static/map.js", "text/javascript"),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(mime),
            "{path}"
        );
    }
    assert_eq!(app.get("/assets/vendor/fetch.sh").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn actor_tiles_cluster_on_the_server_follow_the_filters_and_hide_p_units() {
    let app = TestApp::demo().await;
    let tile = |q: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&format!("/tiles/actors/12/2075/1408.mvt{q}")).await;
            assert_eq!(res.status(), 200);
            res.bytes().await.unwrap().to_vec()
        }
    };
    let all = tile("").await;
    assert!(all.windows(14).any(|w| w == REGIE_SIRET.as_bytes()));
    assert!(!all.windows(14).any(|w| w == HIDDEN_SIRET.as_bytes()));
    assert!(tile("?family=fondation").await.is_empty());
    assert!(!tile("?family=association&band=in").await.is_empty());
    assert_eq!(
        app.get("/tiles/actors/12/2075/1408.mvt?band=loin")
            .await
            .status(),
        400
    );
    // No data: empty tiles, not errors.
    let empty = TestApp::empty().await;
    let res = empty.get("/tiles/actors/12/2075/1408.mvt").await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_directory_lists_the_selection_and_explains_a_bad_filter_in_french() {
    let app = TestApp::demo().await;
    let html = app
        .get("/annuaire?q=régie&family=association")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/acteurs/{REGIE_SIRET}")));
    assert!(html.contains("format=csv"));
    let res = app.get("/annuaire?band=loin").await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("paramètre « band » : « loin » inconnu")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actor_s_name_never_reaches_a_spreadsheet_as_a_formula() {
    // Issue 11, point 8: `=HYPERLINK(…)` was written verbatim in actor exports.
    let named = |siret: &str, name: &str| {
        Actor::new(
            crate::support::record(siret, name, (2.3815, 48.9177), "in"),
            Diffusion::Diffusible,
        )
        .unwrap()
    };
    let store = MemoryStore::new("jeu de test", true)
        .with_actor(named(
            REGIE_SIRET,
            "=HYPERLINK(\"http://x.invalid\";\"clic\")",
        ))
        .with_actor(named("44306184100047", "Régie, « Le \"Lien\" »"));
    let app = TestApp::with_store(store).await;
    let csv = app
        .get("/api/v1/actors?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = rows.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert!(
        names.contains(&"'=HYPERLINK(\"http://x.invalid\";\"clic\")".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"Régie, « Le \"Lien\" »".to_owned()),
        "{names:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_commercial_ess_family_has_one_spelling_and_the_old_one_is_still_read() {
    // Issue 10: the API wrote `societe_commerciale` for actors and `societe_commerciale_ess`
    // for orientation; answers now use the latter, queries accept both.
    let mut company = crate::support::record(REGIE_SIRET, "SCOP de test", (2.3815, 48.9177), "in");
    company.legal_family = essor_model::legal::LegalFamily::SocieteCommercialeEss;
    let store = MemoryStore::new("jeu de test", true)
        .with_actor(Actor::new(company, Diffusion::Diffusible).unwrap());
    let app = TestApp::with_store(store).await;
    for spelling in ["societe_commerciale_ess", "societe_commerciale"] {
        let (status, body) = app.json(&format!("/api/v1/actors?family={spelling}")).await;
        assert_eq!(status, 200, "{spelling}");
        assert_eq!(body["total"], 1, "{spelling}");
        assert_eq!(
            body["items"][0]["legal_family"], "societe_commerciale_ess",
            "{spelling}"
        );
    }
    let (status, _) = app.json("/api/v1/actors?family=autre").await;
    assert_eq!(status, 400, "only the five families of the ESS are filters");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_favicon_browsers_ask_for_is_served_issue_12() {
    let app = TestApp::empty().await;
    let res = app.get("/favicon.ico").await;
    assert_eq!(res.status(), 200);
    assert!(!res.bytes().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_labels_name_regions_departements_and_large_communes_issue_12() {
    let app = TestApp::empty().await;
    let (status, body) = app.json("/api/v1/map/labels").await;
    assert_eq!(status, 200);
    let labels = body["labels"].as_array().unwrap();
    let rennes = labels
        .iter()
        .find(|l| l["level"] == "commune" && l["code"] == "35238")
        .expect("Rennes");
    assert_eq!(rennes["name"], "Rennes");
    assert!((rennes["lon"].as_f64().unwrap() + 1.67).abs() < 0.05);
    assert!(
        labels
            .iter()
            .any(|l| l["level"] == "region" && l["name"] == "Bretagne")
    );
    assert!(
        labels
            .iter()
            .any(|l| l["level"] == "departement" && l["code"] == "93")
    );
}
