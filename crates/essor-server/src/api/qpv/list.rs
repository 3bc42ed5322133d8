//! The QPV that meet a box, simplified for the zoom they will be drawn at.

use super::QpvFeatureCollection;
use crate::AppState;
use crate::api::params::{self, Params};
use crate::error::{ApiError, ErrorEnvelope};
use crate::qpv_shapes::feature_json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QpvListParams {
    /// Emprise minLon,minLat,maxLon,maxLat en degrés WGS84.
    #[param(value_type = String, required = true, example = "2.33,48.90,2.40,48.94")]
    pub bbox: Option<String>,
    /// Niveau de zoom d'affichage (0 à 22) : les contours sont simplifiés au demi-pixel de ce
    /// zoom. Sans zoom, la simplification suit la largeur de l'emprise (écran de 1024 px) ;
    /// `zoom=22` rend les contours publiés.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 22, example = 13)]
    pub zoom: Option<String>,
}

/// Degrees per half pixel at a zoom (256-pixel tiles).
fn tolerance_at_zoom(zoom: u32) -> f64 {
    360.0 / (256.0 * f64::from(1u32 << zoom)) / 2.0
}

/// QPV dans une emprise (GeoJSON)
///
/// Les QPV de la géographie servie dont l'emprise rencontre `bbox`, en FeatureCollection
/// GeoJSON (WGS84), propriétés `code`, `name`, `communes`.
#[utoipa::path(
    get,
    operation_id = "listQpv",
    path = "/api/v1/qpv",
    tag = "géographie",
    params(QpvListParams),
    responses(
        (status = 200, description = "FeatureCollection GeoJSON", body = QpvFeatureCollection, content_type = "application/geo+json"),
        (status = 400, description = "Emprise ou zoom invalide", body = ErrorEnvelope),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(p): Params<QpvListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let b = params::bbox(p.bbox.as_deref())?;
    let tolerance = match params::integer("zoom", p.zoom.as_deref(), 0..=22)? {
        Some(22) => 0.0,
        Some(z) => tolerance_at_zoom(z),
        None => (b.max_lon - b.min_lon) / 2048.0,
    };
    let features: Vec<serde_json::Value> = state
        .shapes
        .in_bbox([b.min_lon, b.min_lat], [b.max_lon, b.max_lat])
        .into_iter()
        .map(|s| feature_json(s, tolerance))
        .collect();
    let body = serde_json::json!({ "type": "FeatureCollection", "features": features });
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        body.to_string(),
    ))
}
