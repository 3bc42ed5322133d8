//! The orientation of a profile.

use super::{OrientationJson, ProfileJson, ResultJson, profile_error};
use crate::AppState;
use crate::error::{ApiError, ErrorEnvelope};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use essor_orientation::Profile;

/// Reads a JSON body, with a French 400 when it is empty or not UTF-8.
pub fn json_body(body: &Bytes, expected: &str) -> Result<serde_json::Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid_field(
            "corps",
            format!(
                "corps de requête vide : {expected} est attendu (Content-Type: application/json)"
            ),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid_field(
            "corps",
            format!(
                "JSON invalide ligne {}, colonne {} : {e} ; {expected} est attendu",
                e.line(),
                e.column()
            ),
        )
    })
}

/// Orienter un projet
///
/// Le profil d'un projet (tous les champs facultatifs) donne tous les dispositifs du
/// catalogue, du plus adapté au moins adapté, chacun avec son éligibilité (`eligible`,
/// `to_check` quand une information manque, `not_eligible`), un score, les raisons en
/// français (chacune renvoie à la condition du catalogue dont elle vient) et les
/// informations qui manquent pour trancher. La commune ou les coordonnées sont situées par
/// rapport aux QPV par le moteur géographique du serveur. Même réponse que
/// `essor orient --profile profil.json`.
#[utoipa::path(
    post,
    operation_id = "orientProject",
    path = "/api/v1/orientation",
    tag = "orientation",
    request_body(content = ProfileJson, content_type = "application/json", description = "Le profil du projet"),
    responses(
        (status = 200, description = "Tous les dispositifs, du plus adapté au moins adapté", body = OrientationJson),
        (status = 400, description = "Profil illisible, champ inconnu ou valeur invalide (le champ est nommé)", body = ErrorEnvelope),
    )
)]
pub async fn post(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<OrientationJson>, ApiError> {
    let value = json_body(&body, "un profil JSON, ex. {\"holder\": \"person\"}")?;
    let profile = Profile::from_value(value).map_err(|e| profile_error(&e, ""))?;
    super::check_profile_caps(&profile, "")?;
    let results = state.orientation.run(&profile);
    Ok(Json(OrientationJson {
        results: results.iter().map(ResultJson::from).collect(),
    }))
}
