//! Every route declares who may reach it (`security::policy::ROUTES`), and the table is
//! checked against the router three ways: each declared route answers its method (not the
//! policy's 403, not the router's 405), each route of `router.rs` and each operation of the
//! OpenAPI document is declared, and the anonymous column of the permission matrix holds:
//! public routes answer without an account, a secret-link route opens nothing with a link
//! that does not exist, a signed-in route sends a browser to the sign-in page (the API
//! answers 401), and no route answers a 5xx. The other columns (roles) are in `roles.rs`.

use crate::support::{EMBEDDED, TILLEULS_SIRET, TestApp, fixture_store};
use essor_app::registry::SqlRegistry;
use essor_server::security::policy::{Access, ROUTES};
use std::sync::Arc;

/// A concrete address of a declared route.
fn sample(path: &str) -> String {
    let zeros = "0".repeat(64);
    let mut out = path.to_owned();
    for (param, value) in [
        ("/api/v1/qpv/{code}", "/api/v1/qpv/QP093028"),
        ("{level}/{code}", "commune/93066"),
        ("{name}", "Rennes"),
        ("{siret}", TILLEULS_SIRET),
        ("{org}", "1"),
        (
            "/organisations/1/mises-en-relation/{id}",
            "/organisations/1/mises-en-relation/1",
        ),
        ("/compte/jetons/{id}", "/compte/jetons/1"),
        ("{id}", "cjs"),
        ("{token}", zeros.as_str()),
        ("{*path}", "static/essor.css"),
        ("{layer}/{z}/{x}/{file}", "qpv/0/0/0.mvt"),
    ] {
        out = out.replace(param, value);
    }
    assert!(!out.contains('{'), "no sample for {path}");
    // The query a read needs to answer 200.
    let query = match path {
        "/mises-en-relation/nouvelle" => "?scheme=cjs",
        "/api/v1/locate" => "?lon=2.3601&lat=48.9361",
        "/api/v1/qpv" => "?bbox=2.33,48.90,2.40,48.94",
        "/api/v1/territories/search" | "/territoires" => "?q=rennes",
        _ => "",
    };
    out + query
}

async fn app(dir: &std::path::Path) -> TestApp {
    let registry = SqlRegistry::open_in(dir, Default::default())
        .await
        .expect("a registry");
    TestApp::start(
        EMBEDDED
            .with_store(Arc::new(fixture_store()))
            .with_sql_registry(registry),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_declared_route_answers_its_method_and_the_anonymous_column_of_the_matrix_holds() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path()).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for r in ROUTES {
        let url = app.url(&sample(r.path));
        let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
        let mut request = client.request(method, &url);
        // Writes to a link carry a valid change, so that only the link can refuse them.
        let link_write = r.access == Access::SecretLink;
        if r.path.starts_with("/api/") && r.method != "GET" && r.method != "DELETE" {
            request = request
                .header("content-type", "application/json")
                .body(if link_write {
                    r#"{"status":"acceptee"}"#
                } else {
                    "{}"
                });
        } else if r.method == "POST" {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(if link_write { "status=acceptee" } else { "" });
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let what = format!("{} {} ({url}) → {status}", r.method, r.path);
        assert!(status < 500, "{what}");
        assert!(status != 403 && status != 405, "{what}");
        match r.access {
            // Reads need no account; the samples exist.
            Access::Public if r.method == "GET" => {
                assert!(matches!(status, 200..=399), "{what}")
            }
            // Empty forms are refused by field, never for want of an account.
            Access::Public | Access::PublicWrite => {
                assert!(matches!(status, 200..=499) && status != 401, "{what}")
            }
            // A link that does not exist opens nothing.
            Access::SecretLink => assert_eq!(status, 404, "{what}"),
            // Without a token, the API's 401.
            Access::SignedIn | Access::Member | Access::Role(_) if r.path.starts_with("/api/") => {
                assert_eq!(status, 401, "{what}")
            }
            // Without a session, the sign-in page, then back.
            Access::SignedIn | Access::Member | Access::Role(_) => {
                assert_eq!(status, 303, "{what}");
                assert!(
                    location.starts_with("/connexion?suite=/"),
                    "{what}: {location}"
                );
            }
        }
    }
}

#[test]
fn every_route_of_the_router_and_every_api_operation_is_declared() {
    let declared = |method: &str, path: &str| {
        ROUTES
            .iter()
            .any(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
    };
    // The OpenAPI document: every operation (the tile's `{y}.mvt` is the router's `{file}`).
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/openapi.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let path = path.replace("{y}.mvt", "{file}");
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations += 1;
                assert!(
                    declared(method, &path),
                    "{method} {path} has no declared access"
                );
            }
        }
    }
    assert!(operations >= 22, "{operations}");
    // The router's own routes: each `.route("…"` of router.rs has at least one declaration.
    let source = include_str!("../../src/router.rs");
    let mut routes = 0;
    for piece in source.split(".route(").skip(1) {
        let Some(path) = piece
            .trim_start()
            .strip_prefix('"')
            .and_then(|p| p.split('"').next())
        else {
            continue;
        };
        routes += 1;
        assert!(
            ROUTES.iter().any(|r| r.path == path),
            "{path} is routed but declares no access"
        );
    }
    assert!(routes >= 20, "{routes}");
}
