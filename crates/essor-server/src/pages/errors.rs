//! French error pages.

use super::{Layout, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;

#[derive(Debug, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub heading: String,
    pub message: String,
}

/// A 404 page with a sentence saying what was not found.
pub fn not_found(state: &AppState, message: impl Into<String>) -> Response {
    let page = ErrorPage {
        layout: Layout::new(state, "Page introuvable", ""),
        heading: "Page introuvable".into(),
        message: message.into(),
    };
    render(StatusCode::NOT_FOUND, &page)
}

/// Any unknown address.
pub async fn fallback(State(state): State<AppState>, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        use axum::response::IntoResponse;
        return crate::error::ApiError::not_found(format!(
            "adresse d'API inconnue : {}",
            uri.path()
        ))
        .into_response();
    }
    not_found(
        &state,
        format!(
            "L'adresse {} ne correspond à aucune page d'essor.",
            uri.path()
        ),
    )
}
