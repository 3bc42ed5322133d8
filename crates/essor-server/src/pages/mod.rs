//! The HTML pages, French and in the DSFR look. Each page is an askama template in
//! `templates/` extending `base.html`, which draws the header, the navigation, the
//! "démonstration" banner (when the store says its data are synthetic) and the footer.

/// `/acteurs/{siret}`.
pub mod actor;
/// `/api/docs`.
pub mod api_docs;
/// Dates in French.
pub mod dates;
/// `/annuaire`.
pub mod directory;
/// Error pages.
pub mod errors;
/// `/`.
pub mod map;
/// `/orientation`.
pub mod orientation;
/// The guided orientation form.
pub mod orientation_form;
/// `/mises-en-relation`.
pub mod referrals;
/// `/dispositifs`.
pub mod schemes;
/// `/territoires/{level}/{code}`.
pub mod territory;

use crate::AppState;
use crate::store::DataStatus;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// What every page's frame needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's own title (the site name is appended).
    pub title: String,
    /// The current section, to mark the navigation (`carte`, `api`).
    pub section: &'static str,
    pub data: DataStatus,
}

impl Layout {
    pub fn new(state: &AppState, title: impl Into<String>, section: &'static str) -> Self {
        Self {
            title: title.into(),
            section,
            data: state.store.status(),
        }
    }
}

/// Renders a template with a status; a template failure is a 500 page in plain French.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            eprintln!("essor-server: template error: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur interne du serveur.",
            )
                .into_response()
        }
    }
}
