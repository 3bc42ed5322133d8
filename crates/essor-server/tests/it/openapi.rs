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
