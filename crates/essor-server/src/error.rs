//! The one error type of the HTTP layer and its JSON envelope, RFC 9457 problem details.
//!
//! Which error fits which layer: library crates return their own `thiserror` enums (French
//! messages when they reach users, like [`essor_geo::PointError`]); the store returns
//! [`StoreError`](crate::store::StoreError), logged in English and shown as a French 503 or
//! 500; the registry seam returns [`RegistryFailure`], whose French messages reach users
//! (400 for a refused field or a missing reason, 404, 409 for a move the lifecycle forbids,
//! 503 when referrals are off) except its backend errors (logged, 500); handlers return [`ApiError`], built with the named constructors below so that every
//! answer has the same shape:
//!
//! ```json
//! { "type": "about:blank", "title": "Requête incorrecte", "status": 400,
//!   "detail": "paramètre « lon » manquant : …", "code": "bad_parameter", "parameter": "lon",
//!   "errors": [ { "status": 400, "code": "bad_parameter", "parameter": "lon",
//!                 "detail": "paramètre « lon » manquant : …" } ] }
//! ```
//!
//! served as `application/problem+json` (RFC 9457): `type`, `title`, `status` and `detail`
//! are the standard members, `code` and `parameter` essor's extensions, and `errors` the
//! envelope of the first API versions, kept so that no client breaks. Errors that do not come
//! from a handler (a body over the size cap, a method the route does not take, a malformed
//! path) are rewritten into the same shape by [`crate::security`], so `/api/` never answers
//! anything else.
//!
//! HTML pages render their own French error page (see [`crate::pages`]).

use crate::registry::{RegistryFailure, TransitionError};
use crate::store::StoreError;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub parameter: Option<String>,
    /// French, for people.
    pub detail: String,
}

/// Une erreur, au format RFC 9457 (`application/problem+json`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    /// Type du problème (RFC 9457) ; toujours `about:blank` : `code` précise l'erreur.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub problem_type: String,
    /// Intitulé du statut HTTP, en français.
    #[schema(example = "Requête incorrecte")]
    pub title: String,
    /// Statut HTTP.
    #[schema(example = 400, minimum = 400, maximum = 599)]
    pub status: u16,
    /// Ce qui ne va pas et comment y remédier, en français.
    #[schema(
        example = "paramètre « lon » manquant : longitude WGS84 en degrés décimaux attendue, ex. lon=2.3815"
    )]
    pub detail: String,
    /// Code stable de l'erreur (voir `errors[].code`).
    #[schema(example = "bad_parameter")]
    pub code: String,
    /// Le paramètre ou champ en cause, s'il y en a un.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "lon")]
    pub parameter: Option<String>,
    /// La même erreur dans l'enveloppe des premières versions de l'API (un seul élément).
    pub errors: Vec<ErrorItem>,
}

/// The French title of an HTTP status, for `title`.
pub fn status_title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Requête incorrecte",
        403 => "Requête refusée",
        404 => "Ressource introuvable",
        405 => "Méthode non autorisée",
        409 => "Conflit",
        410 => "Ressource disparue",
        413 => "Contenu trop volumineux",
        414 => "Adresse trop longue",
        415 => "Type de contenu non pris en charge",
        429 => "Trop de requêtes",
        500 => "Erreur interne du serveur",
        503 => "Service indisponible",
        _ if status.is_client_error() => "Requête refusée",
        _ => "Erreur du serveur",
    }
}

/// One error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorItem {
    /// HTTP status.
    #[schema(example = 400)]
    pub status: u16,
    /// Stable machine code: `bad_parameter`, `not_found`, `invalid_transition`,
    /// `concurrent_change`, `store_unavailable`, `registry_unavailable`, `internal`,
    /// `method_not_allowed`, `cross_site_write`, `payload_too_large`, `uri_too_long`,
    /// `too_many_parameters`, `unsupported_media_type`, `too_many_requests`.
    #[schema(example = "bad_parameter")]
    pub code: String,
    /// The query or path parameter at fault, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "lon")]
    pub parameter: Option<String>,
    /// What went wrong and how to fix it, in French.
    #[schema(
        example = "paramètre « lon » manquant : longitude WGS84 en degrés décimaux attendue, ex. lon=2.3815"
    )]
    pub detail: String,
}

impl ApiError {
    /// Any status, machine code and French sentence.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            parameter: None,
            detail: detail.into(),
        }
    }

    /// 400: a parameter is present but wrong. `detail` says what is expected.
    pub fn bad_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "bad_parameter",
            parameter: Some(parameter.to_owned()),
            detail: format!("paramètre « {parameter} » : {}", detail.into()),
        }
    }

    /// 400: a required parameter is absent. `expected` describes it.
    pub fn missing_parameter(parameter: &str, expected: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "bad_parameter",
            parameter: Some(parameter.to_owned()),
            detail: format!("paramètre « {parameter} » manquant : {expected}"),
        }
    }

    /// 400: a field of a request body is wrong; `detail` is the whole French message.
    pub fn invalid_field(parameter: &str, detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "bad_parameter",
            parameter: Some(parameter.to_owned()),
            detail: detail.into(),
        }
    }

    /// The answer to a failed registry call.
    pub fn registry(err: &RegistryFailure) -> Self {
        match err {
            RegistryFailure::Disabled => Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "registry_unavailable",
                parameter: None,
                detail: err.to_string(),
            },
            RegistryFailure::NotFound => Self::not_found(err.to_string()),
            RegistryFailure::LinkClosed(message) => Self {
                status: StatusCode::GONE,
                code: "link_closed",
                parameter: None,
                detail: message.clone(),
            },
            RegistryFailure::Field(f) => Self::invalid_field(f.field, f.to_string()),
            // The API answers one problem, the first, as it always has.
            RegistryFailure::Fields(list) => match list.first() {
                Some(f) => Self::invalid_field(f.field, f.to_string()),
                None => Self::internal(),
            },
            RegistryFailure::Transition(
                t @ (TransitionError::ReasonRequired { .. } | TransitionError::ReasonTooLong),
            ) => Self::invalid_field("reason", t.to_string()),
            RegistryFailure::Transition(t) => Self {
                status: StatusCode::CONFLICT,
                code: "invalid_transition",
                parameter: Some("status".to_owned()),
                detail: t.to_string(),
            },
            RegistryFailure::Conflict(message) => Self {
                status: StatusCode::CONFLICT,
                code: "concurrent_change",
                parameter: None,
                detail: message.clone(),
            },
            // `Backend`, and whatever the application layer adds later.
            _ => {
                tracing::error!(error = %err, "request failed");
                Self::internal()
            }
        }
    }

    /// 404 with a French sentence naming what was not found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            parameter: None,
            detail: detail.into(),
        }
    }

    /// 503 or 500 from a store failure; the cause goes to the log, not to the user.
    pub fn store(err: &StoreError) -> Self {
        tracing::error!(error = %err, "request failed");
        match err {
            StoreError::Unavailable(_) => Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "store_unavailable",
                parameter: None,
                detail: "les données sont momentanément indisponibles ; réessayez dans un instant"
                    .into(),
            },
            _ => Self::internal(),
        }
    }

    /// 500.
    pub fn internal() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            parameter: None,
            detail: "erreur interne du serveur".into(),
        }
    }
}

/// The media type of every error of the API.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    /// The problem document.
    pub fn envelope(&self) -> ErrorEnvelope {
        ErrorEnvelope {
            problem_type: "about:blank".to_owned(),
            title: status_title(self.status).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            parameter: self.parameter.clone(),
            errors: vec![ErrorItem {
                status: self.status.as_u16(),
                code: self.code.to_owned(),
                parameter: self.parameter.clone(),
                detail: self.detail.clone(),
            }],
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.envelope()).expect("an error serialises");
        (self.status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response()
    }
}

impl From<RegistryFailure> for ApiError {
    fn from(err: RegistryFailure) -> Self {
        Self::registry(&err)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        Self::store(&err)
    }
}
