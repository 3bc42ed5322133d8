//! Vector tiles of the base map and the QPV.

use crate::AppState;
use crate::api::actors::list::ActorListParams;
use crate::api::params::Params;
use crate::error::{ApiError, ErrorEnvelope};
use crate::tiles::TileId;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;

/// Tuile vectorielle (MVT)
///
/// Tuiles Mapbox Vector Tile 2.1 (schéma XYZ, Web Mercator, étendue 4096) faites par le serveur
/// à partir des contours embarqués : couches `regions`, `departements`, `communes` (à partir
/// du zoom 7 ; propriétés `code`, `nom`) et `qpv` (propriétés `code`, `name`) ; couche
/// `actors` : les acteurs diffusibles de l'ESS regroupés par le serveur (propriété `count`,
/// et `siret`, `name`, `family` pour un acteur seul), filtrés par les mêmes paramètres que
/// `/api/v1/actors`. Une tuile vide a un corps vide.
#[utoipa::path(
    get,
    operation_id = "getTile",
    path = "/tiles/{layer}/{z}/{x}/{y}.mvt",
    tag = "carte",
    params(
        ("layer" = String, Path, description = "regions, departements, communes, qpv ou actors", example = "qpv"),
        ("z" = u8, Path, description = "Zoom, 0 à 22", example = 12),
        ("x" = u32, Path, description = "Colonne", example = 2075),
        ("y" = u32, Path, description = "Ligne (vers le sud)", example = 1408),
        ActorListParams,
    ),
    responses(
        (status = 200, description = "La tuile", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 400, description = "Adresse de tuile invalide", body = ErrorEnvelope),
        (status = 404, description = "Couche inconnue", body = ErrorEnvelope),
    )
)]
pub async fn tile(
    State(state): State<AppState>,
    Path((layer, z, x, file)): Path<(String, String, String, String)>,
    Params(filters): Params<ActorListParams>,
) -> Result<impl IntoResponse, ApiError> {
    let filters = crate::api::actors::list::query(&filters, &state.search)?;
    let y = file.strip_suffix(".mvt").ok_or_else(|| {
        ApiError::not_found(format!("tuile « {file} » : extension .mvt attendue"))
    })?;
    let id = match (z.parse::<u8>(), x.parse::<u32>(), y.parse::<u32>()) {
        (Ok(z), Ok(x), Ok(y)) => TileId::new(z, x, y),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::bad_parameter(
            "z/x/y",
            format!("« {z}/{x}/{y} » : zoom de 0 à 22 et x, y entiers de 0 à 2^zoom − 1 attendus"),
        )
    })?;
    let bytes = state
        .tiles
        .tile(&layer, id, &filters)
        .await
        .ok_or_else(|| {
            let names: Vec<&str> = state.tiles.names().collect();
            ApiError::not_found(format!(
                "couche « {layer} » inconnue ; couches : {}",
                names.join(", ")
            ))
        })??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.mapbox-vector-tile"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        bytes.as_ref().clone(),
    ))
}
