//! `/territoires/{level}/{code}/dossier`: the diagnostic pack's report, for people (a
//! French error page rather than the API's JSON envelope when there is none).

use super::errors;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;

/// `GET /territoires/{level}/{code}/dossier`.
pub async fn show(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Response {
    match crate::api::territories::report::render(&state, &level, &code).await {
        Ok(html) => crate::api::territories::file(
            "text/html; charset=utf-8",
            format!("diagnostic-{level}-{code}.html"),
            html,
        ),
        Err(e) => errors::from_api(&state, e),
    }
}
