//! `/connexion/oidc` and `/connexion/oidc/retour`: signing in through the OpenID Connect
//! provider of `essor serve --oidc-issuer` (ProConnect for public agents). The first sends the
//! browser to the provider with a fresh secret in a cookie; the second checks the provider's
//! answer against that cookie, takes the sign-in once, has the code exchanged and the ID token
//! checked ([`crate::security::oidc`]), then lets the registry sign in the account of that
//! identity, or of its verified address (linking them), and opens the session as a password
//! does. Every failure is the sign-in page with a short French message and a 4xx (503 when the
//! registry cannot be reached), never a token's details: those go to the log.

use super::account::{next_path, page};
use crate::AppState;
use crate::api::referrals::PRIVATE;
use crate::registry::{RegistryFailure, SignInFailure};
use crate::security::oidc::{self, COOKIE};
use crate::security::session;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_store::registry::SecretToken;
use essor_store::registry::accounts::SESSION_HOURS;

const ACCOUNTS_OFF: &str = "les comptes ne sont pas activés sur ce serveur : lancez `essor serve --store DOSSIER` (ou `--registre postgres://…`)";
const UNAVAILABLE: &str = "la connexion est momentanément impossible ; réessayez dans un instant";
const EXPIRED: &str =
    "cette connexion a expiré ou a déjà servi : recommencez en cliquant sur le bouton de connexion";
const FOREIGN: &str = "cette réponse du fournisseur d'identité ne correspond pas à la connexion commencée dans ce navigateur : recommencez en cliquant sur le bouton de connexion";
const NOT_CONFIRMED: &str =
    "le fournisseur d'identité n'a pas confirmé votre connexion : recommencez si vous le souhaitez";
const UNCHECKED: &str = "la réponse du fournisseur d'identité n'a pas pu être vérifiée : recommencez ; si cela se reproduit, prévenez l'administrateur de l'instance";

#[derive(Debug, serde::Deserialize)]
pub struct Start {
    suite: Option<String>,
}

/// What the provider sends back (RFC 6749 §4.1.2, RFC 9207's `iss`).
#[derive(Debug, serde::Deserialize)]
pub struct Answer {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// The sign-in page with `message`, forgetting the sign-in under way (once it is taken: an
/// answer that is not this browser's must not end the sign-in the browser has under way).
fn refused(state: &AppState, status: StatusCode, next: String, message: &str) -> Response {
    let mut response = untaken(state, status, next, message);
    response
        .headers_mut()
        .append(header::SET_COOKIE, oidc::close_cookie(state));
    response
}

/// The sign-in page with `message`, leaving the browser's cookie as it is.
fn untaken(state: &AppState, status: StatusCode, next: String, message: &str) -> Response {
    page(state, status, next, String::new(), Some(message.to_owned()))
}

fn registry_refusal(state: &AppState, next: String, e: RegistryFailure) -> Response {
    match e {
        RegistryFailure::Disabled => {
            refused(state, StatusCode::SERVICE_UNAVAILABLE, next, ACCOUNTS_OFF)
        }
        e => {
            tracing::error!(error = %e, "OpenID Connect sign-in: registry failed");
            refused(state, StatusCode::SERVICE_UNAVAILABLE, next, UNAVAILABLE)
        }
    }
}

/// Without a provider (a link kept from a server that had one), the sign-in page, which
/// offers what this server has.
fn to_sign_in(next: &str) -> Response {
    let suite: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    (
        StatusCode::SEE_OTHER,
        PRIVATE,
        [(header::LOCATION, format!("/connexion?suite={suite}"))],
    )
        .into_response()
}

/// `GET /connexion/oidc?suite=…`: remembers the sign-in and sends the browser to the provider.
pub async fn start(State(state): State<AppState>, Query(q): Query<Start>) -> Response {
    let next = next_path(q.suite.as_deref());
    let Some(provider) = state.oidc.clone() else {
        return to_sign_in(&next);
    };
    let secret = match SecretToken::generate() {
        Ok(secret) => secret,
        Err(e) => {
            tracing::error!(error = %e, "no system randomness for an OpenID Connect sign-in");
            return refused(&state, StatusCode::SERVICE_UNAVAILABLE, next, UNAVAILABLE);
        }
    };
    if let Err(e) = state.accounts.oidc_login_start(&secret, &next).await {
        return registry_refusal(&state, next, e);
    }
    (
        PRIVATE,
        [(header::SET_COOKIE, oidc::open_cookie(&state, &secret))],
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, provider.authorization_url(&secret))],
        ),
    )
        .into_response()
}

/// `GET /connexion/oidc/retour?code=…&state=…`: the provider's answer.
pub async fn finish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(answer): Query<Answer>,
) -> Response {
    let home = || next_path(None);
    let Some(provider) = state.oidc.clone() else {
        return to_sign_in(&home());
    };
    let Some(secret) = session::secret_cookie(&headers, COOKIE) else {
        return untaken(&state, StatusCode::BAD_REQUEST, home(), EXPIRED);
    };
    // The state must be the one derived from this browser's secret: an answer meant for
    // another browser (login CSRF) or altered on the way stops here.
    if answer.state.as_deref() != Some(oidc::state_of(&secret).as_str()) {
        return untaken(&state, StatusCode::BAD_REQUEST, home(), FOREIGN);
    }
    // Taken before anything else: whatever happens next, this sign-in cannot be tried again.
    let next = match state.accounts.oidc_login_take(&secret).await {
        Ok(Some(next)) => next,
        Ok(None) => return refused(&state, StatusCode::BAD_REQUEST, home(), EXPIRED),
        Err(e) => return registry_refusal(&state, home(), e),
    };
    if let Some(error) = &answer.error {
        tracing::info!(error = %error.chars().take(64).collect::<String>(), "OpenID Connect provider answered an error");
        return refused(&state, StatusCode::BAD_REQUEST, next, NOT_CONFIRMED);
    }
    // RFC 9207: an answer naming another issuer comes from another provider (mix-up).
    if answer
        .iss
        .as_deref()
        .is_some_and(|iss| iss != provider.issuer())
    {
        tracing::warn!("OpenID Connect answer from another issuer refused");
        return refused(&state, StatusCode::BAD_REQUEST, next, FOREIGN);
    }
    let Some(code) = answer.code.as_deref().filter(|c| !c.is_empty()) else {
        return refused(&state, StatusCode::BAD_REQUEST, next, UNCHECKED);
    };
    let identity = match provider.identity(&secret, code).await {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "OpenID Connect sign-in refused");
            return refused(&state, StatusCode::BAD_REQUEST, next, UNCHECKED);
        }
    };
    match state.accounts.sign_in_with_identity(&identity).await {
        Ok((_, token)) => {
            let mut response = (
                PRIVATE,
                [(
                    header::SET_COOKIE,
                    session::open(&state, &token, SESSION_HOURS * 3600),
                )],
                (StatusCode::SEE_OTHER, [(header::LOCATION, next)]),
            )
                .into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, oidc::close_cookie(&state));
            response
        }
        Err(SignInFailure::Refused(message)) => {
            refused(&state, StatusCode::FORBIDDEN, next, &message)
        }
        Err(SignInFailure::Throttled(message)) => {
            refused(&state, StatusCode::TOO_MANY_REQUESTS, next, &message)
        }
        Err(SignInFailure::Registry(e)) => registry_refusal(&state, next, e),
    }
}
