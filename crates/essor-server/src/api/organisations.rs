//! The API of a signed-in person, with a personal API token (`Authorization: Bearer …`):
//! who they are, and for an organisation's operators the referrals it receives, which they
//! move on. The policy layer has checked the token, its scope and the role.

use crate::AppState;
use crate::api::referrals::{PRIVATE, ReferralJson, StatusChangeJson, status_change};
use crate::error::{ApiError, ErrorEnvelope};
use crate::registry::{Channel, Status};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::response::{IntoResponse, Response};
use essor_store::registry::SignedIn;
use serde::{Deserialize, Serialize};

/// Un rôle dans une organisation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleJson {
    pub organisation_id: i64,
    pub organisation: String,
    /// commune, epci, departement, region, service_etat, financeur, structure_accompagnement, acteur_ess, collectif_habitants.
    pub organisation_kind: String,
    /// admin, agent, reviewer, funder, operator, contributor, moderator.
    pub role: String,
}

/// La personne du jeton.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeJson {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub instance_admin: bool,
    pub roles: Vec<RoleJson>,
}

/// Qui suis-je
///
/// Le compte du jeton d'API et ses rôles par organisation.
#[utoipa::path(
    get,
    operation_id = "getMe",
    path = "/api/v1/me",
    tag = "comptes",
    security(("jeton" = [])),
    responses(
        (status = 200, description = "Le compte et ses rôles", body = MeJson),
        (status = 401, description = "Jeton absent, inconnu ou révoqué", body = ErrorEnvelope),
    )
)]
pub async fn me(Extension(person): Extension<SignedIn>) -> Response {
    let a = &person.account;
    let body = MeJson {
        id: a.id,
        email: a.email.clone(),
        display_name: a.display_name.clone(),
        instance_admin: a.instance_admin,
        roles: person
            .memberships
            .iter()
            .map(|m| RoleJson {
                organisation_id: m.organisation_id,
                organisation: m.organisation_name.clone(),
                organisation_kind: m.kind.as_str().to_owned(),
                role: m.role.as_str().to_owned(),
            })
            .collect(),
    };
    (PRIVATE, Json(body)).into_response()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReceivedQuery {
    /// Seulement les mises en relation à ce statut (proposee, acceptee, en_cours, terminee, refusee, pas_pour_nous).
    pub status: Option<String>,
}

/// Mises en relation reçues par une organisation
///
/// Pour les membres de l'organisation qui y ont le rôle `operator` : les mises en relation
/// adressées aux opérateurs du catalogue qu'elle représente, données personnelles comprises,
/// les plus récemment modifiées d'abord (500 au plus).
#[utoipa::path(
    get,
    operation_id = "listReceivedReferrals",
    path = "/api/v1/organisations/{org}/referrals",
    tag = "mises en relation",
    security(("jeton" = [])),
    params(("org" = i64, Path, description = "Numéro de l'organisation"), ReceivedQuery),
    responses(
        (status = 200, description = "Les mises en relation reçues", body = [ReferralJson]),
        (status = 400, description = "Statut inconnu", body = ErrorEnvelope),
        (status = 401, description = "Jeton absent, inconnu ou révoqué", body = ErrorEnvelope),
        (status = 403, description = "Pas le rôle operator dans cette organisation", body = ErrorEnvelope),
    )
)]
pub async fn received(
    State(state): State<AppState>,
    Path(org): Path<i64>,
    Query(q): Query<ReceivedQuery>,
) -> Result<Response, ApiError> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(word) => Some(Status::from_word(word).ok_or_else(|| {
            ApiError::bad_parameter(
                "status",
                format!(
                    "statut « {word} » inconnu ; statuts : {}",
                    Status::ALL
                        .iter()
                        .map(|s| s.word())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?),
    };
    let referrals = state
        .accounts
        .organisation_referrals(org, status)
        .await
        .map_err(|e| ApiError::registry(&e))?;
    let body: Vec<ReferralJson> = referrals.iter().map(ReferralJson::from).collect();
    Ok((PRIVATE, Json(body)).into_response())
}

/// Faire avancer une mise en relation reçue
///
/// Pour les membres au rôle `operator`, avec un jeton en écriture : même cycle de vie que par
/// le lien secret, enregistré au nom du compte pour l'organisation (journal d'audit).
#[utoipa::path(
    patch,
    operation_id = "updateReceivedReferral",
    path = "/api/v1/organisations/{org}/referrals/{id}",
    tag = "mises en relation",
    security(("jeton" = [])),
    params(
        ("org" = i64, Path, description = "Numéro de l'organisation"),
        ("id" = i64, Path, description = "Numéro de la mise en relation"),
    ),
    request_body(content = StatusChangeJson, content_type = "application/json"),
    responses(
        (status = 200, description = "La mise en relation, au nouveau statut", body = ReferralJson),
        (status = 400, description = "Statut inconnu, motif manquant ou trop long", body = ErrorEnvelope),
        (status = 401, description = "Jeton absent, inconnu ou révoqué", body = ErrorEnvelope),
        (status = 403, description = "Pas le rôle operator dans cette organisation, ou jeton en lecture seule", body = ErrorEnvelope),
        (status = 404, description = "L'organisation ne reçoit aucune mise en relation de ce numéro", body = ErrorEnvelope),
        (status = 409, description = "Passage interdit depuis le statut actuel", body = ErrorEnvelope),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    Extension(person): Extension<SignedIn>,
    Path((org, id)): Path<(i64, i64)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (status, reason) = status_change(&body)?;
    let updated = crate::orientation::referral::change_for(
        &state,
        org,
        id,
        person.account.id,
        &status,
        reason,
        Channel::Api,
    )
    .await
    .map_err(|e| ApiError::registry(&e))?;
    Ok((PRIVATE, Json(ReferralJson::from(&updated))).into_response())
}
