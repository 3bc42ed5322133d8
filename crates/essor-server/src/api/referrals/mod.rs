//! Referrals to the operators of schemes. A referral is read and moved on through its secret
//! link's token; listings carry no personal data and no token.

/// `POST /api/v1/referrals`.
pub mod create;
/// `GET /api/v1/referrals/{token}`.
pub mod get;
/// `GET /api/v1/referrals`.
pub mod list;
/// `DELETE /api/v1/referrals/{token}`: the link opens nothing any more.
pub mod revoke;
/// `PATCH /api/v1/referrals/{token}`.
pub mod update;

use crate::error::ApiError;
use crate::registry::{Referral, ReferralListing};
use axum::http::{HeaderName, HeaderValue, header};
use serde::Serialize;

/// Headers of every answer that carries a token or personal data: not cached, not indexed,
/// and the link never leaks to another site through `Referer`.
pub const PRIVATE: [(HeaderName, HeaderValue); 3] = [
    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ),
    (
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    ),
];

/// Une mise en relation à créer.
#[derive(Debug, utoipa::ToSchema)]
#[schema(example = json!({"scheme": "cjs", "operator": "pole-ess", "person": "Collectif jeunesse Maurepas", "contact": "06 00 00 00 00", "consent": true, "referrer": "Réso solidaire — accueil", "profile": {"holder": "collective", "stage": "emergence", "public": ["jeunes_16_18"], "acts_in_qpv": true}}))]
pub struct CreateReferralJson {
    /// Identifiant du dispositif (catalogue).
    pub scheme: String,
    /// Identifiant de l'opérateur, parmi ceux du dispositif.
    pub operator: String,
    /// Nom de la personne, ou de la structure, orientée (120 caractères au plus).
    pub person: String,
    /// Un moyen de la joindre qu'elle accepte de donner à l'opérateur : courriel ou téléphone (200 caractères au plus).
    pub contact: String,
    /// La personne a accepté que son nom et ce contact soient transmis à l'opérateur ; doit valoir true.
    pub consent: bool,
    /// Qui oriente : structure ou service (120 caractères au plus).
    pub referrer: String,
    /// Le profil d'orientation (mêmes champs que POST /api/v1/orientation) ; le dispositif ne doit pas y être non éligible.
    pub profile: Option<super::orientation::ProfileJson>,
}

/// The status and reason of a JSON status change (`{"status": …, "reason": …}`), with a
/// French error naming the field at fault.
pub fn status_change(body: &axum::body::Bytes) -> Result<(String, Option<String>), ApiError> {
    use serde_json::Value;
    let value = crate::api::orientation::post::json_body(
        body,
        "un changement de statut JSON, ex. {\"status\": \"acceptee\"}",
    )?;
    let Value::Object(map) = value else {
        return Err(ApiError::invalid_field(
            "corps",
            "un objet JSON { status, reason } est attendu",
        ));
    };
    if let Some(k) = map
        .keys()
        .find(|k| !["status", "reason"].contains(&k.as_str()))
    {
        return Err(ApiError::invalid_field(
            k,
            format!("champ « {k} » inconnu ; champs acceptés : status, reason"),
        ));
    }
    let status = match map.get("status") {
        Some(Value::String(s)) => s.clone(),
        _ => {
            return Err(ApiError::invalid_field(
                "status",
                "champ « status » obligatoire : acceptee, en_cours, terminee, refusee ou pas_pour_nous",
            ));
        }
    };
    let reason = match map.get("reason") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(ApiError::invalid_field(
                "reason",
                format!("champ « reason » : texte attendu, trouvé {other}"),
            ));
        }
    };
    Ok((status, reason))
}

/// Un changement de statut demandé.
#[derive(Debug, utoipa::ToSchema)]
#[schema(example = json!({"status": "refusee", "reason": "Hors de notre territoire d'intervention"}))]
pub struct StatusChangeJson {
    /// Nouveau statut : acceptee, en_cours, terminee, refusee, pas_pour_nous (selon le statut actuel).
    pub status: String,
    /// Motif, obligatoire pour refusee et pas_pour_nous ; commentaire sinon (500 caractères au plus).
    pub reason: Option<String>,
}

/// Un changement daté.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventJson {
    /// Date et heure UTC.
    #[schema(example = "2025-06-12T14:03:00Z")]
    pub at: String,
    /// Statut précédent ; null à la création.
    pub from: Option<String>,
    pub to: String,
    pub reason: Option<String>,
}

/// Une mise en relation, telle que son lien la montre.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralJson {
    /// Numéro public (ne donne aucun accès).
    pub id: i64,
    pub scheme_id: String,
    pub scheme_name: String,
    pub operator_id: String,
    pub operator_name: String,
    pub catalogue_version: String,
    pub person: String,
    pub contact: String,
    pub referrer: String,
    /// Le profil d'orientation.
    #[schema(value_type = Object)]
    pub profile: serde_json::Value,
    /// Éligibilité du dispositif pour ce profil lors de la création.
    pub eligibility: String,
    /// proposee, acceptee, en_cours, terminee, refusee, pas_pour_nous.
    #[schema(example = "proposee")]
    pub status: String,
    /// Le statut en français.
    #[schema(example = "proposée")]
    pub status_label: String,
    pub status_reason: Option<String>,
    /// Statuts possibles ensuite.
    pub next: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Tous les changements, du plus ancien au plus récent.
    pub history: Vec<EventJson>,
}

impl From<&Referral> for ReferralJson {
    fn from(r: &Referral) -> Self {
        Self {
            id: r.id,
            scheme_id: r.scheme_id.clone(),
            scheme_name: r.scheme_name.clone(),
            operator_id: r.operator_id.clone(),
            operator_name: r.operator_name.clone(),
            catalogue_version: r.catalogue_version.clone(),
            person: r.person.clone(),
            contact: r.contact.clone(),
            referrer: r.referrer.clone(),
            profile: serde_json::from_str(&r.profile_json).unwrap_or_default(),
            eligibility: r.eligibility.clone(),
            status: r.status.word().to_owned(),
            status_label: r.status.label().to_owned(),
            status_reason: r.status_reason.clone(),
            next: r
                .status
                .next()
                .iter()
                .map(|s| s.word().to_owned())
                .collect(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
            history: r
                .history
                .iter()
                .map(|e| EventJson {
                    at: e.at.clone(),
                    from: e.from.map(|s| s.word().to_owned()),
                    to: e.to.word().to_owned(),
                    reason: e.reason.clone(),
                })
                .collect(),
        }
    }
}

/// Une mise en relation dans une liste : ni nom, ni contact, ni motif, ni profil, ni lien.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListingJson {
    pub id: i64,
    pub scheme_id: String,
    pub scheme_name: String,
    pub operator_id: String,
    pub operator_name: String,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&ReferralListing> for ListingJson {
    fn from(r: &ReferralListing) -> Self {
        Self {
            id: r.id,
            scheme_id: r.scheme_id.clone(),
            scheme_name: r.scheme_name.clone(),
            operator_id: r.operator_id.clone(),
            operator_name: r.operator_name.clone(),
            status: r.status.word().to_owned(),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
        }
    }
}
