//! The map page.

use super::{Layout, render};
use crate::AppState;
use crate::store::LegalFamily;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Debug, Template)]
#[template(path = "map.html")]
pub struct MapPage {
    pub layout: Layout,
    /// (code, label) of the legal families, for the filter.
    pub families: Vec<(&'static str, &'static str)>,
    /// (code, label) of the ESS sector groups, for the filter.
    pub sectors: Vec<(&'static str, &'static str)>,
    pub qpv_count: String,
    pub qpv_geography: String,
}

/// `GET /carte`.
pub async fn show(State(state): State<AppState>) -> Response {
    let layer = state.index.layer();
    let page = MapPage {
        layout: Layout::new(
            &state,
            "Carte de l'ESS dans les quartiers prioritaires",
            "carte",
        ),
        families: LegalFamily::ESS
            .iter()
            .map(|f| (f.as_str(), f.singular_label()))
            .collect(),
        sectors: sector_options(),
        qpv_count: crate::territories::thousands(layer.len() as u64),
        qpv_geography: layer.geography.to_string(),
    };
    render(StatusCode::OK, &page)
}

/// (code, label) of the ESS sector groups, as filters offer them.
pub fn sector_options() -> Vec<(&'static str, &'static str)> {
    essor_model::sector::EssSector::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect()
}
