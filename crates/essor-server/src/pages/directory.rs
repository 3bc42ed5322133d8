//! The directory: the actors of the store, searched and filtered with the parameters of
//! `/api/v1/actors`, paginated, with CSV and GeoJSON exports of the whole selection.

use super::{Layout, render};
use crate::AppState;
use crate::api::actors::list::{ActorListParams, query};
use crate::api::params::Params;
use crate::store::{Actor, LegalFamily, Page};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

/// One row of the results.
#[derive(Debug)]
pub struct Row {
    pub siret: String,
    pub name: String,
    pub family: &'static str,
    pub commune: String,
    pub band: String,
}

#[derive(Debug, Template)]
#[template(path = "directory.html")]
pub struct DirectoryPage {
    pub layout: Layout,
    pub families: Vec<(&'static str, &'static str)>,
    pub q: String,
    pub family: String,
    pub band: String,
    pub territory: String,
    pub error: Option<String>,
    pub total: String,
    pub rows: Vec<Row>,
    pub page: u32,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The query string of the selection, for the export links.
    pub selection: String,
}

fn band_label(band: Option<&str>) -> String {
    match band {
        Some("in") => "dans un QPV".into(),
        Some("out") => "au-delà d'1 km".into(),
        Some(t) => format!("à {t} m ou moins"),
        None => "non situé".into(),
    }
}

fn row(a: &Actor) -> Row {
    let commune = a
        .commune
        .as_deref()
        .map(|c| {
            essor_refdata::cog::cog()
                .commune(c)
                .map_or(c.to_owned(), |com| com.nom.clone())
        })
        .unwrap_or_default();
    Row {
        siret: a.siret.to_string(),
        name: a.name.clone(),
        family: a.legal_family.label(),
        commune,
        band: band_label(a.band.as_deref()),
    }
}

/// The raw query without `page` and `format`.
fn selection(raw: &str) -> String {
    raw.split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("page=") && !kv.starts_with("format="))
        .collect::<Vec<_>>()
        .join("&")
}

/// `GET /annuaire`.
pub async fn show(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Params(p): Params<ActorListParams>,
) -> Response {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let selection = selection(raw.as_deref().unwrap_or_default());
    let (result, error) = match query(&p) {
        Ok(q) => match state.store.actors(&q).await {
            Ok(page) => (Some((q, page)), None),
            Err(e) => {
                eprintln!("essor-server: {e}");
                (
                    None,
                    Some("Les données sont momentanément indisponibles.".to_owned()),
                )
            }
        },
        Err(e) => (None, Some(e.detail)),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let (page_no, per_page, page) = match result {
        Some((q, page)) => (q.page, q.per_page, page),
        None => (1, 20, Page::empty()),
    };
    let pages = page.total.div_ceil(u64::from(per_page)).max(1);
    let link = |n: u32| {
        if selection.is_empty() {
            format!("/annuaire?page={n}")
        } else {
            format!("/annuaire?{selection}&page={n}")
        }
    };
    let view = DirectoryPage {
        layout: Layout::new(&state, "Annuaire des acteurs de l'ESS", "annuaire"),
        families: LegalFamily::ALL
            .iter()
            .map(|f| (f.code(), f.label()))
            .collect(),
        q: text(&p.q),
        family: text(&p.family),
        band: text(&p.band),
        territory: text(&p.territory),
        error,
        total: crate::territories::thousands(page.total),
        rows: page.items.iter().map(row).collect(),
        page: page_no,
        pages,
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (u64::from(page_no) < pages).then(|| link(page_no + 1)),
        selection,
    };
    render(status, &view)
}
