//! `/territoires`: finding a territory without JavaScript (the search form's results, the
//! régions to browse from) and the page that asks which territory a name means when several
//! bear it (`/territoires/commune/Saint-Denis`). With JavaScript, the same fields suggest as
//! one types (`web/static/territoires.js`, over `/api/v1/territories/search`).

use super::{Layout, render};
use crate::AppState;
use crate::api::params::Params;
use crate::store::TerritoryLevel;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use essor_app::territories::search::{Entry, Match, Resolution};
use serde::Deserialize;

/// One territory of a list.
#[derive(Debug, Clone)]
pub struct Item {
    pub href: String,
    pub name: String,
    pub code: String,
    pub level_label: &'static str,
    pub context: String,
}

impl From<&Entry> for Item {
    fn from(e: &Entry) -> Self {
        Self {
            href: e.href(),
            name: e.name.clone(),
            code: e.code.clone(),
            level_label: e.level.label(),
            context: e.context.clone(),
        }
    }
}

#[derive(Debug, Template)]
#[template(path = "territoires.html")]
pub struct TerritoriesPage {
    pub layout: Layout,
    pub heading: String,
    pub q: String,
    /// A sentence above the list (what was searched, why there is a choice).
    pub message: Option<String>,
    pub items: Vec<Item>,
    /// The régions, to browse from when nothing is searched.
    pub regions: Vec<Item>,
}

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
}

/// The 18 régions, in the COG's order (overseas first), for browsing.
pub fn regions(state: &AppState) -> Vec<Item> {
    essor_refdata::cog::cog()
        .regions
        .iter()
        .filter(|r| r.is_region())
        .filter_map(|r| state.search.get(TerritoryLevel::Region, &r.code))
        .map(Item::from)
        .collect()
}

/// `GET /territoires?q=…`: the territories matching, or straight to the one a code names.
pub async fn search(State(state): State<AppState>, Params(p): Params<SearchParams>) -> Response {
    let q = p.q.unwrap_or_default().trim().to_owned();
    let mut page = TerritoriesPage {
        layout: Layout::new(&state, "Trouver un territoire", "territoires"),
        heading: "Trouver un territoire".into(),
        q: q.clone(),
        message: None,
        items: Vec::new(),
        regions: Vec::new(),
    };
    if q.is_empty() {
        page.regions = regions(&state);
        return render(StatusCode::OK, &page);
    }
    let hits = state.search.search(&q, None, 50);
    // A code (or `niveau:code`, or « Nom (code) ») names one territory: go there.
    if let [first, rest @ ..] = hits.as_slice()
        && first.matched == Match::Code
        && rest.first().is_none_or(|h| h.matched != Match::Code)
    {
        return Redirect::to(&first.entry.href()).into_response();
    }
    page.message = Some(match hits.len() {
        0 => format!(
            "Aucun territoire ne correspond à « {q} ». Essayez le nom d'une commune, d'un EPCI, d'un département, d'une région ou d'un quartier prioritaire, un code INSEE, un code postal ou un code QPV."
        ),
        1 => format!("Un territoire correspond à « {q} »."),
        n => format!("{n} territoires correspondent à « {q} », du plus proche au plus lointain."),
    });
    page.items = hits.iter().map(|h| Item::from(h.entry)).collect();
    if hits.is_empty() {
        page.regions = regions(&state);
    }
    render(StatusCode::OK, &page)
}

/// A territory page asked for by a name instead of a code (`/territoires/commune/Rennes`,
/// `/territoires/departement/ille-et-vilaine`, a lower-case QPV code): a redirection to its
/// page when the name designates one territory; the namesakes to choose from (300) or the
/// closest names (404) otherwise; `None` when nothing comes close.
pub fn by_name(state: &AppState, level: Option<TerritoryLevel>, text: &str) -> Option<Response> {
    let what = level.map_or("territoire".to_owned(), |l| l.label().to_lowercase());
    let (status, message, entries) = match state.search.resolve(text, level) {
        // 303: the name leads to that code today; a later COG may send it elsewhere.
        Resolution::Found(e) => return Some(Redirect::to(&e.href()).into_response()),
        Resolution::Ambiguous(e) => (
            StatusCode::MULTIPLE_CHOICES,
            format!(
                "Plusieurs territoires ({what}) s'appellent « {text} » : lequel cherchez-vous ?"
            ),
            e,
        ),
        Resolution::Unknown(e) if !e.is_empty() => (
            StatusCode::NOT_FOUND,
            format!(
                "Aucun territoire ({what}) ne s'appelle exactement « {text} ». Vouliez-vous dire :"
            ),
            e,
        ),
        Resolution::Unknown(_) => return None,
    };
    let page = TerritoriesPage {
        layout: Layout::new(
            state,
            format!("« {text} » : quel territoire ?"),
            "territoires",
        ),
        heading: format!("« {text} » : quel territoire ?"),
        q: text.to_owned(),
        message: Some(message),
        items: entries.into_iter().map(Item::from).collect(),
        regions: Vec::new(),
    };
    Some(render(status, &page))
}

/// `GET /territoires/{name}`: a territory by its name or code alone (`/territoires/Rennes`).
pub async fn named(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    by_name(&state, None, &name).unwrap_or_else(|| {
        let q = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>();
        Redirect::to(&format!("/territoires?q={q}")).into_response()
    })
}
