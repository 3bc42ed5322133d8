//! `/methodologie`: how every figure is computed — the observatory's rules, with an anchor
//! per rule that the figures of the other pages link to — and where the loaded data come
//! from (the store's provenance).

use super::{Layout, ProvenanceView, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use essor_observatory::methodology;

#[derive(Debug, Template)]
#[template(path = "methodology.html")]
pub struct MethodologyPage {
    pub layout: Layout,
    /// The rules as HTML, with anchors.
    pub rules: String,
    pub provenance: Option<ProvenanceView>,
    pub qpv_geography: String,
}

/// The rules without their first heading (the page's title says it).
fn rules_html() -> String {
    let md = methodology::rules();
    let md = md.strip_prefix("## Méthodologie").unwrap_or(md);
    methodology::html_with_anchors(md)
}

/// `GET /methodologie`.
pub async fn show(State(state): State<AppState>) -> Response {
    let page = MethodologyPage {
        layout: Layout::new(&state, "Méthodologie des chiffres", "methodologie"),
        rules: rules_html(),
        provenance: state.store.provenance().map(ProvenanceView::new),
        qpv_geography: state.index.layer().geography.to_string(),
    };
    render(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_keep_their_anchors_and_lose_their_title() {
        let html = rules_html();
        assert!(!html.contains(">Méthodologie</h2>"));
        assert!(html.contains("<li id=\"emplois-estimes\"><em>Emplois estimés</em>"));
    }
}
