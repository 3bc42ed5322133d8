//! The QPV of a territory's pack, as GeoJSON.

use super::{file, pack_data};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use axum::extract::{Path, State};
use axum::response::Response;

/// QPV du dossier d'un territoire (GeoJSON)
///
/// Les contours (WGS84) des QPV situés en tout ou partie dans le territoire, avec leurs
/// chiffres clés de l'ESS (établissements employeurs, emplois estimés, part de l'emploi).
#[utoipa::path(
    get,
    operation_id = "getTerritoryQpvGeojson",
    path = "/api/v1/territories/{level}/{code}/qpv.geojson",
    tag = "territoires",
    params(
        ("level" = String, Path, description = "france, region, departement, epci, commune ou qpv", example = "epci"),
        ("code" = String, Path, description = "FR, code région, département, SIREN d'EPCI, code INSEE de commune ou code QPV", example = "200054781"),
    ),
    responses(
        (status = 200, description = "FeatureCollection de MultiPolygon (WGS84)", content_type = "application/geo+json", body = Object),
        (status = 400, description = "Niveau inconnu ou sans dossier", body = ErrorEnvelope),
        (status = 404, description = "Territoire inconnu ou sans chiffres", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let data = pack_data(&state, &level, &code).await?;
    Ok(file(
        "application/geo+json",
        format!("qpv-{level}-{code}.geojson"),
        essor_observatory::pack::qpv_geojson(state.index.layer(), &data.qpv),
    ))
}
