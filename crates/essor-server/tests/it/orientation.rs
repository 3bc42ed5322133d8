//! The orientation API of issue 5 against a real server on loopback: orientation answers
//! equal the library's, the catalogue endpoints, and the referral lifecycle over a real
//! `registre.sqlite` (refused changes write nothing, every change leaves an audit row,
//! listings never carry the secret link or personal data).

use crate::support::{EMBEDDED, TestApp};
use essor_app::orientation::EngineLocator;
use essor_orientation::{Catalogue, MatchOptions, OrientationReport, Profile, orient};
use essor_store::registry::Registry;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/orientation");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p: PathBuf| {
            let fixture: Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                fixture["profile"].clone(),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// `essor orient`'s JSON for a profile: the library with the engine's locator.
fn library_answer(profile: &Value) -> Value {
    let profile = Profile::from_value(profile.clone()).unwrap();
    let locator = EngineLocator::new(EMBEDDED.index.clone());
    let results = orient(
        &Catalogue::embedded().unwrap(),
        &profile,
        &locator,
        &MatchOptions::default(),
    );
    serde_json::to_value(OrientationReport::new(results)).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_orientation_of_every_seed_situation_equals_the_librarys() {
    let app = TestApp::empty().await;
    let situations = fixtures();
    assert!(situations.len() >= 25, "{} situations", situations.len());
    for (name, profile) in situations {
        let (status, body) = app.post_json("/api/v1/orientation", &profile).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body, library_answer(&profile), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_point_inside_franc_moisin_is_to_check_on_the_replaced_2015_geography() {
    // Issue 14, point 3: the embedded layer is the 2015 geography; being in a QPV is no longer
    // an answer it may give, so the scheme reserved to QPV is « à vérifier », with the reason
    // and the official address check.
    let app = TestApp::empty().await;
    let profile =
        json!({"holder": "person", "stage": "idee", "lon": 2.381534449, "lat": 48.917712167});
    let (status, body) = app.post_json("/api/v1/orientation", &profile).await;
    assert_eq!(status, 200);
    let eq2030 = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "entrepreneuriat-quartiers-2030")
        .unwrap();
    assert_eq!(eq2030["eligibility"], "to_check", "{eq2030}");
    let texts: Vec<&str> = eq2030["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("implantation en QPV")
            && t.contains("géographie 2015, remplacée depuis le 1er janvier 2024")
            && t.contains("https://sig.ville.gouv.fr")),
        "{texts:?}"
    );
    // Answering the question settles it.
    let profile = json!({"holder": "person", "stage": "idee", "lon": 2.381534449,
        "lat": 48.917712167, "located_in_qpv": true});
    let (_, body) = app.post_json("/api/v1/orientation", &profile).await;
    let eq2030 = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "entrepreneuriat-quartiers-2030")
        .unwrap();
    assert_eq!(eq2030["eligibility"], "eligible", "{eq2030}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_profile_gets_a_400_naming_the_field_in_french() {
    let app = TestApp::empty().await;
    for (body, parameter, detail) in [
        (
            json!({"stage": "lancement"}),
            "stage",
            "profil : champ « stage » : valeur « lancement » invalide ; valeurs possibles : besoin, idee, emergence, creation, developpement, consolidation, changement_echelle",
        ),
        (
            json!({"employes": 3}),
            "employes",
            "profil : champ(s) inconnu(s) « employes » ; champs acceptés : holder,",
        ),
        (
            json!([1]),
            "corps",
            "profil : un objet JSON { … } est attendu",
        ),
    ] {
        let (status, answer) = app.post_json("/api/v1/orientation", &body).await;
        assert_eq!(status, 400, "{body}");
        let error = &answer["errors"][0];
        assert_eq!(error["code"], "bad_parameter");
        assert_eq!(error["parameter"], parameter, "{body}");
        assert!(
            error["detail"].as_str().unwrap().starts_with(detail),
            "{}",
            error["detail"]
        );
    }
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/orientation"))
        .header("content-type", "application/json")
        .body("{\"holder\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let answer: Value = res.json().await.unwrap();
    assert!(
        answer["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("JSON invalide ligne 1"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalogue_lists_filters_and_finds_schemes_and_404s_unknown_ones() {
    let app = TestApp::empty().await;
    let catalogue = Catalogue::embedded().unwrap();
    let (status, all) = app.json("/api/v1/schemes").await;
    assert_eq!(status, 200);
    assert_eq!(all["total"], catalogue.schemes.len());
    assert_eq!(all["catalogue"]["version"], catalogue.version.as_str());
    for item in all["items"].as_array().unwrap() {
        assert!(item["source"]["kind"] == "seed" || item["source"]["kind"] == "official");
        assert!(!item["operators"].as_array().unwrap().is_empty());
    }

    let (_, micro) = app.json("/api/v1/schemes?kind=microcredit").await;
    let ids: Vec<&str> = micro["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"adie-microcredit") && ids.contains(&"adie-informel"),
        "{ids:?}"
    );
    assert!(!ids.contains(&"dla"));
    let (_, none) = app
        .json("/api/v1/schemes?kind=microcredit&holder=collectivite")
        .await;
    assert_eq!(none["total"], 0);
    let (_, youth) = app
        .json("/api/v1/schemes?q=jeunesse%20coop%C3%A9rative")
        .await;
    assert!(
        youth["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "cjs"),
        "{youth}"
    );

    let (status, bad) = app.json("/api/v1/schemes?stage=lancement").await;
    assert_eq!(status, 400);
    assert_eq!(bad["errors"][0]["parameter"], "stage");
    assert!(
        bad["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("paramètre « stage » : « lancement » inconnu ; valeurs : besoin,")
    );

    let (status, cjs) = app.json("/api/v1/schemes/cjs").await;
    assert_eq!(status, 200);
    assert_eq!(cjs["conditions"][0]["rule"], "public contient jeunes_16_18");
    assert_eq!(cjs["source"]["kind"], "seed");
    assert!(cjs["source"]["title"].as_str().unwrap().contains("guide"));
    assert_eq!(cjs["url"], "/dispositifs/cjs");

    let (status, missing) = app.json("/api/v1/schemes/citeslab").await;
    assert_eq!(status, 404);
    assert_eq!(missing["errors"][0]["code"], "not_found");
    assert_eq!(
        missing["errors"][0]["detail"],
        format!(
            "aucun dispositif « citeslab » dans le catalogue {} (liste : /api/v1/schemes)",
            catalogue.version
        )
    );
}

/// The Maurepas summer youth cooperative, referred to the pôle ESS for a CJS.
fn maurepas_referral() -> Value {
    json!({
        "scheme": "cjs",
        "operator": "pole-ess",
        "person": "Collectif jeunesse Maurepas",
        "contact": "collectif.maurepas@example.org",
        "consent": true,
        "referrer": "Réso solidaire — accueil",
        "profile": {
            "holder": "collective", "stage": "emergence", "public": ["jeunes_16_18", "habitants_qpv"],
            "commune": "35238", "acts_in_qpv": true, "needs": ["accompagnement", "cooperation"]
        }
    })
}

/// Rows of the registry's tables, read through a second connection to the same file.
async fn registry_rows(dir: &Path) -> (usize, usize) {
    let registry = Registry::open_in(dir).await.unwrap();
    let rows = (
        registry
            .list_referrals(&Default::default())
            .await
            .unwrap()
            .len(),
        registry.audit_log(None).await.unwrap().len(),
    );
    registry.close().await;
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn a_referral_is_created_then_moved_on_through_its_link_with_audit_rows() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/referrals"))
        .json(&maurepas_referral())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let created: Value = res.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    assert_eq!(created["link"], format!("/mises-en-relation/suivi/{token}"));
    let referral = &created["referral"];
    assert_eq!(referral["status"], "proposee");
    assert_eq!(referral["eligibility"], "eligible");
    assert_eq!(referral["operator_name"], "Pôle ou réseau local de l'ESS");
    assert_eq!(referral["profile"]["commune"], "35238");
    assert_eq!(
        referral["next"],
        json!(["acceptee", "refusee", "pas_pour_nous"])
    );

    let path = format!("/api/v1/referrals/{token}");
    let (status, read) = app.json(&path).await;
    assert_eq!(status, 200);
    assert_eq!(read["person"], "Collectif jeunesse Maurepas");
    for (to, reason) in [
        ("acceptee", None),
        ("en_cours", Some("premier atelier le 2 juillet")),
        ("terminee", None),
    ] {
        let (status, moved) = app
            .patch_json(&path, &json!({"status": to, "reason": reason}))
            .await;
        assert_eq!(status, 200, "{to}: {moved}");
        assert_eq!(moved["status"], to);
    }
    let (_, done) = app.json(&path).await;
    let history: Vec<(&Value, &Value)> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (&e["from"], &e["to"]))
        .collect();
    assert_eq!(history.len(), 4);
    assert_eq!(history[3], (&json!("en_cours"), &json!("terminee")));
    assert_eq!(done["history"][2]["reason"], "premier atelier le 2 juillet");
    assert_eq!(done["next"], json!([]));

    let registry = Registry::open_in(dir.path()).await.unwrap();
    let audit = registry
        .audit_log(Some(done["id"].as_i64().unwrap()))
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .map(|a| (a.action.as_str(), a.channel.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("referral.create", "api"),
            ("referral.status", "api"),
            ("referral.status", "api"),
            ("referral.status", "api"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_move_is_refused_with_the_exact_french_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let (_, created) = app
        .post_json("/api/v1/referrals", &maurepas_referral())
        .await;
    let path = format!("/api/v1/referrals/{}", created["token"].as_str().unwrap());
    let before = registry_rows(dir.path()).await;
    assert_eq!(before, (1, 1));

    let (status, refused) = app.patch_json(&path, &json!({"status": "terminee"})).await;
    assert_eq!(status, 409);
    assert_eq!(refused["errors"][0]["code"], "invalid_transition");
    assert_eq!(
        refused["errors"][0]["detail"],
        "passage de « proposée » à « terminée » impossible ; depuis « proposée », statuts possibles : « acceptée », « refusée », « pas pour nous »"
    );
    let (status, no_reason) = app.patch_json(&path, &json!({"status": "refusee"})).await;
    assert_eq!(status, 400);
    assert_eq!(no_reason["errors"][0]["parameter"], "reason");
    assert_eq!(
        no_reason["errors"][0]["detail"],
        "un motif est obligatoire pour passer au statut « refusée »"
    );
    let (status, unknown) = app.patch_json(&path, &json!({"status": "annulee"})).await;
    assert_eq!(status, 400);
    assert!(
        unknown["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("champ « status » : statut « annulee » inconnu ; statuts : proposee,")
    );
    assert_eq!(registry_rows(dir.path()).await, before, "nothing written");
    let (_, read) = app.json(&path).await;
    assert_eq!(read["status"], "proposee");
    assert_eq!(read["history"].as_array().unwrap().len(), 1);

    // A refusal with its reason is accepted, and then the referral is closed.
    let (status, _) = app
        .patch_json(
            &path,
            &json!({"status": "refusee", "reason": "hors de notre territoire"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, closed) = app.patch_json(&path, &json!({"status": "acceptee"})).await;
    assert_eq!(status, 409);
    assert_eq!(
        closed["errors"][0]["detail"],
        "la mise en relation est close (statut « refusée ») : son statut ne peut plus changer"
    );
    assert_eq!(registry_rows(dir.path()).await, (1, 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_referral_needs_consent_a_known_scheme_and_operator_and_an_eligible_profile() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let with = |key: &str, value: Value| {
        let mut body = maurepas_referral();
        body[key] = value;
        body
    };
    let adult = {
        let mut body = maurepas_referral();
        body["profile"]["public"] = json!(["habitants_qpv"]);
        body
    };
    for (body, parameter, detail) in [
        (
            with("consent", json!(false)),
            "consent",
            "champ « consent » : l'accord de la personne pour transmettre son nom et son contact à l'opérateur est obligatoire",
        ),
        (
            with("person", json!("  ")),
            "person",
            "champ « person » : obligatoire",
        ),
        (
            with("scheme", json!("citeslab")),
            "scheme",
            "champ « scheme » : dispositif « citeslab » inconnu du catalogue",
        ),
        (
            with("operator", json!("avise")),
            "operator",
            "champ « operator » : opérateur « avise » inconnu pour « ",
        ),
        (
            adult,
            "scheme",
            "champ « scheme » : « Coopérative jeunesse de services (CJS) » n'est pas éligible pour ce profil selon le catalogue",
        ),
        (
            with("profile", json!({"etape": "idee"})),
            "profile.etape",
            "profil : champ(s) inconnu(s) « etape »",
        ),
        (
            with("telephone", json!("06")),
            "telephone",
            "champ(s) inconnu(s) « telephone »",
        ),
    ] {
        let (status, answer) = app.post_json("/api/v1/referrals", &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let error = &answer["errors"][0];
        assert_eq!(error["parameter"], parameter, "{answer}");
        assert!(
            error["detail"].as_str().unwrap().starts_with(detail),
            "{}",
            error["detail"]
        );
    }
    assert_eq!(registry_rows(dir.path()).await, (0, 0), "nothing written");
    // An unknown or malformed link is a 404.
    for token in ["0".repeat(64), "pas-un-jeton".to_owned()] {
        let (status, answer) = app.json(&format!("/api/v1/referrals/{token}")).await;
        assert_eq!(status, 404);
        assert_eq!(
            answer["errors"][0]["detail"],
            "aucune mise en relation ne correspond à ce lien"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn listings_by_operator_and_status_carry_neither_the_link_nor_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let (_, first) = app
        .post_json("/api/v1/referrals", &maurepas_referral())
        .await;
    let mut other = maurepas_referral();
    other["operator"] = json!("cae-parrain");
    let (_, second) = app.post_json("/api/v1/referrals", &other).await;
    let token = first["token"].as_str().unwrap();
    app.patch_json(
        &format!("/api/v1/referrals/{token}"),
        &json!({"status": "acceptee"}),
    )
    .await;

    let res = app.get("/api/v1/referrals").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    for secret in [
        token,
        second["token"].as_str().unwrap(),
        "Collectif jeunesse Maurepas",
        "collectif.maurepas@example.org",
        "Réso solidaire",
        "35238",
    ] {
        assert!(!text.contains(secret), "{secret} in the listing");
    }
    let all: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(all["total"], 2);
    let (_, pole) = app.json("/api/v1/referrals?operator=pole-ess").await;
    assert_eq!(pole["total"], 1);
    assert_eq!(pole["items"][0]["status"], "acceptee");
    let (_, proposed) = app.json("/api/v1/referrals?status=proposee").await;
    assert_eq!(proposed["total"], 1);
    assert_eq!(proposed["items"][0]["operator_id"], "cae-parrain");
    let (status, bad) = app.json("/api/v1/referrals?status=ouverte").await;
    assert_eq!(status, 400);
    assert_eq!(bad["errors"][0]["parameter"], "status");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_store_folder_referrals_answer_a_french_503() {
    let app = TestApp::empty().await;
    let (status, answer) = app
        .post_json("/api/v1/referrals", &maurepas_referral())
        .await;
    assert_eq!(status, 503);
    assert_eq!(answer["errors"][0]["code"], "registry_unavailable");
    assert_eq!(
        answer["errors"][0]["detail"],
        "les mises en relation ne sont pas activées sur ce serveur : lancez `essor serve --store DOSSIER` pour les enregistrer dans DOSSIER/registre.sqlite"
    );
    let (status, _) = app.json("/api/v1/referrals").await;
    assert_eq!(status, 503);
    let (status, _) = app
        .json(&format!("/api/v1/referrals/{}", "0".repeat(64)))
        .await;
    assert_eq!(status, 503);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pages_move_referrals_through_the_same_checks_and_keep_links_private() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let created = client
        .post(app.url("/mises-en-relation"))
        .form(&[
            ("scheme", "cjs"),
            ("operator", "pole-ess"),
            ("person", "Collectif jeunesse Maurepas"),
            ("contact", "collectif.maurepas@example.org"),
            ("referrer", "Réso solidaire"),
            ("consent", "oui"),
            ("holder", "collective"),
            ("stage", "emergence"),
            ("public", "jeunes_16_18"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    assert_eq!(created.headers()["referrer-policy"], "no-referrer");
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/mises-en-relation/suivi/") && location.ends_with("?creee=1"));
    let path = location.trim_end_matches("?creee=1").to_owned();
    let page = client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Mise en relation enregistrée")
    );
    let before = registry_rows(dir.path()).await;
    assert_eq!(before, (1, 1));

    // A move the lifecycle forbids, posted by hand: the exact French error, nothing written.
    let refused = client
        .post(app.url(&path))
        .form(&[("status", "terminee")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(html.contains(
        "passage de « proposée » à « terminée » impossible ; depuis « proposée », statuts possibles : « acceptée », « refusée », « pas pour nous »"
    ));
    assert_eq!(registry_rows(dir.path()).await, before, "nothing written");

    let accepted = client
        .post(app.url(&path))
        .form(&[("status", "acceptee"), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 303);
    let registry = Registry::open_in(dir.path()).await.unwrap();
    let audit = registry.audit_log(None).await.unwrap();
    let channels: Vec<(&str, &str)> = audit
        .iter()
        .map(|a| (a.action.as_str(), a.channel.as_str()))
        .collect();
    assert_eq!(
        channels,
        vec![("referral.create", "page"), ("referral.status", "page")]
    );
    // An unknown link is a French 404 page.
    let missing = client
        .get(app.url(&format!("/mises-en-relation/suivi/{}", "0".repeat(64))))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Aucune mise en relation ne correspond à ce lien.")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_store_folder_the_referral_pages_say_how_to_turn_them_on() {
    let app = TestApp::empty().await;
    for path in [
        "/mises-en-relation",
        "/mises-en-relation/nouvelle?scheme=cjs",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 503, "{path}");
        assert!(
            res.text()
                .await
                .unwrap()
                .contains("essor serve --store DOSSIER")
        );
    }
    // The orientation still works, and says referrals are off.
    let res = app.get("/orientation?holder=person&stage=idee").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"mises-en-relation-desactivees\""));
    assert!(!html.contains("Orienter vers l'opérateur"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_link_opens_nothing_on_the_api_and_the_pages() {
    // Issue 11, point 3: secret links could not be revoked.
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let (status, created) = app
        .post_json("/api/v1/referrals", &maurepas_referral())
        .await;
    assert_eq!(status, 201);
    let token = created["token"].as_str().unwrap().to_owned();
    let (_, read) = app.json(&format!("/api/v1/referrals/{token}")).await;
    assert_eq!(read["person"], "Collectif jeunesse Maurepas");
    let (_, page) = app.text(&format!("/mises-en-relation/suivi/{token}")).await;
    assert!(page.contains("Révoquer ce lien"), "the page offers it");

    let revoked = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/referrals/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let (status, gone) = app.json(&format!("/api/v1/referrals/{token}")).await;
    assert_eq!(status, 410);
    let detail = gone.to_string();
    assert!(detail.contains("ce lien a été révoqué"), "{detail}");
    assert!(
        !detail.contains("Maurepas"),
        "nothing of the referral: {detail}"
    );
    let (status, page) = app.text(&format!("/mises-en-relation/suivi/{token}")).await;
    assert_eq!(status, 410);
    assert!(page.contains("Lien expiré ou révoqué"), "{page}");
    let registry = Registry::open_in(dir.path()).await.unwrap();
    let actions: Vec<String> = registry
        .audit_log(None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| format!("{} {} {}", a.action, a.principal_kind, a.channel))
        .collect();
    assert_eq!(
        actions,
        [
            "referral.create anonymous api",
            "referral.link_revoke link api"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scheme_page_says_its_status_when_its_facts_were_checked_and_its_official_sources() {
    // Issue 13, point 1: "information vérifiée le …" on the page, with the sources.
    let app = TestApp::empty().await;
    let (status, page) = app.text("/dispositifs/cjs").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(
            "Statut : <strong>appel périodique</strong>. Informations vérifiées le 7 décembre 2026"
        ),
        "{page}"
    );
    let catalogue = essor_orientation::Catalogue::embedded().unwrap();
    let cjs = catalogue.schemes.iter().find(|s| s.id == "cjs").unwrap();
    assert!(!cjs.sources.is_empty());
    for r in &cjs.sources {
        assert!(page.contains(&format!("href=\"{}\"", r.link)), "{}", r.link);
    }
}

/// Issue 12: an empty referral form reported one missing field at a time; every refused field
/// is now in the summary at once (the API still answers the first).
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_referral_form_reports_every_missing_field_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let page = reqwest::Client::new()
        .post(app.url("/mises-en-relation"))
        .form(&[
            ("scheme", "cjs"),
            ("operator", "pole-ess"),
            ("holder", "collective"),
            ("stage", "emergence"),
            ("public", "jeunes_16_18"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    let html = page.text().await.unwrap();
    for anchor in ["#person", "#contact", "#referrer", "#consent"] {
        assert!(
            html.contains(&format!("<a href=\"{anchor}\">")),
            "{anchor} in the summary"
        );
    }
    let mut body = maurepas_referral();
    body["person"] = serde_json::json!("");
    body["contact"] = serde_json::json!("");
    let (status, answer) = app.post_json("/api/v1/referrals", &body).await;
    assert_eq!(status, 400);
    assert_eq!(answer["parameter"], "person", "the API answers the first");
}
