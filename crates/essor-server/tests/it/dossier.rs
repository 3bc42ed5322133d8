//! The territory diagnostic over a real server on loopback, with the SIRENE fixtures run
//! through the observatory into a memory store: the pack the server assembles from its store
//! seam is the pack of `essor diagnose --territory`, byte for byte; the territory, actor and
//! méthodologie pages show the figures in French with where they come from.

use crate::support::{EMBEDDED, FIXTURE_HIDDEN_SIRET, FIXTURES, TILLEULS_SIRET, TestApp, diagnose};
use essor_observatory::pack::{self, PackData};
use essor_observatory::{ActorScope, TerritoryLevel, methodology};

/// The territories whose packs are compared: every level, arrondissements (Paris), a QPV
/// with actors from the geolocation file, a QPV without.
const TERRITORIES: [(TerritoryLevel, &str); 8] = [
    (TerritoryLevel::Qpv, "QP093028"),
    (TerritoryLevel::Qpv, "QP093039"),
    (TerritoryLevel::Commune, "93066"),
    (TerritoryLevel::Commune, "75056"),
    (TerritoryLevel::Epci, "200054781"),
    (TerritoryLevel::Departement, "93"),
    (TerritoryLevel::Region, "11"),
    (TerritoryLevel::France, "FR"),
];

/// What `essor diagnose --territory` writes for a territory (same inputs, same day; the
/// server names its input files without their folders).
fn cli_pack(level: TerritoryLevel, code: &str) -> (pack::Pack, PackData) {
    let (d, rows) = diagnose(ActorScope::Territory(level, code.to_owned()));
    let layer = EMBEDDED.index.layer();
    let methodo = format!(
        "{}\n{}",
        methodology::rules(),
        methodology::run_facts(&d.report, layer, &FIXTURES.inputs.describe_names())
    );
    let data = PackData::from_diagnosis(&d, &rows, layer, level, code).unwrap();
    (
        pack::render(&data, layer, &methodo, &methodology::today()),
        data,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pack_built_from_the_store_is_the_pack_of_essor_diagnose() {
    let app = TestApp::fixtures().await;
    for (level, code) in TERRITORIES {
        let (cli, data) = cli_pack(level, code);
        let base = format!("/api/v1/territories/{}/{code}", level.code());
        let (status, html) = app.text(&format!("{base}/report.html")).await;
        assert_eq!(status, 200, "{level:?} {code}: {html}");
        assert!(
            html == cli.html,
            "{level:?} {code}: the report differs from essor diagnose's"
        );
        let (_, page) = app
            .text(&format!("/territoires/{}/{code}/dossier", level.code()))
            .await;
        assert!(page == cli.html, "{level:?} {code}: /dossier differs");
        let (_, actors) = app.text(&format!("{base}/actors.geojson")).await;
        assert_eq!(
            actors, cli.actors_geojson,
            "{level:?} {code}: actors.geojson"
        );
        let (_, qpv) = app.text(&format!("{base}/qpv.geojson")).await;
        assert_eq!(qpv, cli.qpv_geojson, "{level:?} {code}: qpv.geojson");
        let mut csv = Vec::new();
        essor_observatory::indicators::write_csv(data.rows(), &mut csv).unwrap();
        let (_, served) = app.text(&format!("{base}/indicators.csv")).await;
        assert_eq!(
            served.as_bytes(),
            csv.as_slice(),
            "{level:?} {code}: indicators.csv"
        );
    }
    // QP093028 has actors through the geolocation file; the pack lists them, diffusible only.
    let (_, actors) = app
        .json("/api/v1/territories/qpv/QP093028/actors.geojson")
        .await;
    let sirets: Vec<&str> = actors["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["siret"].as_str().unwrap())
        .collect();
    assert!(sirets.contains(&TILLEULS_SIRET), "{sirets:?}");
    assert!(!sirets.contains(&FIXTURE_HIDDEN_SIRET));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pack_needs_figures_and_a_place() {
    let empty = TestApp::empty().await;
    let (status, body) = empty
        .json("/api/v1/territories/qpv/QP093028/report.html")
        .await;
    assert_eq!(status, 404);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("aucun chiffre pour Franc Moisin"),
        "{body}"
    );
    let (status, html) = empty.text("/territoires/qpv/QP093028/dossier").await;
    assert_eq!(status, 404);
    assert!(html.contains("Aucun chiffre pour Franc Moisin"), "{html}");
    let app = TestApp::fixtures().await;
    let (status, body) = app
        .json("/api/v1/territories/qpv_total/QPV/report.html")
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = app
        .json("/api/v1/territories/commune/99999/indicators.csv")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_groupings_of_indicators_csv_are_territories_of_the_api_but_not_filters() {
    let app = TestApp::fixtures().await;
    let (status, body) = app.json("/api/v1/territories/qpv_total/QPV").await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Ensemble des QPV (QPV 2015)");
    let all_qpv = &FIXTURES.rows[1].tally;
    assert_eq!(body["indicators"]["ess_jobs"], all_qpv.ess_jobs);
    let (status, body) = app.json("/api/v1/territories/qpv_500m/QP093028").await;
    assert_eq!(status, 200);
    assert!(
        body["indicators"]["ess_employer_establishments"]
            .as_u64()
            .is_some()
    );
    let (status, body) = app.json("/api/v1/actors?territory=qpv_total:QPV").await;
    assert_eq!(status, 400);
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("regroupement"),
        "{body}"
    );
    let (status, html) = app.text("/territoires/qpv_total/QPV").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1 id=\"nom-territoire\">Ensemble des QPV (QPV 2015)</h1>"));
}

/// The text of the element with this id (tags dropped), for assertions on pages.
fn element_text(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let open = html[..start].rfind('<').unwrap();
    let tag: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let rest = &html[open..];
    // The matching close tag, counting nested tags of the same name.
    let (mut depth, mut i) = (0usize, 0usize);
    let (o, c) = (format!("<{tag}"), format!("</{tag}>"));
    loop {
        let next_open = rest[i..].find(&o).map(|p| p + i);
        let next_close = rest[i..].find(&c).map(|p| p + i).expect("closed");
        match next_open {
            Some(p) if p < next_close => {
                depth += 1;
                i = p + o.len();
            }
            _ => {
                depth -= 1;
                i = next_close + c.len();
                if depth == 0 {
                    break;
                }
            }
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for ch in rest[..i].chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_qpv_page_gives_its_figures_in_french_against_its_epci_all_qpv_and_france() {
    let app = TestApp::fixtures().await;
    let (status, html) = app.text("/territoires/qpv/QP093028").await;
    assert_eq!(status, 200);
    let table = element_text(&html, "indicateurs");
    // Columns: the QPV, with its 500 m, its EPCI (it spans three communes), all QPV, France.
    assert!(
        table.starts_with(
            "Chiffres de l'ESS de Franc Moisin - Cosmonautes - Cristino Garcia - Landy comparés"
        ),
        "{table}"
    );
    for head in [
        "Ce quartier",
        "Quartier et abords (500 m)",
        "Métropole du Grand Paris",
        "Ensemble des QPV",
        "France",
    ] {
        assert!(table.contains(head), "{head} in {table}");
    }
    // France, worked by hand in tests/fixtures/sirene/README.md: 76 ESS employers,
    // 21 811.5 estimated ESS jobs (rounded half up), 88.6 % of 24 604.5 jobs.
    assert!(table.contains("76"), "{table}");
    assert!(table.contains("21\u{202f}812"), "{table}");
    assert!(table.contains("88,6\u{a0}%"), "{table}");
    // The QPV: three ESS establishments, two employers (12 and 53), 10 034.5 jobs.
    let own = &FIXTURES
        .rows
        .iter()
        .find(|r| r.level == TerritoryLevel::Qpv && r.code == "QP093028")
        .unwrap()
        .tally;
    assert_eq!(
        (own.ess_establishments, own.ess_employer_establishments),
        (3, 2)
    );
    let figures = element_text(&html, "chiffres");
    assert!(
        figures.starts_with(
            "Établissements employeurs de l'ESS 2 parmi 3 établissements actifs de l'ESS"
        ),
        "{figures}"
    );
    assert!(figures.contains("10\u{202f}035"), "{figures}");
    assert!(
        figures.contains("fourchette 10\u{202f}020\u{a0}–\u{a0}10\u{202f}049"),
        "{figures}"
    );
    assert!(figures.contains("par rapport à la France"), "{figures}");
    // Charts with their numbers in tables, the QPV's families.
    assert!(html.contains("<svg class=\"essor-graphique__svg\" role=\"img\""));
    let families = element_text(&html, "table-familles");
    assert!(
        families.contains("Association") && families.contains("%"),
        "{families}"
    );
    // Map, directory, downloads, provenance, méthodologie links.
    assert!(html.contains("data-filter=\"qpv:QP093028\""));
    assert!(html.contains("href=\"/annuaire?territory=qpv:QP093028\""));
    assert!(html.contains(
        "href=\"/territoires/qpv/QP093028/dossier\" download=\"diagnostic-qpv-QP093028.html\""
    ));
    let sources = element_text(&html, "provenance");
    assert!(sources.contains("StockEtablissement_utf8.csv"), "{sources}");
    assert!(
        sources.contains("Géolocalisation des établissements"),
        "{sources}"
    );
    let (_, methodo) = app.text("/methodologie").await;
    let mut anchors: Vec<&str> = html
        .split("href=\"/methodologie#")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    anchors.sort_unstable();
    anchors.dedup();
    assert!(anchors.len() >= 6, "{anchors:?}");
    for a in anchors {
        assert!(
            methodo.contains(&format!("id=\"{a}\"")),
            "#{a} on /methodologie"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_epci_page_lists_its_qpv_with_their_figures_and_compares_them_with_the_rest() {
    let app = TestApp::fixtures().await;
    let (status, html) = app.text("/territoires/epci/200054781").await;
    assert_eq!(status, 200);
    let table = element_text(&html, "indicateurs");
    assert!(
        table.contains("Ses QPV") && table.contains("Hors de ses QPV"),
        "{table}"
    );
    assert!(
        table.contains("Île-de-France"),
        "compared with its région: {table}"
    );
    let qpv = element_text(&html, "table-qpv");
    assert!(
        qpv.contains("QP093028") && qpv.contains("Saint-Denis"),
        "{qpv}"
    );
    assert!(html.contains("href=\"/territoires/qpv/QP093028\""));
    assert!(html.contains("href=\"/annuaire?territory=qpv:QP093028\""));
    let crumbs = element_text(&html, "fil");
    assert!(
        crumbs.starts_with("Accueil France Île-de-France"),
        "{crumbs}"
    );
    assert!(element_text(&html, "synthese-qpv").starts_with("Ses "));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_data_a_territory_page_says_so_and_offers_no_download() {
    let app = TestApp::empty().await;
    let (status, html) = app.text("/territoires/commune/93066").await;
    assert_eq!(status, 200);
    assert!(element_text(&html, "sans-donnees").contains("Aucune donnée chargée"));
    assert!(!html.contains("id=\"telechargements\"") && !html.contains("id=\"indicateurs\""));
    assert!(
        html.contains("id=\"mini-carte\""),
        "the map works without data"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_actor_page_says_where_it_stands_and_hides_non_diffusible_units_like_unknown_ones() {
    let app = TestApp::fixtures().await;
    let (status, html) = app.text(&format!("/acteurs/{TILLEULS_SIRET}")).await;
    assert_eq!(status, 200);
    assert!(element_text(&html, "situation").starts_with(
        "Dans le quartier prioritaire Franc Moisin - Cosmonautes - Cristino Garcia - Landy (QP093028)."
    ));
    let activity = element_text(&html, "activite");
    assert!(
        activity.contains("Action sociale sans hébergement n.c.a. (88.99B)"),
        "{activity}"
    );
    assert!(activity.contains("20 à 49 salariés"), "{activity}");
    let identity = element_text(&html, "identite");
    assert!(
        identity.contains("W931000001") && identity.contains("ENSEIGNE FICTIVE 0"),
        "{identity}"
    );
    assert!(html.contains("href=\"/territoires/epci/200054781\""));
    assert!(html.contains("data-point=\"["));
    let ld = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let ld: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(ld["@type"], "Organization");
    assert_eq!(ld["identifier"][0]["value"], TILLEULS_SIRET);
    // A partially diffusible establishment and an unknown one get the same page.
    let (s1, hidden) = app.text(&format!("/acteurs/{FIXTURE_HIDDEN_SIRET}")).await;
    let (s2, unknown) = app.text("/acteurs/99900099900099").await;
    assert_eq!((s1, s2), (404, 404));
    assert_eq!(
        hidden.replace(FIXTURE_HIDDEN_SIRET, "X"),
        unknown.replace("99900099900099", "X")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_methodology_page_gives_the_rules_and_the_loaded_files() {
    let app = TestApp::fixtures().await;
    let (status, html) = app.text("/methodologie").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1 id=\"titre-methodologie\">Méthodologie des chiffres</h1>"));
    assert!(html.contains("etatAdministratifEtablissement = A"));
    let files = element_text(&html, "fichiers-sources");
    assert!(files.contains("StockUniteLegale_utf8.csv"), "{files}");
    let facts = element_text(&html, "faits-du-calcul");
    assert!(
        facts.contains("Établissements lus : 230 dont 127 actifs"),
        "{facts}"
    );
    let empty = TestApp::empty().await;
    let (_, html) = empty.text("/methodologie").await;
    assert!(element_text(&html, "sans-provenance").contains("Aucune donnée chargée"));
    // Every page links to it from its footer.
    assert!(html.contains("<a class=\"fr-footer__content-link\" href=\"/methodologie\">"));
}

/// Issue 12, point 4: the report of a demonstration store never said its data were
/// synthetic; it now says so under its title, and a real store's report is unchanged (the
/// test above compares it with essor diagnose's, byte for byte).
#[tokio::test(flavor = "multi_thread")]
async fn the_report_of_a_synthetic_store_says_so_under_its_title() {
    let f = &*crate::support::FIXTURES;
    let store = essor_app::store::MemoryStore::from_run(
        &f.diagnosis,
        &f.rows,
        crate::support::EMBEDDED.index.layer(),
        &f.inputs,
        "jeu synthétique de démonstration",
        true,
    );
    let app = TestApp::with_store(store).await;
    let (status, html) = app.text("/territoires/commune/93066/dossier").await;
    assert_eq!(status, 200);
    let title = html.find("<h1>").unwrap();
    let notice = html
        .find(r#"<p class="avertissement" role="note">Démonstration : les acteurs et les chiffres de ce dossier sont synthétiques (jeu synthétique de démonstration)."#)
        .expect("the notice");
    assert!(notice > title);
    let real = TestApp::fixtures().await;
    let (_, html) = real.text("/territoires/commune/93066/dossier").await;
    assert!(!html.contains(r#"role="note">Démonstration"#));
    // Issue 14: on the embedded layer, the pack says the geography was replaced, and every
    // pack says its perimeter and that its jobs are estimates.
    assert!(html.contains(r#"<p class="avertissement" role="note">QPV 2015 — géographie 2015, remplacée depuis le 1er janvier 2024 (métropole) / 2025 (outre-mer)"#), "{html}");
    assert!(html.contains("Périmètre de l'ESS de tous les chiffres : périmètre Sirene"));
    assert!(html.contains("Sur quoi reposent les emplois estimés"));
}
