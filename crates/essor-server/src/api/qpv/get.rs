//! One QPV outline, as published.

use super::QpvFeature;
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use crate::qpv_shapes::feature_json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

/// Contour d'un QPV (GeoJSON)
#[utoipa::path(
    get,
    operation_id = "getQpv",
    path = "/api/v1/qpv/{code}",
    tag = "géographie",
    params(("code" = String, Path, description = "Code du QPV (QP… 2015, QN… 2024)", example = "QP093028")),
    responses(
        (status = 200, description = "Feature GeoJSON", body = QpvFeature, content_type = "application/geo+json"),
        (status = 404, description = "QPV inconnu dans la géographie servie", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let shape = state.shapes.get(&code).ok_or_else(|| {
        ApiError::not_found(format!(
            "QPV « {code} » inconnu dans la géographie servie ({})",
            state.index.layer().geography
        ))
    })?;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        feature_json(shape, 0.0).to_string(),
    ))
}
