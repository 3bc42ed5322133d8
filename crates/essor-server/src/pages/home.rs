//! The home page: what essor is for, and the three paths its users come for — see a
//! territory, find actors, orient a project — with the map one link away (issue 12: the home
//! page was a bare map with no entry point per kind of user). Plain HTML: every path works
//! without JavaScript.

use super::territories::Item;
use super::{Layout, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Debug, Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    /// The régions, to browse from.
    pub regions: Vec<Item>,
    pub qpv_count: String,
    pub qpv_geography: String,
    pub schemes: usize,
}

/// `GET /`.
pub async fn show(State(state): State<AppState>) -> Response {
    let layer = state.index.layer();
    let page = HomePage {
        layout: Layout::new(&state, "Accueil", "accueil"),
        regions: super::territories::regions(&state),
        qpv_count: crate::territories::thousands(layer.len() as u64),
        qpv_geography: layer.geography.to_string(),
        schemes: state.orientation.catalogue.schemes.len(),
    };
    render(StatusCode::OK, &page)
}
