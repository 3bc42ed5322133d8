//! Creating a referral.

use super::{CreateReferralJson, PRIVATE, ReferralJson};
use crate::AppState;
use crate::api::orientation::post::json_body;
use crate::api::orientation::profile_error;
use crate::error::{ApiError, ErrorEnvelope};
use crate::orientation::referral::{self, ReferralRequest};
use crate::registry::{Channel, Principal};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use essor_orientation::Profile;
use serde::Serialize;
use serde_json::{Map, Value};

/// La mise en relation créée et son lien secret.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedReferralJson {
    /// Le jeton du lien : seule occasion de le lire, essor n'en garde que l'empreinte. À transmettre à l'opérateur.
    pub token: String,
    /// La page du lien, pour l'opérateur (accepter, refuser, faire avancer).
    #[schema(example = "/mises-en-relation/suivi/3f9c…")]
    pub link: String,
    pub referral: ReferralJson,
}

const FIELDS: &[&str] = &[
    "scheme", "operator", "person", "contact", "consent", "referrer", "profile",
];

/// Longest identifier of a scheme or an operator (catalogue ids are a few words).
const MAX_ID: usize = 200;

fn text(map: &Map<String, Value>, key: &str) -> Result<String, ApiError> {
    match map.get(key) {
        Some(Value::String(s))
            if matches!(key, "scheme" | "operator") && s.chars().count() > MAX_ID =>
        {
            Err(ApiError::invalid_field(
                key,
                format!("champ « {key} » : identifiant de {MAX_ID} caractères au plus attendu"),
            ))
        }
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(ApiError::invalid_field(
            key,
            format!("champ « {key} » obligatoire"),
        )),
        Some(other) => Err(ApiError::invalid_field(
            key,
            format!("champ « {key} » : texte attendu, trouvé {other}"),
        )),
    }
}

/// Reads the body into a request, with French errors naming the field.
fn request(value: Value) -> Result<ReferralRequest, ApiError> {
    let Value::Object(map) = value else {
        return Err(ApiError::invalid_field(
            "corps",
            "un objet JSON { … } est attendu",
        ));
    };
    let unknown: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !FIELDS.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::invalid_field(
            &unknown.join(","),
            format!(
                "champ(s) inconnu(s) {} ; champs acceptés : {}",
                unknown
                    .iter()
                    .map(|k| format!("« {k} »"))
                    .collect::<Vec<_>>()
                    .join(", "),
                FIELDS.join(", ")
            ),
        ));
    }
    let consent = match map.get("consent") {
        Some(Value::Bool(b)) => *b,
        None | Some(Value::Null) => false,
        Some(other) => {
            return Err(ApiError::invalid_field(
                "consent",
                format!("champ « consent » : true ou false attendu, trouvé {other}"),
            ));
        }
    };
    let profile = match map.get("profile") {
        None | Some(Value::Null) => Profile::default(),
        Some(v) => Profile::from_value(v.clone()).map_err(|e| profile_error(&e, "profile."))?,
    };
    crate::api::orientation::check_profile_caps(&profile, "profile.")?;
    Ok(ReferralRequest {
        scheme: text(&map, "scheme")?,
        operator: text(&map, "operator")?,
        person: text(&map, "person")?,
        contact: text(&map, "contact")?,
        consent,
        referrer: text(&map, "referrer")?,
        profile,
    })
}

/// Créer une mise en relation
///
/// Oriente une personne ou une structure vers l'opérateur d'un dispositif, à partir de son
/// profil d'orientation. Données personnelles minimales : un nom (ou celui de la structure)
/// et un contact que la personne accepte de transmettre (`consent` doit valoir `true`). La
/// réponse donne le **lien secret** de la mise en relation, seule façon d'y accéder : essor
/// n'en garde que l'empreinte. 503 si le serveur n'a pas de registre (`--store`).
#[utoipa::path(
    post,
    operation_id = "createReferral",
    path = "/api/v1/referrals",
    tag = "mises en relation",
    request_body(content = CreateReferralJson, content_type = "application/json"),
    responses(
        (status = 201, description = "Créée ; le lien secret est dans la réponse", body = CreatedReferralJson),
        (status = 400, description = "Champ manquant ou invalide, dispositif ou opérateur inconnu, dispositif non éligible pour ce profil", body = ErrorEnvelope),
        (status = 503, description = "Mises en relation non activées sur ce serveur", body = ErrorEnvelope),
    )
)]
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    if !state.registry.enabled() {
        return Err(crate::registry::RegistryFailure::Disabled.into());
    }
    let request = request(json_body(&body, "une mise en relation JSON")?)?;
    let (created, token) =
        referral::create(&state, request, Principal::Anonymous, Channel::Api).await?;
    let body = CreatedReferralJson {
        token: token.expose().to_owned(),
        link: referral::link(&token),
        referral: ReferralJson::from(&created),
    };
    Ok((StatusCode::CREATED, PRIVATE, Json(body)).into_response())
}
