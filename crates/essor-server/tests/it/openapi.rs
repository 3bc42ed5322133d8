//! The OpenAPI document is committed in `schemas/openapi.json` and must match the handlers.
//! After changing the API, regenerate it with
//! `ESSOR_UPDATE_SNAPSHOTS=1 cargo test -p essor-server --test integration openapi` and commit.

use crate::support::TestApp;
use std::path::PathBuf;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/openapi.json")
}

#[test]
fn the_openapi_document_matches_the_committed_snapshot() {
    let current = essor_server::openapi().to_pretty_json().unwrap() + "\n";
    let path = snapshot_path();
    if std::env::var_os("ESSOR_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "schemas/openapi.json is out of date: run `ESSOR_UPDATE_SNAPSHOTS=1 cargo test -p essor-server --test integration openapi` and commit the result"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_publishes_the_same_openapi_3_1_document() {
    let app = TestApp::empty().await;
    let (status, served) = app.json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
    let expected: serde_json::Value =
        serde_json::from_str(&essor_server::openapi().to_json().unwrap()).unwrap();
    assert_eq!(served, expected);
    for path in [
        "/api/v1/locate",
        "/api/v1/qpv",
        "/api/v1/qpv/{code}",
        "/api/v1/actors",
        "/api/v1/actors/{siret}",
        "/api/v1/territories/{level}/{code}",
        "/tiles/{layer}/{z}/{x}/{y}.mvt",
    ] {
        assert!(served["paths"][path].is_object(), "{path} documented");
    }
}

/// Issue 11: twelve operations were called `list` or `get` (the handlers' function names),
/// which makes the document invalid OpenAPI.
#[test]
fn every_operation_has_a_unique_operation_id() {
    let doc: serde_json::Value =
        serde_json::from_str(&essor_server::openapi().to_json().unwrap()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            if let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                panic!("operationId {id} on both {other} and {method} {path}");
            }
        }
    }
    assert!(seen.len() >= 19, "{seen:?}");
}

/// Errors are problem JSON; writes document the layers' refusals; `u32` parameters say
/// how far they go (`page=2147483648` is accepted).
#[test]
fn the_document_states_the_error_format_the_caps_and_the_integer_bounds() {
    let doc: serde_json::Value =
        serde_json::from_str(&essor_server::openapi().to_json().unwrap()).unwrap();
    let create = &doc["paths"]["/api/v1/referrals"]["post"]["responses"];
    for status in ["400", "403", "413", "414", "415", "429", "503"] {
        assert!(
            create[status]["content"]["application/problem+json"].is_object(),
            "POST /api/v1/referrals {status}: {}",
            create[status]
        );
    }
    assert!(create["201"]["content"]["application/json"].is_object());
    assert!(doc["paths"]["/api/v1/orientation"]["post"]["responses"]["429"].is_null());
    let page = doc["paths"]["/api/v1/actors"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "page")
        .unwrap();
    assert_eq!(page["schema"]["format"], "int64");
    assert_eq!(page["schema"]["maximum"], u32::MAX);
    let text = doc.to_string();
    assert!(!text.contains("\"int32\",\"minimum\":0"));
}
