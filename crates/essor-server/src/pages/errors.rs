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

/// A 403 page: the person is signed in but may not see this (a French sentence says who
/// may).
pub fn forbidden(state: &AppState, message: &str) -> Response {
    let mut message = message.to_owned();
    if let Some(first) = message.get(..1) {
        message = first.to_uppercase() + &message[1..];
    }
    let page = ErrorPage {
        layout: Layout::new(state, "Accès refusé", ""),
        heading: "Accès refusé".into(),
        message: format!(
            "{message}. Si vous pensez devoir y accéder, demandez ce rôle à l'administrateur de votre organisation."
        ),
    };
    render(StatusCode::FORBIDDEN, &page)
}

/// An error page for an API error met while making a page (its status, its French detail).
pub fn from_api(state: &AppState, e: crate::error::ApiError) -> Response {
    let heading = match e.status {
        StatusCode::NOT_FOUND => "Page introuvable",
        StatusCode::BAD_REQUEST => "Demande incorrecte",
        StatusCode::SERVICE_UNAVAILABLE => return unavailable(state),
        StatusCode::FORBIDDEN => "Demande refusée",
        StatusCode::PAYLOAD_TOO_LARGE => "Demande trop volumineuse",
        StatusCode::TOO_MANY_REQUESTS => "Trop de demandes",
        s if s.is_client_error() => crate::error::status_title(s),
        _ => "Erreur du serveur",
    };
    let mut detail = e.detail;
    let mut chars = detail.chars();
    if let Some(first) = chars.next() {
        detail = first.to_uppercase().collect::<String>() + chars.as_str();
    }
    if !detail.ends_with('.') {
        detail.push('.');
    }
    let page = ErrorPage {
        layout: Layout::new(state, heading, ""),
        heading: heading.into(),
        message: detail,
    };
    render(e.status, &page)
}

/// The page of a single-use link (invitation, password reset) that opens nothing: 404 for an
/// unknown one, 410 for an expired or used one (`what` says which link, `again` how to get
/// another), 503 without accounts, 500 (logged) on a backend failure. Never cached, never
/// sent as `Referer`.
pub fn closed_link(
    state: &AppState,
    failure: Option<crate::registry::RegistryFailure>,
    what: &str,
    again: &str,
) -> Response {
    use crate::registry::RegistryFailure;
    use axum::response::IntoResponse;
    let (status, heading, message) = match failure {
        None => (
            StatusCode::NOT_FOUND,
            "Lien inconnu",
            format!(
                "Ce {what} ne correspond à rien : vérifiez qu'il a été copié en entier. {again}"
            ),
        ),
        Some(RegistryFailure::LinkClosed(why)) => {
            let mut why = why;
            if let Some(first) = why.get(..1) {
                why = first.to_uppercase() + &why[1..];
            }
            (StatusCode::GONE, "Lien périmé", format!("{why}. {again}"))
        }
        Some(RegistryFailure::Disabled) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Comptes non activés",
            "Les comptes ne sont pas activés sur ce serveur.".to_owned(),
        ),
        Some(e) => {
            tracing::error!(error = %e, "single-use link");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur du serveur",
                "Ce lien ne peut pas être lu pour le moment ; réessayez dans un instant."
                    .to_owned(),
            )
        }
    };
    let page = ErrorPage {
        layout: Layout::new(state, heading, "compte"),
        heading: heading.into(),
        message,
    };
    (crate::api::referrals::PRIVATE, render(status, &page)).into_response()
}

/// A 503 page when the store cannot answer.
pub fn unavailable(state: &AppState) -> Response {
    let page = ErrorPage {
        layout: Layout::new(state, "Données indisponibles", ""),
        heading: "Données momentanément indisponibles".into(),
        message: "Les données ne peuvent pas être lues pour le moment ; réessayez dans quelques instants.".into(),
    };
    render(StatusCode::SERVICE_UNAVAILABLE, &page)
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
