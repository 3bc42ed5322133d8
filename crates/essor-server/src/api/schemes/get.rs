//! One scheme by id.

use super::SchemeJson;
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use axum::Json;
use axum::extract::{Path, State};

/// Un dispositif par son identifiant
///
/// Ses conditions (règle et formulation en français), montants, durée, opérateurs, contact
/// et source.
#[utoipa::path(
    get,
    operation_id = "getScheme",
    path = "/api/v1/schemes/{id}",
    tag = "orientation",
    params(("id" = String, Path, description = "Identifiant stable du dispositif", example = "cjs")),
    responses(
        (status = 200, description = "Le dispositif", body = SchemeJson),
        (status = 404, description = "Aucun dispositif de cet identifiant", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SchemeJson>, ApiError> {
    let catalogue = &state.orientation.catalogue;
    let scheme = catalogue.get(&id).ok_or_else(|| {
        ApiError::not_found(format!(
            "aucun dispositif « {id} » dans le catalogue {} (liste : /api/v1/schemes)",
            catalogue.version
        ))
    })?;
    Ok(Json(SchemeJson::from(scheme)))
}
