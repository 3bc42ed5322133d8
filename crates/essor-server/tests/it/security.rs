//! Issue 11, the server as an attacker and a careless client meet it: headers on every
//! answer, cross-site writes, caps on queries, bodies and fields, the rate limit, errors in
//! French problem JSON, absolute links from the configured address only.

use crate::support::{EMBEDDED, TILLEULS_SIRET, TestApp};
use essor_app::registry::SqlRegistry;
use essor_server::AppState;
use essor_server::security::{PublicUrl, WriteRate};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;

async fn registry_state(dir: &std::path::Path) -> AppState {
    let registry = SqlRegistry::open_in(dir, Default::default())
        .await
        .expect("a registry in a temporary folder");
    EMBEDDED.with_registry(Arc::new(registry))
}

fn referral() -> Value {
    json!({
        "scheme": "cjs", "operator": "pole-ess", "person": "Collectif jeunesse Maurepas",
        "contact": "06 00 00 00 00", "consent": true, "referrer": "Réso solidaire",
        "profile": {"holder": "collective", "stage": "emergence", "public": ["jeunes_16_18"]}
    })
}

/// The form fields of the same referral, as `/mises-en-relation/nouvelle` posts them.
const REFERRAL_FORM: &[(&str, &str)] = &[
    ("scheme", "cjs"),
    ("operator", "pole-ess"),
    ("person", "Collectif jeunesse"),
    ("contact", "06 00 00 00 00"),
    ("consent", "oui"),
    ("referrer", "Réso solidaire"),
    ("holder", "collective"),
    ("stage", "emergence"),
    ("public", "jeunes_16_18"),
];

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn referral_count(app: &TestApp) -> usize {
    let (status, list) = app.json("/api/v1/referrals").await;
    assert_eq!(status, 200, "{list}");
    list["total"].as_u64().unwrap() as usize
}

/// A problem answer: its status, French detail and machine code are checked by the caller.
async fn problem(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "status {status}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["type"], "about:blank");
    assert_eq!(body["status"], status);
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(body["errors"][0]["detail"], body["detail"]);
    (status, body)
}

fn assert_security_headers(path: &str, h: &HeaderMap, referrer: &str) {
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(csp.contains("style-src 'self';"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(h["x-frame-options"], "DENY", "{path}");
    assert_eq!(h["referrer-policy"], referrer, "{path}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_family_answers_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(registry_state(dir.path()).await).await;
    let client = client();
    for path in [
        "/",
        "/carte",
        "/territoires?q=rennes",
        "/annuaire",
        "/territoires/commune/93066",
        "/territoires/commune/93066/dossier",
        "/methodologie",
        &format!("/acteurs/{TILLEULS_SIRET}"),
        "/orientation",
        "/dispositifs",
        "/dispositifs/cjs",
        "/api/docs",
        "/api/v1/openapi.json",
        "/api/v1/status",
        "/api/v1/qpv?bbox=2.33,48.90,2.40,48.94",
        "/api/v1/locate?lon=2.38&lat=48.92",
        "/api/v1/schemes",
        "/tiles/qpv/12/2075/1408.mvt",
        "/assets/static/essor.css",
        "/assets/absent.css",
        "/nulle-part",
        "/api/v1/nulle-part",
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_security_headers(path, res.headers(), "strict-origin-when-cross-origin");
    }
    // Pages and answers that may hold a secret link never send it on as a Referer.
    for path in [
        "/mises-en-relation",
        "/mises-en-relation/nouvelle?scheme=cjs&holder=collective",
        "/mises-en-relation/suivi/0000",
        "/api/v1/referrals",
        "/api/v1/referrals/0000",
    ] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_security_headers(path, res.headers(), "no-referrer");
    }
    let res = client
        .post(app.url("/api/v1/referrals"))
        .json(&referral())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_security_headers("POST /api/v1/referrals", res.headers(), "no-referrer");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_page_has_an_inline_script_or_style_the_policy_would_block() {
    let app = TestApp::demo().await;
    for path in [
        "/",
        "/carte",
        "/territoires?q=rennes",
        "/annuaire",
        "/territoires/commune/93066",
        "/orientation?holder=person",
        "/dispositifs",
        "/api/docs",
        "/methodologie",
    ] {
        let (status, html) = app.text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains(" style="), "{path}: a style attribute");
        assert!(!html.contains("<style"), "{path}: a style element");
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            let inline_code = !script[tag.len() + 1..].starts_with("</script>");
            let data = tag.contains("application/ld+json");
            assert!(tag.contains(" src=") || data, "{path}: inline script {tag}");
            assert!(!inline_code || data, "{path}: script with code {tag}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_is_open_for_reads_and_closed_for_writes_and_their_preflights() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(registry_state(dir.path()).await).await;
    let client = client();
    let res = client.get(app.url("/api/v1/status")).send().await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let res = client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/actors"))
        .header("origin", "https://ailleurs.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    for method in ["POST", "PATCH"] {
        let res = client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/referrals"))
            .header("origin", "https://ailleurs.example")
            .header("access-control-request-method", method)
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap();
        assert!(
            res.headers().get("access-control-allow-origin").is_none(),
            "preflight of {method}"
        );
        let (status, body) = problem(res).await;
        assert_eq!(status, 403);
        assert_eq!(body["code"], "cross_site_write");
    }
    let res = client
        .post(app.url("/api/v1/referrals"))
        .json(&referral())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_write_sent_as_plain_text_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(registry_state(dir.path()).await).await;
    // What a foreign page can send without a preflight: a "simple" text/plain body.
    for (method, path) in [
        (reqwest::Method::POST, "/api/v1/referrals"),
        (reqwest::Method::POST, "/api/v1/orientation"),
        (reqwest::Method::PATCH, "/api/v1/referrals/0000"),
    ] {
        let res = client()
            .request(method.clone(), app.url(path))
            .header("content-type", "text/plain")
            .header("origin", "null")
            .body(referral().to_string())
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("access-control-allow-origin").is_none());
        let (status, body) = problem(res).await;
        assert_eq!(status, 403, "{method} {path}: the null origin is foreign");
        assert_eq!(body["code"], "cross_site_write");
        let res = client()
            .request(method.clone(), app.url(path))
            .header("content-type", "text/plain")
            .body(referral().to_string())
            .send()
            .await
            .unwrap();
        let (status, body) = problem(res).await;
        assert_eq!(status, 415, "{method} {path}");
        assert_eq!(body["code"], "unsupported_media_type");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("Content-Type: application/json"),
            "{body}"
        );
    }
    assert_eq!(referral_count(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_posted_from_another_site_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(registry_state(dir.path()).await).await;
    for (header, value) in [
        ("origin", "https://ailleurs.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let res = client()
            .post(app.url("/mises-en-relation"))
            .header(header, value)
            .form(REFERRAL_FORM)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{header}: {value}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let page = res.text().await.unwrap();
        assert!(page.contains("Demande refusée"), "{page}");
        assert!(page.contains("autre site"), "{page}");
    }
    assert_eq!(referral_count(&app).await, 0);
    // The same form from the site itself goes through: with its Origin, or, from a page
    // sent with Referrer-Policy: no-referrer, with `Origin: null` and Sec-Fetch-Site.
    for (origin, site) in [
        (format!("http://{}", app.addr), None),
        ("null".to_owned(), Some("same-origin")),
    ] {
        let mut req = client()
            .post(app.url("/mises-en-relation"))
            .header("origin", origin);
        if let Some(site) = site {
            req = req.header("sec-fetch-site", site);
        }
        let res = req.form(REFERRAL_FORM).send().await.unwrap();
        assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    }
    assert_eq!(referral_count(&app).await, 2);
}

/// `n` distinct keys of three base-36 digits, `aaa=&aab=&…`.
fn keys(n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..n)
        .map(|i| {
            let d = |k: usize| DIGITS[(i / 36usize.pow(k as u32)) % 36] as char;
            format!("{}{}{}=", d(2), d(1), d(0))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_of_11500_keys_costs_nothing_and_is_refused_in_french() {
    let app = TestApp::empty().await;
    // The 65 kB of about 11,500 keys (three letters each: `http` stops at 64 kB).
    let query = keys(11_500);
    assert!(query.len() > 50_000);
    let started = std::time::Instant::now();
    let res = app.get(&format!("/api/v1/actors?{query}")).await;
    let took = started.elapsed();
    let (status, body) = problem(res).await;
    assert_eq!(status, 414);
    assert_eq!(body["code"], "uri_too_long");
    assert!(took.as_millis() < 500, "{took:?}");
    // Short, but too many parameters: the same refusal on pages, as a French page.
    let many: String = (0..101)
        .map(|i| format!("k{i}="))
        .collect::<Vec<_>>()
        .join("&");
    let (status, body) = problem(app.get(&format!("/api/v1/qpv?{many}")).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "too_many_parameters");
    let (status, page) = app.text(&format!("/annuaire?{many}")).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("Trop de paramètres : 101, 100 au plus"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_over_the_cap_gets_a_french_problem_even_when_chunked() {
    use std::io::{Read, Write};
    let app = TestApp::empty().await;
    let big = json!({"description": "x".repeat(100_000)}).to_string();
    let res = client()
        .post(app.url("/api/v1/orientation"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, 413);
    assert_eq!(body["code"], "payload_too_large");
    assert!(
        body["detail"].as_str().unwrap().contains("64 Kio"),
        "{body}"
    );
    // Without Content-Length, the extractor's own refusal (axum: English text/plain) is
    // rewritten into the same problem.
    let addr = app.addr;
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "POST /api/v1/orientation HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n",
            big.len()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(
        answer.contains("corps de requête trop volumineux"),
        "{answer}"
    );
    assert!(!answer.contains("Failed to buffer"), "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_made_around_the_handlers_are_french_problems_on_the_api() {
    let app = TestApp::empty().await;
    let res = client()
        .delete(app.url("/api/v1/status"))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["allow"].to_str().unwrap().contains("GET"));
    let (status, body) = problem(res).await;
    assert_eq!(status, 405);
    assert_eq!(body["title"], "Méthode non autorisée");
    assert!(
        body["detail"].as_str().unwrap().contains("DELETE"),
        "{body}"
    );
    // A handler's own error has the problem members too.
    let (status, body) = problem(app.get("/api/v1/locate?lat=48.9").await).await;
    assert_eq!(status, 400);
    assert_eq!(body["title"], "Requête incorrecte");
    assert_eq!(body["code"], "bad_parameter");
    assert_eq!(body["parameter"], "lon");
    // A path segment that does not parse.
    let (status, body) = problem(app.get("/tiles/qpv/douze/1/2.mvt").await).await;
    assert_eq!(status, 400, "{body}");
    // Pages answer French HTML, whatever the error.
    let res = client().delete(app.url("/annuaire")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(res.text().await.unwrap().contains("Méthode non autorisée"));
}

#[tokio::test(flavor = "multi_thread")]
async fn free_text_fields_are_capped_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start(registry_state(dir.path()).await).await;
    let mut long = referral();
    long["profile"]["description"] = json!("é".repeat(5_001));
    let res = client()
        .post(app.url("/api/v1/referrals"))
        .json(&long)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "profile.description");
    assert!(
        body["detail"].as_str().unwrap().contains("5000 au plus"),
        "{body}"
    );
    let mut themes = referral();
    themes["profile"]["themes"] = json!(vec!["jeunesse"; 31]);
    let res = client()
        .post(app.url("/api/v1/referrals"))
        .json(&themes)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "profile.themes");
    let mut scheme = referral();
    scheme["scheme"] = json!("x".repeat(201));
    let (status, body) = app.post_json("/api/v1/referrals", &scheme).await;
    assert_eq!(status, 400);
    assert_eq!(body["parameter"], "scheme");
    let mut form: Vec<(&str, String)> = REFERRAL_FORM
        .iter()
        .map(|(k, v)| (*k, (*v).to_owned()))
        .collect();
    form.push(("description", "x".repeat(5_001)));
    let res = client()
        .post(app.url("/mises-en-relation"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("description trop longue")
    );
    assert_eq!(referral_count(&app).await, 0);
    let (status, _) = app
        .post_json(
            "/api/v1/orientation",
            &json!({"description": "x".repeat(5_001)}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_past_the_rate_limit_get_a_french_429() {
    let dir = tempfile::tempdir().unwrap();
    let state = registry_state(dir.path())
        .await
        .with_write_rate(WriteRate { per_minute: 3 });
    let app = TestApp::start(state).await;
    for _ in 0..3 {
        let (status, body) = app.post_json("/api/v1/referrals", &referral()).await;
        assert_eq!(status, 201, "{body}");
    }
    let res = client()
        .post(app.url("/api/v1/referrals"))
        .json(&referral())
        .send()
        .await
        .unwrap();
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=21).contains(&wait), "{wait}");
    let (status, body) = problem(res).await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], "too_many_requests");
    assert!(
        body["detail"].as_str().unwrap().contains("3 par minute"),
        "{body}"
    );
    let res = client()
        .post(app.url("/mises-en-relation"))
        .form(REFERRAL_FORM)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("Trop de demandes"));
    assert_eq!(referral_count(&app).await, 3);
    // The orientation computes and stores nothing: not limited.
    for _ in 0..5 {
        let (status, _) = app
            .post_json("/api/v1/orientation", &json!({"holder": "person"}))
            .await;
        assert_eq!(status, 200);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn absolute_links_come_from_the_public_url_never_from_request_headers() {
    let dir = tempfile::tempdir().unwrap();
    let public = PublicUrl::parse("https://essor.example.fr").unwrap();
    let app = TestApp::start(registry_state(dir.path()).await.with_public_url(public)).await;
    let hostile = |req: reqwest::RequestBuilder| {
        req.header("host", "attaquant.example")
            .header("x-forwarded-proto", "javascript")
            .header("x-forwarded-host", "attaquant.example")
    };
    let page = hostile(client().get(app.url("/orientation?holder=person")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("https://essor.example.fr/orientation?holder=person"),
        "{page}"
    );
    assert!(!page.contains("javascript:"));
    assert!(!page.contains("attaquant.example"));
    let (status, created) = app.post_json("/api/v1/referrals", &referral()).await;
    assert_eq!(status, 201);
    let link = created["link"].as_str().unwrap();
    let page = hostile(client().get(app.url(&format!("{link}?creee=1"))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("https://essor.example.fr{link}")));
    assert!(!page.contains("javascript:"));
    assert!(!page.contains("attaquant.example"));
    // Without --public-url, the listening address, whatever Host says.
    let plain = TestApp::start(registry_state(dir.path()).await).await;
    let page = hostile(client().get(plain.url("/orientation?holder=person")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("http://{}/orientation?holder=person", plain.addr)),
        "{page}"
    );
    assert!(!page.contains("attaquant.example"));
}
