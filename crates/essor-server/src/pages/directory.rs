//! The directory: the actors of the store, searched and filtered with the parameters of
//! `/api/v1/actors`, paginated, with CSV and GeoJSON exports of the whole selection.

use super::{Layout, render};
use crate::AppState;
use crate::api::actors::list::{ActorListParams, FacetsJson, query};
use crate::api::params::Params;
use crate::store::{Actor, ActorFacets, Page};
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

/// One checkbox of a facet: its value, label, count under the other filters, and whether it
/// is checked.
#[derive(Debug)]
pub struct FacetBox {
    pub value: String,
    pub label: String,
    pub count: String,
    pub checked: bool,
    /// `id` of the input (facet name and value).
    pub id: String,
}

/// A group of checkboxes.
#[derive(Debug)]
pub struct FacetGroup {
    /// Parameter name (`family`, `sector`, `band`, `employer`).
    pub name: &'static str,
    pub legend: &'static str,
    pub boxes: Vec<FacetBox>,
}

#[derive(Debug, Template)]
#[template(path = "directory.html")]
pub struct DirectoryPage {
    pub layout: Layout,
    pub q: String,
    pub territory: String,
    /// Checkbox groups with counts (empty when the store could not answer).
    pub facets: Vec<FacetGroup>,
    pub error: Option<String>,
    pub total: String,
    pub rows: Vec<Row>,
    pub page: u32,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The query string of the selection, for the export links.
    pub selection: String,
    /// When the territory typed names several (or none exactly): (link to the same
    /// selection on that territory, its description), to choose from.
    pub choices: Vec<(String, String)>,
}

/// The territory field as shown: « Saint-Denis (93066) » for `commune:93066`, else as typed.
fn territory_text(state: &AppState, typed: &str) -> String {
    match crate::api::actors::list::territory_filter(&state.search, typed) {
        Ok(t) => state
            .search
            .get(t.level, &t.code)
            .map_or_else(|| typed.to_owned(), |e| e.field_value()),
        Err(_) => typed.to_owned(),
    }
}

/// The territories a field's text may mean, each as a link to the same selection on it.
fn territory_choices(state: &AppState, raw: &str, typed: &str) -> Vec<(String, String)> {
    use essor_app::territories::search::Resolution;
    let entries = match state.search.resolve(typed, None) {
        Resolution::Found(_) => return Vec::new(),
        Resolution::Ambiguous(e) | Resolution::Unknown(e) => e,
    };
    entries
        .into_iter()
        .map(|e| {
            let pairs = form_urlencoded::parse(raw.as_bytes())
                .filter(|(k, _)| k != "territory" && k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .chain([("territory".to_owned(), e.field_value())]);
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            (
                format!("/annuaire?{query}"),
                crate::api::actors::list::describe(e),
            )
        })
        .collect()
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
        family: a.legal_family.singular_label(),
        commune,
        band: band_label(a.band.map(|b| b.to_string()).as_deref()),
    }
}

/// The raw query without `page` and `format`.
fn selection(raw: &str) -> String {
    raw.split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("page=") && !kv.starts_with("format="))
        .collect::<Vec<_>>()
        .join("&")
}

/// The checkbox groups of the directory, from the store's facets; boxes checked as in `p`.
fn facet_groups(f: &ActorFacets, p: &ActorListParams) -> Vec<FacetGroup> {
    let json = FacetsJson::from(f);
    let group = |name: &'static str,
                 legend: &'static str,
                 values: Vec<crate::api::actors::list::FacetValue>,
                 chosen: &Option<String>| {
        let chosen: Vec<&str> = chosen
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .collect();
        FacetGroup {
            name,
            legend,
            boxes: values
                .into_iter()
                .map(|v| FacetBox {
                    checked: chosen.contains(&v.value.as_str()),
                    id: format!("{name}-{}", v.value),
                    count: crate::territories::thousands(v.count),
                    value: v.value,
                    label: v.label,
                })
                .collect(),
        }
    };
    vec![
        group("family", "Famille juridique", json.family, &p.family),
        group("sector", "Secteur d'activité", json.sector, &p.sector),
        group("band", "Proximité d'un QPV", json.band, &p.band),
        group("employer", "Employeur", json.employer, &p.employer),
    ]
}

/// `GET /annuaire`.
pub async fn show(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Params(p): Params<ActorListParams>,
) -> Response {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let selection = selection(raw.as_deref().unwrap_or_default());
    let (result, error) = match query(&p, &state.search) {
        Ok(q) => match state.store.actors_and_facets(&q).await {
            Ok((page, facets)) => (Some((q, page, facets)), None),
            Err(e) => {
                tracing::error!(error = %e, "request failed");
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
    let (page_no, per_page, page, facets) = match result {
        Some((q, page, facets)) => (q.page, q.per_page, page, facet_groups(&facets, &p)),
        None => (1, 20, Page::empty(), Vec::new()),
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
        q: text(&p.q),
        territory: territory_text(&state, &text(&p.territory)),
        choices: match p.territory.as_deref() {
            Some(t) if !t.trim().is_empty() && error.is_some() => {
                territory_choices(&state, raw.as_deref().unwrap_or_default(), t)
            }
            _ => Vec::new(),
        },
        facets,
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
