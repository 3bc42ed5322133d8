//! Finding a territory (issue 12, point 1): the search API, the pages without JavaScript,
//! the friendly addresses, the filters that take names, and the lists that link a territory
//! to its children and neighbours.

use crate::support::TestApp;

/// A client that shows redirections instead of following them.
fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn location(app: &TestApp, path: &str) -> (u16, String) {
    let res = no_redirect().get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let to = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to)
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_rennes_suggests_the_commune_its_metropole_and_its_qpv_with_their_boxes() {
    let app = TestApp::empty().await;
    let (status, body) = app
        .json("/api/v1/territories/search?q=rennes&limit=12")
        .await;
    assert_eq!(status, 200);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items[0]["level"], "commune");
    assert_eq!(items[0]["code"], "35238");
    assert_eq!(items[0]["matched"], "name");
    assert_eq!(items[0]["value"], "Rennes (35238)");
    assert_eq!(items[0]["href"], "/territoires/commune/35238");
    assert_eq!(items[0]["context"], "Ille-et-Vilaine (35)");
    // Rennes lies around 1.68° W, 48.11° N.
    let b: Vec<f64> = items[0]["bbox"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        b[0] < -1.68 && b[2] > -1.68 && b[1] < 48.11 && b[3] > 48.11,
        "{b:?}"
    );
    assert_eq!(items[1]["code"], "243500139");
    assert_eq!(items[1]["level_label"], "EPCI");
    assert!(
        items
            .iter()
            .any(|i| i["level"] == "qpv" && i["matched"] == "place" && i["bbox"].is_array()),
        "{items:?}"
    );
    // Accents and case do not matter; a postcode and a code are found; a level narrows.
    let (_, body) = app
        .json("/api/v1/territories/search?q=SAINT-%C3%89TIENNE&level=commune&limit=1")
        .await;
    assert_eq!(body["items"][0]["code"], "42218");
    let (_, body) = app.json("/api/v1/territories/search?q=93200").await;
    assert_eq!(body["items"][0]["code"], "93066");
    assert_eq!(body["items"][0]["matched"], "postcode");
    let (_, body) = app.json("/api/v1/territories/search?q=qp093028").await;
    assert_eq!(body["items"][0]["code"], "QP093028");
    let (_, body) = app.json("/api/v1/territories/search?q=zzzzqx").await;
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_search_without_words_or_with_a_bad_level_gets_a_french_400() {
    let app = TestApp::empty().await;
    for (path, parameter, fragment) in [
        ("/api/v1/territories/search", "q", "ex. q=rennes"),
        ("/api/v1/territories/search?q=%20", "q", "ex. q=rennes"),
        (
            "/api/v1/territories/search?q=rennes&level=canton",
            "level",
            "niveaux",
        ),
        (
            "/api/v1/territories/search?q=rennes&limit=0",
            "limit",
            "entre 1 et 50",
        ),
    ] {
        let (status, body) = app.json(path).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["parameter"], parameter, "{path}");
        assert!(
            body["detail"].as_str().unwrap().contains(fragment),
            "{path}: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn friendly_addresses_redirect_to_the_code_and_namesakes_get_a_choice_page() {
    let app = TestApp::empty().await;
    for (path, to) in [
        ("/territoires/commune/Rennes", "/territoires/commune/35238"),
        ("/territoires/commune/rennes", "/territoires/commune/35238"),
        (
            "/territoires/departement/ille-et-vilaine",
            "/territoires/departement/35",
        ),
        (
            "/territoires/departement/Seine-Saint-Denis",
            "/territoires/departement/93",
        ),
        ("/territoires/qpv/qp093028", "/territoires/qpv/QP093028"),
        (
            "/territoires/Rennes%20M%C3%A9tropole",
            "/territoires/epci/243500139",
        ),
        ("/territoires?q=35238", "/territoires/commune/35238"),
        (
            "/territoires?q=commune%3A93066",
            "/territoires/commune/93066",
        ),
        ("/territoires/zzzzqx", "/territoires?q=zzzzqx"),
    ] {
        assert_eq!(location(&app, path).await, (303, to.to_owned()), "{path}");
    }
    let (status, html) = app.text("/territoires/commune/Saint-Denis").await;
    assert_eq!(status, 300);
    assert!(html.contains("lequel cherchez-vous"));
    assert!(html.contains(r#"href="/territoires/commune/93066""#));
    assert!(html.contains(r#"href="/territoires/commune/97411""#));
    // A typo still 404s, with the closest names when there are some.
    let (status, _) = app.text("/territoires/commune/Zzzzqx").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_search_page_works_without_javascript() {
    let app = TestApp::empty().await;
    let (status, html) = app.text("/territoires?q=rennes").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<a href="/territoires/commune/35238">Rennes</a>"#));
    assert!(html.contains(r#"<a href="/territoires/epci/243500139">Rennes Métropole</a>"#));
    assert!(
        html.contains(r#"action="/territoires""#),
        "the header's form"
    );
    let (_, html) = app.text("/territoires").await;
    assert!(html.contains(r#"href="/territoires/region/53">Bretagne</a>"#));
    let (_, html) = app.text("/territoires?q=zzzzqx").await;
    assert!(html.contains("Aucun territoire ne correspond"));
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_take_names_and_list_the_namesakes_in_french() {
    let app = TestApp::fixtures().await;
    let (_, by_code) = app
        .json("/api/v1/actors?territory=commune:93066&per_page=1")
        .await;
    assert!(by_code["total"].as_u64().unwrap() > 0, "{by_code}");
    for name in [
        "Saint-Denis%20(93066)",
        "93200",
        "commune:Saint-Denis",
        "93066",
    ] {
        let (status, body) = app
            .json(&format!("/api/v1/actors?territory={name}&per_page=1"))
            .await;
        if name == "commune:Saint-Denis" {
            // A name at a level that several communes bear stays unresolved: nothing found.
            assert_eq!(status, 200);
            continue;
        }
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["total"], by_code["total"], "{name}");
    }
    let (status, body) = app.json("/api/v1/actors?territory=Saint-Denis").await;
    assert_eq!(status, 400);
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("désigne"), "{detail}");
    assert!(
        detail.contains("« Saint-Denis (93066), commune, Seine-Saint-Denis (93) »"),
        "{detail}"
    );
    assert!(detail.contains("Saint-Denis (97411)"), "{detail}");
    // The directory shows the same choice as links that keep the rest of the selection.
    let (status, html) = app.text("/annuaire?q=fictive&territory=Saint-Denis").await;
    assert_eq!(status, 400);
    assert!(html.contains(r#"id="choix-territoire""#));
    assert!(
        html.contains("/annuaire?q=fictive&#38;territory=Saint-Denis+%2893066%29"),
        "{html}"
    );
    // A territory given by code is shown by name.
    let (_, html) = app.text("/annuaire?territory=commune:93066").await;
    assert!(html.contains(r#"value="Saint-Denis (93066)""#));
}

#[tokio::test(flavor = "multi_thread")]
async fn territory_pages_link_down_to_their_children_and_across_to_their_neighbours() {
    let app = TestApp::empty().await;
    let (_, france) = app.text("/territoires/france/FR").await;
    assert!(france.contains("Ses 18 régions"));
    assert!(france.contains(r#"<a href="/territoires/region/53">Bretagne</a>"#));
    let (_, region) = app.text("/territoires/region/53").await;
    assert!(region.contains(r#"<a href="/territoires/departement/35">Ille-et-Vilaine</a>"#));
    let (_, departement) = app.text("/territoires/departement/35").await;
    assert!(departement.contains(r#"<a href="/territoires/epci/243500139">Rennes Métropole</a>"#));
    assert!(departement.contains("Les autres départements de Bretagne"));
    let (_, epci) = app.text("/territoires/epci/243500139").await;
    assert!(epci.contains("Ses 43 communes"));
    assert!(epci.contains(r#"<a href="/territoires/commune/35238">Rennes</a>"#));
    let (_, commune) = app.text("/territoires/commune/35238").await;
    assert!(commune.contains("Les autres communes de Rennes Métropole"));
    assert!(
        commune.contains(r#"href="/territoires/commune/35051""#),
        "Cesson-Sévigné"
    );
    assert!(commune.contains(r#"href="/carte?territoire=commune:35238"#));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_home_page_offers_the_three_paths_and_the_map_moved_to_carte() {
    let app = TestApp::empty().await;
    let (status, home) = app.text("/").await;
    assert_eq!(status, 200);
    for fragment in [
        r#"id="chemin-territoire""#,
        r#"id="chemin-acteurs""#,
        r#"id="chemin-orientation""#,
        r#"href="/orientation""#,
        r#"action="/annuaire""#,
        r#"href="/carte""#,
        r#"href="/territoires/region/11">Île-de-France</a>"#,
    ] {
        assert!(home.contains(fragment), "{fragment}");
    }
    let (status, map) = app.text("/carte").await;
    assert_eq!(status, 200);
    assert!(map.contains(r#"id="carte""#));
    assert!(map.contains(r#"data-territoires="champ""#));
}

/// In Chromium: typing « rennes » on the home page suggests Rennes, Rennes Métropole and
/// the QPV of Rennes; the keyboard chooses; on the map, choosing a territory frames the map
/// on it; without JavaScript the same form lists the territories and leads to the page.
#[tokio::test(flavor = "multi_thread")]
async fn suggestions_as_one_types_frame_the_map_and_the_form_works_without_javascript() {
    use crate::browser::{ACCESSIBILITY_CHECKS, Browser};
    use fantoccini::Locator;
    use fantoccini::key::Key;
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/")).await;
    let field = c.find(Locator::Id("accueil-q")).await.unwrap();
    field.send_keys("rennes").await.unwrap();
    browser
        .wait_until(
            "document.querySelectorAll('#suggestions-accueil-q li').length >= 3",
            "the suggestions for « rennes »",
        )
        .await;
    let texts = c
        .execute(
            "return [...document.querySelectorAll('#suggestions-accueil-q li')].map(li => li.textContent);",
            vec![],
        )
        .await
        .unwrap();
    let texts: Vec<String> = texts
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    assert!(texts[0].starts_with("RennesCommune"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t.starts_with("Rennes MétropoleEPCI")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("Quartier prioritaire")),
        "{texts:?}"
    );
    assert_eq!(
        field.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    browser.screenshot("territoires-suggestions.png").await;
    let problems = c.execute(ACCESSIBILITY_CHECKS, vec![]).await.unwrap();
    assert_eq!(problems, serde_json::json!([]), "with the suggestions open");
    assert_eq!(
        browser.axe_violations().await,
        Vec::<String>::new(),
        "/ with the suggestions open"
    );
    field
        .send_keys(&format!(
            "{}{}",
            char::from(Key::Down),
            char::from(Key::Enter)
        ))
        .await
        .unwrap();
    browser
        .wait_until(
            "location.pathname === '/territoires/commune/35238' && document.getElementById('pied')",
            "the page of Rennes",
        )
        .await;

    // axe-core's WCAG 2.1 AA rules on the pages of the search.
    for path in [
        "/territoires",
        "/territoires?q=rennes",
        "/territoires/commune/Saint-Denis",
    ] {
        browser.open(&app.url(path)).await;
        assert_eq!(
            browser.axe_violations().await,
            Vec::<String>::new(),
            "{path}"
        );
    }

    // The map: choosing a territory frames it.
    browser.open(&app.url("/carte")).await;
    browser
        .wait_until("document.body.dataset.carte === 'prete'", "the map")
        .await;
    browser.type_into("territoire", "Rennes").await;
    browser
        .wait_until(
            "document.querySelector('#suggestions-territoire li[data-code=\"35238\"]')",
            "Rennes among the map filter's suggestions",
        )
        .await;
    c.execute(
        "document.querySelector('#suggestions-territoire li[data-code=\"35238\"]').dispatchEvent(new MouseEvent('mousedown', {bubbles: true, cancelable: true}));",
        vec![],
    )
    .await
    .unwrap();
    browser
        .wait_until(
            "(() => { const c = window.essorMap.getCenter(); return Math.abs(c.lng + 1.68) < 0.1 && Math.abs(c.lat - 48.11) < 0.1 && window.essorMap.getZoom() > 10; })()",
            "the map framed on Rennes",
        )
        .await;
    let value = c
        .find(Locator::Id("territoire"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("Rennes (35238)"));
    browser
        .wait_until(
            "new URL(location.href).searchParams.get('territoire') === 'Rennes (35238)'",
            "the filter in the address",
        )
        .await;
    browser.screenshot("carte-cadree-rennes.png").await;
    browser.close().await;

    let Some(browser) = Browser::start_without_javascript().await else {
        return;
    };
    browser.open(&app.url("/")).await;
    browser.type_into("accueil-q", "rennes").await;
    browser
        .click("#accueil-territoire button[type=submit]")
        .await;
    browser
        .wait_until(
            "location.pathname === '/territoires' && document.getElementById('resultats-territoires')",
            "the results page",
        )
        .await;
    browser
        .click("#resultats-territoires a[href='/territoires/epci/243500139']")
        .await;
    browser
        .wait_until(
            "location.pathname === '/territoires/epci/243500139' && document.getElementById('enfants')",
            "the page of Rennes Métropole with its communes",
        )
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_territory_page_says_its_perimeter_its_replaced_geography_and_the_years_of_its_job_estimates()
 {
    // Issue 14, points 1 to 3.
    let app = TestApp::fixtures().await;
    let (status, html) = app.text("/territoires/commune/93066").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"id="perimetre">Périmètre de l'ESS de ces chiffres : périmètre Sirene"#),
        "{html}"
    );
    assert!(html.contains(r#"id="bandeau-geographie-2015""#));
    assert!(html.contains("géographie 2015, remplacée depuis le 1er janvier 2024"));
    assert!(html.contains(r#"<h2 id="millesimes">Sur quoi reposent les emplois estimés</h2>"#));
    assert!(html.contains(r#"<tr><th scope="row">2023</th>"#), "{html}");
    assert!(html.contains("Part de l'ESS dans l'emploi (estimation)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_2024_qpv_counted_from_plg_qp24_has_its_page_without_an_outline() {
    // Issue 14, point 3: the served layer is the 2015 one; the 2024 QPV is known by the
    // embedded list and its figures by `plg_qp24`.
    let mut inputs = crate::support::fixture_inputs();
    inputs.geoloc = Some(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/sirene/GeolocalisationEtablissement_qp24_synthetique.csv"),
    );
    let index = &crate::support::EMBEDDED.index;
    let d = essor_observatory::diagnose(&inputs, index, &essor_observatory::ActorScope::All, &())
        .unwrap();
    let rows = essor_observatory::rows(&d, index.layer());
    let store = essor_app::store::MemoryStore::from_run(
        &d,
        &rows,
        index.layer(),
        &inputs,
        "fichiers SIRENE fictifs de test",
        false,
    );
    let app = TestApp::with_store(store).await;
    let (status, html) = app.text("/territoires/qpv/QN09328M").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Franc Moisin - Cosmonautes - Cristino Garcia - Landy"));
    assert!(html.contains("QPV 2024 (géographie en vigueur)"));
    assert!(html.contains("Contour</dt><dd>non disponible"), "{html}");
    assert!(
        !html.contains("id=\"carte-territoire\""),
        "no map without polygons"
    );
    assert!(
        html.contains("Ensemble des QPV 2024"),
        "compared with all 2024 QPV"
    );
    let (status, json) = app.json("/api/v1/territories/qpv/QN09328M").await;
    assert_eq!(status, 200);
    assert_eq!(json["indicators"]["ess_jobs"], 259.0);
    assert_eq!(json["perimeter"], "sirene");
    assert_eq!(json["qpv_geography"], "QPV 2015");
    assert!(
        json["qpv_geography_note"]
            .as_str()
            .unwrap()
            .contains("remplacée depuis le 1er janvier 2024")
    );
    let (status, _) = app.text("/territoires/qpv/QN99999Z").await;
    assert_eq!(status, 404);
}
