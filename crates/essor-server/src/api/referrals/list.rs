//! Referrals by operator and status, without personal data.

use super::ListingJson;
use crate::AppState;
use crate::api::params::Params;
use crate::error::{ApiError, ErrorEnvelope};
use crate::orientation::referral;
use crate::registry::ReferralFilter;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralListParams {
    /// Identifiant d'opérateur (catalogue).
    #[param(value_type = Option<String>, example = "pole-ess")]
    pub operator: Option<String>,
    /// Identifiant de dispositif.
    #[param(value_type = Option<String>, example = "cjs")]
    pub scheme: Option<String>,
    /// Statut : proposee, acceptee, en_cours, terminee, refusee, pas_pour_nous.
    #[param(value_type = Option<String>, example = "proposee")]
    pub status: Option<String>,
}

/// Des mises en relation, sans donnée personnelle.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralList {
    pub total: usize,
    pub items: Vec<ListingJson>,
}

/// Validates the parameters into a filter.
pub fn filter(p: &ReferralListParams) -> Result<ReferralFilter, ApiError> {
    let some = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Ok(ReferralFilter {
        operator_id: some(&p.operator),
        scheme_id: some(&p.scheme),
        status: some(&p.status)
            .map(|s| referral::status(&s))
            .transpose()
            .map_err(|e| {
                ApiError::bad_parameter("status", e.to_string().replace("champ « status » : ", ""))
            })?,
    })
}

/// Mises en relation par opérateur et par statut
///
/// Numéro, dispositif, opérateur, statut et dates : ni nom, ni contact, ni motif, ni
/// profil, ni lien. Les plus récemment modifiées d'abord.
#[utoipa::path(
    get,
    operation_id = "listReferrals",
    path = "/api/v1/referrals",
    tag = "mises en relation",
    params(ReferralListParams),
    responses(
        (status = 200, description = "Les mises en relation retenues", body = ReferralList),
        (status = 400, description = "Statut inconnu", body = ErrorEnvelope),
        (status = 503, description = "Mises en relation non activées sur ce serveur", body = ErrorEnvelope),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(p): Params<ReferralListParams>,
) -> Result<Json<ReferralList>, ApiError> {
    let f = filter(&p)?;
    let items: Vec<ListingJson> = referral::list(&state, f)
        .await?
        .iter()
        .map(ListingJson::from)
        .collect();
    Ok(Json(ReferralList {
        total: items.len(),
        items,
    }))
}
