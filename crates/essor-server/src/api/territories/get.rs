//! A territory and its indicators.

use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use crate::store::{DataStatus, TerritoryLevel};
use crate::territories;
use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

/// A territory with the indicators the store has for it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TerritoryAnswer {
    #[schema(example = "qpv")]
    pub level: String,
    #[schema(example = "QP093028")]
    pub code: String,
    #[schema(example = "Franc Moisin - Cosmonautes - Cristino Garcia - Landy")]
    pub name: String,
    /// Indicateurs, mêmes noms que `indicators.csv` ; vide tant qu'aucune donnée n'est chargée,
    /// null pour une valeur non publiée (secret statistique).
    #[schema(value_type = Object)]
    pub indicators: serde_json::Map<String, serde_json::Value>,
    /// Ce que contient le magasin de données (chargé, synthétique…).
    pub data: DataStatus,
    /// Périmètre de l'ESS des indicateurs : `observatoire` (INSEE / ESS France) ou `sirene`
    /// (indicateur ESS du répertoire) ; absent sans données (issue 14).
    #[schema(example = "observatoire")]
    pub perimeter: Option<String>,
    /// Géographie prioritaire servie.
    #[schema(example = "QPV 2015")]
    pub qpv_geography: String,
    /// Pour la géographie de 2015 : qu'elle est remplacée depuis 2024 (issue 14).
    #[schema(
        example = "géographie 2015, remplacée depuis le 1er janvier 2024 (métropole) / 2025 (outre-mer)"
    )]
    pub qpv_geography_note: Option<String>,
}

/// A value as JSON: whole numbers (counts) as integers, others as decimals, `null` when not
/// published.
fn number(value: Option<f64>) -> serde_json::Value {
    match value {
        None => serde_json::Value::Null,
        Some(v) if v.fract() == 0.0 && v.abs() < 9e15 => serde_json::Value::from(v as i64),
        Some(v) => serde_json::Value::from(v),
    }
}

/// Parses a level code, with the list of levels in the message.
pub fn level(code: &str) -> Result<TerritoryLevel, ApiError> {
    TerritoryLevel::from_code(code).ok_or_else(|| {
        let all: Vec<&str> = TerritoryLevel::PLACES
            .iter()
            .chain(&TerritoryLevel::GROUPINGS)
            .map(|l| l.code())
            .collect();
        ApiError::bad_parameter(
            "level",
            format!("niveau « {code} » inconnu ; niveaux : {}", all.join(", ")),
        )
    })
}

/// Parses the level of a place (`territory=` filters and maps): the groupings of
/// `indicators.csv` (`qpv_total`…) are figures, not places.
pub fn place_level(code: &str) -> Result<TerritoryLevel, ApiError> {
    let l = level(code)?;
    if l.is_place() {
        return Ok(l);
    }
    let places: Vec<&str> = TerritoryLevel::PLACES.iter().map(|l| l.code()).collect();
    Err(ApiError::bad_parameter(
        "territory",
        format!(
            "« {code} » est un regroupement de l'observatoire, pas un territoire ; niveaux : {}",
            places.join(", ")
        ),
    ))
}

/// Indicateurs d'un territoire
#[utoipa::path(
    get,
    operation_id = "getTerritory",
    path = "/api/v1/territories/{level}/{code}",
    tag = "territoires",
    params(
        ("level" = String, Path, description = "france, region, departement, epci, commune, qpv, ou un regroupement de indicators.csv : qpv_total, hors_qpv, qpv_300m_total, qpv_500m_total, qpv_500m", example = "qpv"),
        ("code" = String, Path, description = "FR, code région, département, SIREN d'EPCI, code INSEE de commune, code QPV ; QPV, HORS_QPV, QPV_300M, QPV_500M pour les regroupements", example = "QP093028"),
    ),
    responses(
        (status = 200, description = "Le territoire et ses indicateurs", body = TerritoryAnswer),
        (status = 400, description = "Niveau inconnu", body = ErrorEnvelope),
        (status = 404, description = "Territoire inconnu", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path((level_code, code)): Path<(String, String)>,
) -> Result<Json<TerritoryAnswer>, ApiError> {
    let level = level(&level_code)?;
    let t = territories::resolve(&state, level, &code).ok_or_else(|| {
        ApiError::not_found(format!(
            "territoire inconnu : {} « {code} »",
            level.label().to_lowercase()
        ))
    })?;
    let indicators = state
        .store
        .territory(&t.reference())
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|i| (i.name, number(i.value)))
        .collect();
    Ok(Json(TerritoryAnswer {
        level: level.code().to_owned(),
        code: t.code,
        name: t.name,
        indicators,
        data: state.store.status(),
        perimeter: state
            .store
            .provenance()
            .map(|p| p.perimeter.as_str().to_owned()),
        qpv_geography: state.index.layer().geography.to_string(),
        qpv_geography_note: state.index.layer().geography.replaced().map(str::to_owned),
    }))
}
