//! One diffusible actor by SIRET.

use super::ActorJson;
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use axum::Json;
use axum::extract::{Path, State};
use essor_model::Siret;

/// Parses a SIRET path segment.
pub fn siret(value: &str) -> Result<Siret, ApiError> {
    Siret::parse(value).map_err(|e| ApiError::bad_parameter("siret", format!("« {value} » : {e}")))
}

/// Un acteur par son SIRET
///
/// 404 aussi bien pour un SIRET inconnu que pour un établissement non diffusible.
#[utoipa::path(
    get,
    operation_id = "getActor",
    path = "/api/v1/actors/{siret}",
    tag = "acteurs",
    params(("siret" = String, Path, description = "SIRET, 14 chiffres", example = "78467169500087")),
    responses(
        (status = 200, description = "L'acteur", body = ActorJson),
        (status = 400, description = "SIRET mal formé", body = ErrorEnvelope),
        (status = 404, description = "Aucun établissement diffusible de ce SIRET", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path(value): Path<String>,
) -> Result<Json<ActorJson>, ApiError> {
    let siret = siret(&value)?;
    let actor = state.store.actor(siret).await?.ok_or_else(|| {
        ApiError::not_found(format!(
            "aucun établissement diffusible de l'ESS avec le SIRET {siret}"
        ))
    })?;
    Ok(Json(ActorJson::from(&actor)))
}
