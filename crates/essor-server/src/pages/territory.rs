//! A territory page: name, facts from the reference data, indicators from the store.

use super::{Layout, errors, render};
use crate::AppState;
use crate::store::{Indicator, TerritoryLevel};
use crate::territories::{self, Territory};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Debug, Template)]
#[template(path = "territory.html")]
pub struct TerritoryPage {
    pub layout: Layout,
    pub territory: Territory,
    pub level_label: &'static str,
    /// (level code, code, name) for links.
    pub parents: Vec<(&'static str, String, String)>,
    pub indicators: Vec<(String, String)>,
    pub is_qpv: bool,
}

fn format_value(i: &Indicator) -> String {
    match i.value {
        None => "non publié".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}").replace('.', ","),
    }
}

/// `GET /territoires/{level}/{code}`.
pub async fn show(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Response {
    let Some(level) = TerritoryLevel::from_code(&level) else {
        return errors::not_found(
            &state,
            format!(
                "Niveau de territoire « {level} » inconnu : region, departement, epci, commune ou qpv."
            ),
        );
    };
    let Some(territory) = territories::resolve(&state, level, &code) else {
        return errors::not_found(
            &state,
            format!(
                "Aucun territoire « {code} » au niveau {}.",
                level.label().to_lowercase()
            ),
        );
    };
    let indicators = match state.store.territory(&territory.reference()).await {
        Ok(found) => found
            .unwrap_or_default()
            .iter()
            .map(|i| (i.name.clone(), format_value(i)))
            .collect(),
        Err(e) => {
            eprintln!("essor-server: {e}");
            Vec::new()
        }
    };
    let page = TerritoryPage {
        layout: Layout::new(
            &state,
            format!("{} — {}", territory.name, level.label()),
            "",
        ),
        level_label: level.label(),
        parents: territory
            .parents
            .iter()
            .map(|(l, c, n)| (l.code(), c.clone(), n.clone()))
            .collect(),
        indicators,
        is_qpv: level == TerritoryLevel::Qpv,
        territory,
    };
    render(StatusCode::OK, &page)
}
