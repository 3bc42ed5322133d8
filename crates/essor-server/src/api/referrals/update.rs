//! Moving a referral on by its link's token.

use super::{PRIVATE, ReferralJson, StatusChangeJson};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use crate::orientation::referral;
use crate::registry::Channel;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

/// Changer le statut d'une mise en relation
///
/// Par le lien secret : `proposee → acceptee → en_cours → terminee`, ou `refusee` /
/// `pas_pour_nous` (depuis proposée ou acceptée) avec un motif. Tout autre passage est
/// refusé (409) avec un message en français, et rien n'est écrit. Chaque changement est daté
/// et gardé dans l'historique, avec une ligne du journal d'audit.
#[utoipa::path(
    patch,
    operation_id = "updateReferral",
    path = "/api/v1/referrals/{token}",
    tag = "mises en relation",
    params(("token" = String, Path, description = "Jeton du lien secret (64 caractères hexadécimaux)")),
    request_body(content = StatusChangeJson, content_type = "application/json"),
    responses(
        (status = 200, description = "La mise en relation, au nouveau statut", body = ReferralJson),
        (status = 400, description = "Statut inconnu, motif manquant ou trop long", body = ErrorEnvelope),
        (status = 404, description = "Aucune mise en relation pour ce lien", body = ErrorEnvelope),
        (status = 409, description = "Passage interdit depuis le statut actuel", body = ErrorEnvelope),
        (status = 503, description = "Mises en relation non activées sur ce serveur", body = ErrorEnvelope),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (status, reason) = super::status_change(&body)?;
    let updated = referral::change(&state, &token, &status, reason, Channel::Api).await?;
    Ok((PRIVATE, Json(ReferralJson::from(&updated))).into_response())
}
