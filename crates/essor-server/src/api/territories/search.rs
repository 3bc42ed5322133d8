//! Finding a territory by what is typed: the suggestions of every territory field
//! (`web/static/territoires.js`) and anyone's search. The index and its ranking are the
//! application's ([`essor_app::territories::search`]); this adds the page address, the value a
//! field shows and the box a map frames.

use crate::AppState;
use crate::api::params::{self, Params};
use crate::error::{ApiError, ErrorEnvelope};
use crate::store::TerritoryLevel;
use axum::Json;
use axum::extract::State;
use essor_app::territories::search::{Hit, Match};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Ce qui est tapé : nom (accents, majuscules et traits d'union indifférents, début de mot accepté), code INSEE de commune, code postal, code de département ou de région, SIREN d'EPCI, code QPV, ou NIVEAU:CODE.
    #[param(value_type = String, example = "rennes")]
    pub q: Option<String>,
    /// Seulement ce niveau : region, departement, epci, commune ou qpv.
    #[param(value_type = Option<String>, example = "commune")]
    pub level: Option<String>,
    /// Nombre de réponses, 1 à 50 (10 par défaut).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 50, example = 10)]
    pub limit: Option<String>,
}

/// Un territoire trouvé.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TerritoryHit {
    #[schema(example = "commune")]
    pub level: String,
    /// Le niveau en français.
    #[schema(example = "Commune")]
    pub level_label: String,
    #[schema(example = "35238")]
    pub code: String,
    #[schema(example = "Rennes")]
    pub name: String,
    /// Ce qui le distingue de ses homonymes : département d'une commune, nature et départements d'un EPCI, communes d'un QPV.
    #[schema(example = "Ille-et-Vilaine (35)")]
    pub context: String,
    /// Ce qu'un champ de territoire affiche une fois le territoire choisi, et relit sans ambiguïté (paramètre `territory` de l'annuaire et de la carte).
    #[schema(example = "Rennes (35238)")]
    pub value: String,
    /// Adresse de sa page.
    #[schema(example = "/territoires/commune/35238")]
    pub href: String,
    /// Comment il correspond : code, region_code, postcode, name, name_prefix, word_prefix, place (nom de ses communes), code_prefix ; du meilleur au moins bon.
    #[schema(example = "name")]
    pub matched: String,
    /// Emprise [minLon, minLat, maxLon, maxLat] en degrés WGS84, pour y cadrer une carte ; null si inconnue.
    #[schema(example = json!([-1.7525, 48.0769, -1.6244, 48.1549]))]
    pub bbox: Option<[f64; 4]>,
}

/// Réponse d'une recherche de territoire.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TerritorySearchAnswer {
    #[schema(example = "rennes")]
    pub query: String,
    /// Du plus pertinent au moins pertinent : code exact, code postal, nom exact, début du nom, début des mots, puis, à égalité, le niveau le plus large et la population la plus grande.
    pub items: Vec<TerritoryHit>,
}

fn matched(m: Match) -> &'static str {
    match m {
        Match::Code => "code",
        Match::RegionCode => "region_code",
        Match::Postcode => "postcode",
        Match::Name => "name",
        Match::NamePrefix => "name_prefix",
        Match::WordPrefix => "word_prefix",
        Match::Place => "place",
        Match::CodePrefix => "code_prefix",
    }
}

/// The JSON of hits, with their boxes (blocking the first time the outlines are read).
pub fn hits_json(state: &AppState, hits: &[Hit<'_>]) -> Vec<TerritoryHit> {
    hits.iter()
        .map(|h| {
            let e = h.entry;
            TerritoryHit {
                level: e.level.code().to_owned(),
                level_label: e.level.label().to_owned(),
                code: e.code.clone(),
                name: e.name.clone(),
                context: e.context.clone(),
                value: e.field_value(),
                href: e.href(),
                matched: matched(h.matched).to_owned(),
                bbox: crate::pages::territory::bbox_of(state, e.level, &e.code)
                    .map(|b| b.map(|v| (v * 100_000.0).round() / 100_000.0)),
            }
        })
        .collect()
}

/// Rechercher un territoire
///
/// Les régions, départements, EPCI, communes (avec leurs codes postaux) et QPV dont le nom ou
/// le code correspond à ce qui est tapé, du plus pertinent au moins pertinent, avec l'adresse
/// de leur page et leur emprise. Sert les suggestions des champs de territoire.
#[utoipa::path(
    get,
    operation_id = "searchTerritories",
    path = "/api/v1/territories/search",
    tag = "territoires",
    params(SearchParams),
    responses(
        (status = 200, description = "Les territoires trouvés (liste vide si aucun)", body = TerritorySearchAnswer),
        (status = 400, description = "Recherche absente, niveau inconnu ou nombre hors limites", body = ErrorEnvelope),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Params(p): Params<SearchParams>,
) -> Result<Json<TerritorySearchAnswer>, ApiError> {
    let q =
        p.q.as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .ok_or_else(|| {
                ApiError::missing_parameter("q", "nom, code ou code postal attendu, ex. q=rennes")
            })?
            .to_owned();
    let level = match p.level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => Some(
            TerritoryLevel::from_code(l)
                .filter(|l| l.is_place() && *l != TerritoryLevel::France)
                .ok_or_else(|| {
                    ApiError::bad_parameter(
                        "level",
                        format!(
                            "« {l} » inconnu ; niveaux : region, departement, epci, commune, qpv"
                        ),
                    )
                })?,
        ),
    };
    let limit = params::integer("limit", p.limit.as_deref(), 1..=50)?.unwrap_or(10) as usize;
    let items = tokio::task::spawn_blocking(move || {
        let hits = state.search.search(&q, level, limit);
        (hits_json(&state, &hits), q)
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "territory search");
        ApiError::internal()
    })?;
    Ok(Json(TerritorySearchAnswer {
        query: items.1,
        items: items.0,
    }))
}
