//! The actors of a territory's pack, as GeoJSON.

use super::{file, pack_data};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use axum::extract::{Path, State};
use axum::response::Response;

/// Acteurs du dossier d'un territoire (GeoJSON)
///
/// Les établissements actifs de l'ESS, diffusibles, du territoire et ceux situés à moins de
/// 500 m de l'un de ses QPV (pour un QPV : ceux du quartier et de ses abords), avec leur
/// identité, leur famille, leur activité et leur situation par rapport aux QPV. Jamais
/// d'unité en diffusion partielle.
#[utoipa::path(
    get,
    operation_id = "getTerritoryActorsGeojson",
    path = "/api/v1/territories/{level}/{code}/actors.geojson",
    tag = "territoires",
    params(
        ("level" = String, Path, description = "france, region, departement, epci, commune ou qpv", example = "qpv"),
        ("code" = String, Path, description = "FR, code région, département, SIREN d'EPCI, code INSEE de commune ou code QPV", example = "QP093028"),
    ),
    responses(
        (status = 200, description = "FeatureCollection de points (WGS84)", content_type = "application/geo+json", body = Object),
        (status = 400, description = "Niveau inconnu ou sans dossier", body = ErrorEnvelope),
        (status = 404, description = "Territoire inconnu ou sans chiffres", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let data = pack_data(&state, &level, &code).await?;
    let located: Vec<&essor_observatory::Actor> =
        data.actors.iter().filter(|a| a.lon.is_some()).collect();
    Ok(file(
        "application/geo+json",
        format!("acteurs-{level}-{code}.geojson"),
        essor_observatory::pack::actors_geojson(&located),
    ))
}
