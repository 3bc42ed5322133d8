//! The HTML pages, French and in the DSFR look. Each page is an askama template in
//! `templates/` extending `base.html`, which draws the header, the navigation, the
//! "démonstration" banner (when the store says its data are synthetic) and the footer.

/// `/connexion`, `/compte`, `/deconnexion`.
pub mod account;
/// `/acteurs/{siret}`.
pub mod actor;
/// `/api/docs`.
pub mod api_docs;
/// Inline SVG charts.
pub mod charts;
/// Dates in French.
pub mod dates;
/// `/annuaire`.
pub mod directory;
/// `/territoires/{level}/{code}/dossier`.
pub mod dossier;
/// Error pages.
pub mod errors;
/// The fields of a posted form.
pub mod form;
/// French number formatting.
pub use essor_model::french as format;
/// `/`.
pub mod home;
/// `/invitation/{token}`, `POST /compte/invitations`.
pub mod invitation;
/// `/carte`.
pub mod map;
/// `/methodologie`.
pub mod methodology;
/// `/connexion/oidc`, `/connexion/oidc/retour`: signing in through an OpenID Connect provider.
pub mod oidc;
/// An organisation's private pages: members, audit log, referrals received.
pub mod organisation;
/// `/orientation`.
pub mod orientation;
/// The guided orientation form.
pub mod orientation_form;
/// `/mot-de-passe-oublie`, `/reinitialiser/{token}`.
pub mod password;
/// `/mises-en-relation`.
pub mod referrals;
/// `/dispositifs`.
pub mod schemes;
/// `/territoires`: the territory search without JavaScript, and the choice among namesakes.
pub mod territories;
/// `/territoires/{level}/{code}`.
pub mod territory;

use crate::AppState;
use crate::store::{DataStatus, Provenance};
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
    /// The served QPV layer is the embedded 2015 geography, replaced since 2024: every page
    /// says so (issue 14).
    pub replaced_geography: bool,
}

impl Layout {
    pub fn new(state: &AppState, title: impl Into<String>, section: &'static str) -> Self {
        Self {
            title: title.into(),
            section,
            data: state.store.status(),
            replaced_geography: state.index.layer().geography == essor_model::QpvGeography::Qpv2015,
        }
    }
}

/// Renders a template with a status; a template failure is a 500 page in plain French.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur interne du serveur.",
            )
                .into_response()
        }
    }
}

/// The store's provenance as pages write it: dates in words, sizes in units, the run's
/// facts as HTML.
#[derive(Debug, Clone)]
pub struct ProvenanceView {
    /// « 2 mars 2026 ».
    pub computed_on: String,
    pub qpv_geography: String,
    /// (role, file name, file date in words, size).
    pub sources: Vec<(String, String, String, String)>,
    /// The facts of the run (files, rows read, located, anomalies), HTML.
    pub run_facts: String,
}

impl ProvenanceView {
    pub fn new(p: Provenance) -> Self {
        let facts = p.run_facts.trim_start();
        let facts = facts
            .strip_prefix("## Données de ce calcul")
            .unwrap_or(facts);
        Self {
            computed_on: format::date(&p.computed_on),
            qpv_geography: p.qpv_geography,
            sources: p
                .sources
                .into_iter()
                .map(|s| {
                    (
                        s.role,
                        s.name,
                        s.modified_on
                            .as_deref()
                            .map(format::date)
                            .unwrap_or_default(),
                        size(s.bytes),
                    )
                })
                .collect(),
            run_facts: essor_observatory::methodology::html_with_anchors(facts),
        }
    }
}

/// A file size in French units: « 3,4 ko », « 2,2 Go ».
fn size(bytes: Option<u64>) -> String {
    let Some(b) = bytes else {
        return String::new();
    };
    let unit = |d: f64, u: &str| format!("{}\u{a0}{u}", format::decimal(b as f64 / d, 1));
    match b {
        b if b >= 1 << 30 => unit(f64::from(1u32 << 30), "Go"),
        b if b >= 1 << 20 => unit(f64::from(1u32 << 20), "Mo"),
        b if b >= 1 << 10 => unit(1024.0, "ko"),
        b => format!("{}\u{a0}octets", format::count(b)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_in_french_units() {
        assert_eq!(super::size(Some(3_500)), "3,4\u{a0}ko");
        assert_eq!(super::size(Some(2_400_000_000)), "2,2\u{a0}Go");
        assert_eq!(super::size(Some(12)), "12\u{a0}octets");
    }
}
