//! The indicators a territory's pack compares, as CSV.

use super::{file, pack_data};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use axum::extract::{Path, State};
use axum::response::Response;

/// Indicateurs du dossier d'un territoire (CSV)
///
/// Les lignes que compare le dossier de diagnostic : le territoire, la France, l'ensemble des
/// QPV, puis chacun de ses QPV et chacun avec ses abords (500 m). Mêmes colonnes, même format
/// que `indicators.csv` de `essor diagnose`.
#[utoipa::path(
    get,
    operation_id = "getTerritoryIndicatorsCsv",
    path = "/api/v1/territories/{level}/{code}/indicators.csv",
    tag = "territoires",
    params(
        ("level" = String, Path, description = "france, region, departement, epci, commune ou qpv", example = "qpv"),
        ("code" = String, Path, description = "FR, code région, département, SIREN d'EPCI, code INSEE de commune ou code QPV", example = "QP093028"),
    ),
    responses(
        (status = 200, description = "Les indicateurs, une ligne par territoire", content_type = "text/csv", body = String),
        (status = 400, description = "Niveau inconnu ou sans dossier", body = ErrorEnvelope),
        (status = 404, description = "Territoire inconnu ou sans chiffres", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let data = pack_data(&state, &level, &code).await?;
    let mut csv = Vec::new();
    essor_observatory::indicators::write_csv(data.rows(), &mut csv).map_err(|e| {
        tracing::error!(error = %e, "indicators CSV");
        ApiError::internal()
    })?;
    Ok(file(
        "text/csv; charset=utf-8",
        format!("indicateurs-{level}-{code}.csv"),
        String::from_utf8_lossy(&csv).into_owned(),
    ))
}
