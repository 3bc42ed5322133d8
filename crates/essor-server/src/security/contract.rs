//! Error answers kept in the contract: under `/api/` and `/tiles/`, RFC 9457 problem JSON
//! (see [`crate::error`]); elsewhere, a French HTML page. Handlers already answer so; what
//! this catches are the answers made around them: axum's rejections (a body over the cap,
//! "Failed to buffer the request body", in English `text/plain`), a method the route does not
//! take (405, empty), a path segment that does not parse.

use super::{BODY_LIMIT, is_api};
use crate::AppState;
use crate::error::{ApiError, PROBLEM_JSON};
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Headers of the original answer that the rewritten one keeps.
const KEPT: [HeaderName; 4] = [
    header::ALLOW,
    header::RETRY_AFTER,
    header::CACHE_CONTROL,
    header::REFERRER_POLICY,
];

/// The middleware.
pub async fn contract(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let api = is_api(&path);
    let conforming = if api {
        content_type.starts_with(PROBLEM_JSON)
    } else {
        content_type.starts_with("text/html")
    };
    if conforming {
        return response;
    }
    let allow = response
        .headers()
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let error = generic(status, method.as_str(), &path, &allow);
    let mut rewritten = if api {
        error.into_response()
    } else {
        crate::pages::errors::from_api(&state, error)
    };
    for name in KEPT {
        if let Some(v) = response.headers().get(&name) {
            rewritten.headers_mut().insert(name, v.clone());
        }
    }
    rewritten
}

/// The French error of a status made outside the handlers.
pub fn generic(status: StatusCode, method: &str, path: &str, allow: &str) -> ApiError {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => super::guard::too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            format!("méthode {method} non acceptée sur {path} ; méthodes acceptées : {allow}"),
        ),
        StatusCode::NOT_FOUND => ApiError::not_found(format!("adresse inconnue : {path}")),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "type de contenu refusé : envoyez le corps en JSON (Content-Type: application/json)",
        ),
        s if s.is_server_error() => ApiError::internal(),
        s => ApiError::new(
            s,
            "bad_request",
            format!(
                "requête refusée ({}) : vérifiez l'adresse, ses paramètres et le corps envoyé ; le corps est limité à {} Kio",
                s.as_u16(),
                BODY_LIMIT / 1024
            ),
        ),
    }
}
