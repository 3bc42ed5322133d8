//! The orientation, catalogue and referral pages in headless Chromium (issue 5): the guided
//! form for a seed situation, with and without JavaScript; the catalogue's filters; a
//! referral created from a result and moved on through its secret link.

use crate::browser::Browser;
use crate::support::TestApp;
use fantoccini::{Client, Locator};

/// Clicks the label of an input (DSFR draws radios and boxes on their labels).
async fn choose(c: &Client, input_id: &str) {
    c.find(Locator::Css(&format!("label[for='{input_id}']")))
        .await
        .unwrap_or_else(|e| panic!("label for {input_id}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn ids(c: &Client, css: &str) -> Vec<String> {
    let v = c
        .execute(
            &format!(
                "return [...document.querySelectorAll({css:?})].map(e => e.dataset.dispositif);"
            ),
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}

/// Waits for the script's update after a change.
async fn updated(b: &Browser) {
    b.wait_until(
        "document.body.dataset.orientation === 'a-jour'",
        "the results to update",
    )
    .await;
    b.client()
        .execute("document.body.dataset.orientation = '';", vec![])
        .await
        .unwrap();
}

/// Seed 001: "une aventure collective pour des jeunes de 16 à 18 ans qui créent et pilotent
/// une entreprise coopérative le temps d'un été" (CJS de Maurepas, Rennes).
#[tokio::test(flavor = "multi_thread")]
async fn the_guided_form_points_the_maurepas_summer_youth_cooperative_to_the_cjs_with_its_reasons()
{
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/orientation")).await;
    // The first screen is short: the follow-up questions wait for the matcher.
    let hidden = c
        .execute(
            "return ['public', 'employees', 'age'].map(f => document.querySelector(`[data-question=${f}]`).hidden);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, serde_json::json!([true, true, true]));
    choose(c, "holder-collective").await;
    updated(&browser).await;
    choose(c, "stage-emergence").await;
    updated(&browser).await;
    choose(c, "needs-accompagnement").await;
    updated(&browser).await;
    choose(c, "needs-cooperation").await;
    updated(&browser).await;
    c.find(Locator::Id("commune"))
        .await
        .unwrap()
        .send_keys("Rennes")
        .await
        .unwrap();
    choose(c, "acts_in_qpv-true").await;
    updated(&browser).await;
    // The publics now matter (the CJS is for 16–18 year olds): the question appears, flagged.
    browser
        .wait_until(
            "!document.querySelector('[data-question=public]').hidden",
            "the publics question",
        )
        .await;
    let flag = text(c, "#q-public-legend [data-settles]").await;
    assert!(flag.to_lowercase().starts_with("peut trancher"), "{flag}");
    assert!(
        ids(c, "#a-verifier [data-dispositif]")
            .await
            .contains(&"cjs".to_owned())
    );
    choose(c, "public-jeunes_16_18").await;
    updated(&browser).await;
    choose(c, "public-habitants_qpv").await;
    updated(&browser).await;

    let eligible = ids(c, "#eligibles [data-dispositif]").await;
    assert_eq!(
        eligible.first().map(String::as_str),
        Some("cjs"),
        "{eligible:?}"
    );
    let cjs = text(c, "#dispositif-cjs").await;
    assert!(
        cjs.contains("Condition remplie : jeunes de 16 à 18 ans"),
        "{cjs}"
    );
    assert!(cjs.contains("Qui contacter"), "{cjs}");
    let excluded = ids(c, "#non-eligibles [data-dispositif]").await;
    for id in ["cjm", "dla", "esus"] {
        assert!(
            excluded.contains(&id.to_owned()),
            "{id} not excluded: {excluded:?}"
        );
    }
    let situation = text(c, "#situation").await;
    assert!(situation.contains("Rennes (35238)"), "{situation}");
    // The answers are in the address: the result can be shared.
    let url = c.current_url().await.unwrap();
    for part in [
        "holder=collective",
        "stage=emergence",
        "public=jeunes_16_18",
        "commune=Rennes",
    ] {
        assert!(url.as_str().contains(part), "{url}");
    }
    // The print button prints (the print stylesheet hides the form and the navigation).
    c.execute(
        "window.print = () => { window.essorImprime = true; };",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Id("imprimer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until("window.essorImprime === true", "print")
        .await;
    browser.screenshot("orientation-maurepas.png").await;

    // An ambiguous commune: the error is tied to the field, and focus goes to the summary.
    let commune = c.find(Locator::Id("commune")).await.unwrap();
    commune.clear().await.unwrap();
    commune.send_keys("Saint-Denis").await.unwrap();
    c.find(Locator::Id("voir-dispositifs"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    updated(&browser).await;
    let message = text(c, "#commune-messages").await;
    assert!(
        message.starts_with("plusieurs communes s'appellent « Saint-Denis »"),
        "{message}"
    );
    let focused = c
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "erreurs");
    let link = c
        .find(Locator::Css("#erreurs a[href='#commune']"))
        .await
        .expect("the summary links to the field");
    assert!(
        link.text()
            .await
            .unwrap()
            .starts_with("La commune : plusieurs communes")
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_javascript_the_form_submits_and_the_server_draws_the_results() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start_without_javascript().await else {
        return;
    };
    let c = browser.client();
    c.goto(&app.url("/orientation")).await.unwrap();
    choose(c, "holder-person").await;
    choose(c, "stage-idee").await;
    c.find(Locator::Id("commune"))
        .await
        .unwrap()
        .send_keys("97611")
        .await
        .unwrap();
    c.find(Locator::Id("voir-dispositifs"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("resultats-titre"))
        .await
        .expect("server-drawn results");
    let url = c.current_url().await.unwrap();
    assert!(
        url.as_str()
            .contains("holder=person&stage=idee&commune=97611"),
        "{url}"
    );
    // Follow-up questions came with the answer, e.g. whether the activity is informal.
    let asked = c
        .execute(
            "return !document.querySelector('[data-question=informal]').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(asked, true);
    choose(c, "informal-true").await;
    c.find(Locator::Id("voir-dispositifs"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#eligibles [data-dispositif='adie-informel']"))
        .await
        .expect("the Adie programme for informal activities");
    let place = text(c, ".essor-lieu").await;
    assert!(
        place.starts_with("Mamoudzou (97611), région Mayotte"),
        "{place}"
    );
    // Without JavaScript the print button stays hidden; the browser's print command remains.
    let shown = c
        .execute(
            "return !document.getElementById('imprimer').hidden;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, false);
    browser.screenshot("orientation-sans-javascript.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalogue_page_filters_schemes_and_a_scheme_shows_its_conditions_and_source() {
    let app = TestApp::empty().await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url("/dispositifs")).await;
    let all = ids(c, "#liste-dispositifs [data-dispositif]").await;
    assert!(all.len() >= 43, "{}", all.len());
    c.find(Locator::Id("filtre-kind"))
        .await
        .unwrap()
        .select_by_value("microcredit")
        .await
        .unwrap();
    c.find(Locator::Id("filtrer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(
            "#liste-dispositifs [data-dispositif='adie-microcredit']",
        ))
        .await
        .unwrap();
    let mut micro = ids(c, "#liste-dispositifs [data-dispositif]").await;
    micro.sort();
    assert_eq!(micro, vec!["adie-informel", "adie-microcredit"]);
    assert_eq!(
        text(c, "#dispositifs-total").await.split(' ').next(),
        Some("2")
    );
    assert!(
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("kind=microcredit")
    );
    browser.screenshot("dispositifs-microcredit.png").await;

    c.find(Locator::Css("a[href='/dispositifs/adie-microcredit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let name = text(c, "#nom-dispositif").await;
    assert_eq!(name, "Adie : microcrédit accompagné");
    let conditions = text(c, "#conditions").await;
    assert!(conditions.contains("acces_bancaire = non"), "{conditions}");
    let source = text(c, "#source").await;
    assert!(source.contains("document source du projet"), "{source}");
    browser.screenshot("dispositif-adie.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_referral_is_created_from_a_result_and_moved_on_through_its_secret_link() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    browser.open(&app.url(
        "/orientation?holder=collective&stage=emergence&needs=accompagnement&commune=35238&acts_in_qpv=true&public=jeunes_16_18",
    )).await;
    c.find(Locator::Id("orienter-cjs"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("formulaire-mise-en-relation"))
        .await
        .unwrap();
    // Submitting without consent is refused, the error tied to the box; nothing is kept.
    choose(c, "operator-pole-ess").await;
    for (id, value) in [
        ("person", "Collectif jeunesse Maurepas"),
        ("contact", "collectif.maurepas@example.org"),
        ("referrer", "Réso solidaire — accueil"),
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    c.find(Locator::Id("creer-mise-en-relation"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let refused = c
        .wait()
        .for_element(Locator::Css("#consent-messages .fr-message--error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(refused.starts_with("l'accord de la personne"), "{refused}");
    // Issue 12: the focus goes to the error summary, not to the page body (no script needed).
    browser
        .wait_until(
            "document.activeElement && document.activeElement.id === 'erreurs'",
            "the focus on the error summary",
        )
        .await;
    assert_eq!(
        c.find(Locator::Id("person"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Collectif jeunesse Maurepas"),
        "typed values are kept"
    );
    choose(c, "consent").await;
    c.find(Locator::Id("creer-mise-en-relation"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let link = c
        .wait()
        .for_element(Locator::Id("lien-secret"))
        .await
        .expect("the secret link, shown once")
        .text()
        .await
        .unwrap();
    assert!(
        link.starts_with(&app.url("/mises-en-relation/suivi/")),
        "{link}"
    );
    assert_eq!(text(c, "#statut").await.to_lowercase(), "proposée");
    browser.screenshot("mise-en-relation-creee.png").await;

    // The operator opens the link and accepts.
    browser.open(&link).await;
    choose(c, "status-acceptee").await;
    c.find(Locator::Id("enregistrer-statut"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("statut-enregistre"))
        .await
        .unwrap();
    assert_eq!(text(c, "#statut").await.to_lowercase(), "acceptée");
    // A refusal without its reason is refused, the message tied to the reason field.
    choose(c, "status-refusee").await;
    c.find(Locator::Id("enregistrer-statut"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let message = c
        .wait()
        .for_element(Locator::Css("#reason-messages .fr-message--error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        message,
        "un motif est obligatoire pour passer au statut « refusée »"
    );
    assert_eq!(
        c.find(Locator::Id("reason"))
            .await
            .unwrap()
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    choose(c, "status-en_cours").await;
    c.find(Locator::Id("reason"))
        .await
        .unwrap()
        .send_keys("premier atelier le 2 juillet")
        .await
        .unwrap();
    c.find(Locator::Id("enregistrer-statut"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Id("statut-enregistre"))
        .await
        .unwrap();
    assert_eq!(text(c, "#statut").await.to_lowercase(), "en cours");
    let history = c
        .execute(
            "return document.querySelectorAll('#historique tbody tr').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(history, 3);
    browser.screenshot("mise-en-relation-suivi.png").await;

    // The list shows it under its operator, without the name, the contact or the link.
    browser.open(&app.url("/mises-en-relation")).await;
    let page = text(c, "main").await;
    assert!(page.contains("Pôle ou réseau local de l'ESS"), "{page}");
    assert!(page.contains("en cours : 1"), "{page}");
    let token = link.rsplit('/').next().unwrap();
    let html = c.source().await.unwrap();
    for secret in [
        token,
        "Collectif jeunesse Maurepas",
        "collectif.maurepas",
        "premier atelier",
    ] {
        assert!(!html.contains(secret), "{secret} on the list page");
    }
    browser.screenshot("mises-en-relation.png").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_orientation_catalogue_and_referral_pages_pass_the_basic_accessibility_checks() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::with_registry(dir.path()).await;
    let maurepas = "holder=collective&stage=emergence&needs=accompagnement&commune=35238&acts_in_qpv=true&public=jeunes_16_18";
    let (status, created) = app
        .post_json(
            "/api/v1/referrals",
            &serde_json::json!({"scheme": "cjs", "operator": "pole-ess", "person": "Collectif", "contact": "06 00",
                "consent": true, "referrer": "Réso", "profile": {"holder": "collective", "stage": "emergence", "public": ["jeunes_16_18"]}}),
        )
        .await;
    assert_eq!(status, 201);
    let Some(browser) = Browser::start().await else {
        return;
    };
    let c = browser.client();
    let mut failures = Vec::new();
    for path in [
        "/orientation".to_owned(),
        format!("/orientation?{maurepas}"),
        "/orientation?holder=person&commune=Saint-Denis".to_owned(),
        "/dispositifs".to_owned(),
        "/dispositifs?kind=microcredit".to_owned(),
        "/dispositifs/cjs".to_owned(),
        format!("/mises-en-relation/nouvelle?scheme=cjs&{maurepas}"),
        format!("{}?creee=1", created["link"].as_str().unwrap()),
        "/mises-en-relation".to_owned(),
    ] {
        browser.open(&app.url(&path)).await;
        let problems = c
            .execute(crate::browser::ACCESSIBILITY_CHECKS, vec![])
            .await
            .unwrap();
        for p in problems.as_array().unwrap() {
            failures.push(format!("{path} : {}", p.as_str().unwrap()));
        }
    }
    browser.close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
