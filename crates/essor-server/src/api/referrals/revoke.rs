//! Revoking a referral's link.

use super::PRIVATE;
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use crate::orientation::referral;
use crate::registry::Channel;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Révoquer le lien d'une mise en relation
///
/// Le lien secret n'ouvre plus rien : à faire s'il a été transmis par erreur. La mise en
/// relation reste (sans lien) ; la révocation est datée dans le journal d'audit. Un lien
/// expiré ou déjà révoqué répond 410.
#[utoipa::path(
    delete,
    operation_id = "revokeReferralLink",
    path = "/api/v1/referrals/{token}",
    tag = "mises en relation",
    params(("token" = String, Path, description = "Jeton du lien secret (64 caractères hexadécimaux)")),
    responses(
        (status = 204, description = "Lien révoqué"),
        (status = 404, description = "Aucune mise en relation pour ce lien", body = ErrorEnvelope),
        (status = 410, description = "Lien expiré ou déjà révoqué", body = ErrorEnvelope),
        (status = 503, description = "Mises en relation non activées sur ce serveur", body = ErrorEnvelope),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    referral::revoke(&state, &token, Channel::Api).await?;
    Ok((PRIVATE, StatusCode::NO_CONTENT).into_response())
}
