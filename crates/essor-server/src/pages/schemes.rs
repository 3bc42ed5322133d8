//! `/dispositifs`: the catalogue, browsed and filtered with the parameters of
//! `/api/v1/schemes`; `/dispositifs/{id}`: one scheme with its conditions in words, amounts,
//! duration, operators, contact and source.

use super::{Layout, errors, render};
use crate::AppState;
use crate::api::params::Params;
use crate::api::schemes::list::{SchemeListParams, query};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use essor_orientation::vocab::{Holder, Kind, Need, Stage};
use essor_orientation::{Perimeter, Scheme, Source};
use essor_refdata::cog::cog;

/// A select of the filter form: (value, label, selected).
#[derive(Debug)]
pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(String, String, bool)>,
}

/// One scheme in the list.
#[derive(Debug)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kinds: Vec<&'static str>,
    pub holders: String,
    pub stages: String,
}

#[derive(Debug, Template)]
#[template(path = "dispositifs.html")]
pub struct SchemesPage {
    pub layout: Layout,
    pub filters: Vec<Filter>,
    pub q: String,
    pub error: Option<String>,
    pub rows: Vec<Row>,
    pub total: usize,
    pub catalogue_version: String,
    pub catalogue_date: String,
}

fn filter<T: Copy>(
    name: &'static str,
    label: &'static str,
    all: &[T],
    word: fn(T) -> &'static str,
    text: fn(T) -> &'static str,
    current: &Option<String>,
) -> Filter {
    let current = current.as_deref().unwrap_or_default();
    let mut options = vec![(String::new(), "Tous".to_owned(), current.is_empty())];
    options.extend(all.iter().map(|v| {
        (
            word(*v).to_owned(),
            super::orientation_form::capitalised(text(*v)),
            word(*v) == current,
        )
    }));
    Filter {
        name,
        label,
        options,
    }
}

fn labels<T: Copy>(items: &[T], text: fn(T) -> &'static str) -> String {
    items
        .iter()
        .map(|i| text(*i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `GET /dispositifs`.
pub async fn list(State(state): State<AppState>, Params(p): Params<SchemeListParams>) -> Response {
    let catalogue = &state.orientation.catalogue;
    let (selected, error) = match query(&p) {
        Ok(q) => (q.select(catalogue), None),
        Err(e) => (vec![], Some(e.detail)),
    };
    let rows: Vec<Row> = selected
        .iter()
        .map(|s| Row {
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            kinds: s.kinds.iter().map(|k| k.label()).collect(),
            holders: labels(&s.holders, Holder::label),
            stages: labels(&s.stages, Stage::label),
        })
        .collect();
    let page = SchemesPage {
        layout: Layout::new(
            &state,
            "Dispositifs d'accompagnement et de financement",
            "dispositifs",
        ),
        filters: vec![
            filter("kind", "Type", Kind::ALL, Kind::word, Kind::label, &p.kind),
            filter(
                "holder",
                "Pour qui",
                Holder::ALL,
                Holder::word,
                Holder::label,
                &p.holder,
            ),
            filter(
                "stage",
                "Étape du projet",
                Stage::ALL,
                Stage::word,
                Stage::label,
                &p.stage,
            ),
            filter(
                "need",
                "Besoin",
                Need::ALL,
                Need::word,
                Need::label,
                &p.need,
            ),
        ],
        q: p.q.clone().unwrap_or_default(),
        total: rows.len(),
        rows,
        error,
        catalogue_version: catalogue.version.clone(),
        catalogue_date: catalogue.date.clone(),
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(status, &page)
}

/// The source of a scheme, for its page.
#[derive(Debug)]
pub struct SourceView {
    /// Document title, or the official text's title.
    pub title: String,
    /// Seed file name, when the source is a seed document.
    pub file: Option<String>,
    pub passage: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "dispositif.html")]
pub struct SchemePage {
    pub layout: Layout,
    pub scheme: Scheme,
    pub kinds: Vec<&'static str>,
    pub holders: String,
    pub stages: String,
    pub needs: String,
    pub perimeter: String,
    pub source: SourceView,
    pub catalogue_version: String,
    pub catalogue_date: String,
    /// « ouvert », « appel périodique », « fermé », « à vérifier ».
    pub status: &'static str,
    /// When its facts were last checked, in French words.
    pub checked_on: String,
    /// Set when that check is older than the catalogue's freshness age (a year).
    pub stale: bool,
}

fn perimeter(p: &Perimeter) -> String {
    let cog = cog();
    match p {
        Perimeter::National => "national (France entière)".into(),
        Perimeter::Regions(codes) => format!(
            "région(s) : {}",
            codes
                .iter()
                .map(|c| cog.region(c).map_or(c.clone(), |r| r.nom.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Perimeter::Departements(codes) => format!(
            "département(s) : {}",
            codes
                .iter()
                .map(|c| cog
                    .departement(c)
                    .map_or(c.clone(), |d| format!("{} ({c})", d.nom)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `GET /dispositifs/{id}`.
pub async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let catalogue = &state.orientation.catalogue;
    let Some(scheme) = catalogue.get(&id) else {
        return errors::not_found(
            &state,
            format!(
                "Aucun dispositif « {id} » dans le catalogue {}.",
                catalogue.version
            ),
        );
    };
    let source = match &scheme.source {
        Source::Seed { file, passage } => SourceView {
            title: Source::seed_title(file)
                .unwrap_or("document source du projet")
                .to_owned(),
            file: Some(file.clone()),
            passage: Some(passage.clone()),
            link: None,
        },
        Source::Official {
            title,
            link,
            passage,
        } => SourceView {
            title: title.clone(),
            file: None,
            passage: passage.clone(),
            link: link.clone(),
        },
    };
    let needs: Vec<Need> = scheme.needs().into_iter().collect();
    let page = SchemePage {
        layout: Layout::new(&state, scheme.name.clone(), "dispositifs"),
        kinds: scheme.kinds.iter().map(|k| k.label()).collect(),
        holders: labels(&scheme.holders, Holder::label),
        stages: labels(&scheme.stages, Stage::label),
        needs: labels(&needs, Need::label),
        perimeter: perimeter(&scheme.perimeter),
        source,
        scheme: scheme.clone(),
        catalogue_version: catalogue.version.clone(),
        catalogue_date: catalogue.date.clone(),
        status: scheme.status.label(),
        checked_on: essor_orientation::freshness::french_date(&scheme.checked_on),
        stale: catalogue
            .stale_warnings(
                &essor_orientation::freshness::today_utc(),
                essor_orientation::freshness::DEFAULT_MAX_AGE_DAYS,
            )
            .iter()
            .any(|w| w.entry.as_deref() == Some(scheme.id.as_str())),
    };
    render(StatusCode::OK, &page)
}
