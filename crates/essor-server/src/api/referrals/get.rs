//! One referral by its link's token.

use super::{PRIVATE, ReferralJson};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use crate::orientation::referral;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// Une mise en relation par son lien
///
/// Le jeton du lien secret donne la mise en relation entière : personne orientée et son
/// contact, dispositif, opérateur, profil, statut et historique daté. 404 pour un jeton
/// inconnu.
#[utoipa::path(
    get,
    operation_id = "getReferral",
    path = "/api/v1/referrals/{token}",
    tag = "mises en relation",
    params(("token" = String, Path, description = "Jeton du lien secret (64 caractères hexadécimaux)")),
    responses(
        (status = 200, description = "La mise en relation", body = ReferralJson),
        (status = 404, description = "Aucune mise en relation pour ce lien", body = ErrorEnvelope),
        (status = 503, description = "Mises en relation non activées sur ce serveur", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let found = referral::find(&state, &token).await?;
    Ok((PRIVATE, Json(ReferralJson::from(&found))).into_response())
}
