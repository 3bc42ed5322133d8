//! Territories: their indicators, and the files of their diagnostic pack.

/// `GET /api/v1/territories/{level}/{code}/actors.geojson`.
pub mod actors_geojson;
/// `GET /api/v1/territories/{level}/{code}`.
pub mod get;
/// `GET /api/v1/territories/{level}/{code}/indicators.csv`.
pub mod indicators_csv;
/// `GET /api/v1/territories/{level}/{code}/qpv.geojson`.
pub mod qpv_geojson;
/// `GET /api/v1/territories/{level}/{code}/report.html`.
pub mod report;
/// `GET /api/v1/territories/search`.
pub mod search;

use crate::AppState;
use crate::dossier::{self, DossierError};
use crate::error::ApiError;
use crate::territories;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use essor_observatory::pack::PackData;

/// The pack data of `level:code`, or the API error saying why there is none.
pub async fn pack_data(state: &AppState, level: &str, code: &str) -> Result<PackData, ApiError> {
    let level = get::level(level)?;
    let t = territories::resolve(state, level, code).ok_or_else(|| {
        ApiError::not_found(format!(
            "territoire inconnu : {} « {code} »",
            level.label().to_lowercase()
        ))
    })?;
    dossier::pack_data(state, t).await.map_err(|e| match e {
        DossierError::Store(e) => ApiError::from(e),
        DossierError::NotAPlace => ApiError::bad_parameter("level", e.to_string()),
        e => ApiError::not_found(e.to_string()),
    })
}

/// A file answer: its type, its name for a download, its text.
pub fn file(
    content_type: &'static str,
    name: String,
    body: impl Into<axum::body::Body>,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        Into::<axum::body::Body>::into(body),
    )
        .into_response()
}
