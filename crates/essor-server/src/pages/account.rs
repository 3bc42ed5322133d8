//! `/connexion`, `/compte`, `/deconnexion`: signing in with an account (with a password here,
//! or through an OpenID Connect provider, [`super::oidc`]), seeing one's organisations and
//! roles, signing out (a forgotten password: [`super::password`]). Answers are never cached
//! (`no-store`); a refusal
//! says the same whatever was wrong (issue 15).

use super::{Layout, render};
use crate::AppState;
use crate::api::referrals::PRIVATE;
use crate::registry::{RegistryFailure, SignInFailure};
use crate::security::session::{self, Session};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Extension, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_model::Role;
use essor_store::registry::accounts::SESSION_HOURS;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "connexion.html")]
struct SignInPage {
    layout: Layout,
    next: String,
    email: String,
    error: Option<String>,
    /// The OpenID Connect button, when a provider is configured: its text and address.
    oidc: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "compte.html")]
struct AccountPage {
    layout: Layout,
    name: String,
    email: String,
    instance_admin: bool,
    until: String,
    /// (organisation id, name, kind, role).
    roles: Vec<(i64, String, &'static str, &'static str)>,
    csrf: String,
    /// The organisations this person administers, where they may invite (id, name).
    inviting: Vec<(i64, String)>,
    /// Every role (word, label), for the invitation form.
    all_roles: Vec<(&'static str, &'static str)>,
    /// The outcome of an invitation just made, or why it was refused.
    notice: Option<String>,
    error: Option<String>,
}

/// Where to go after signing in: a path of this site only (never `//host` or a URL), as
/// the browser sent it (percent-encoded ASCII: anything else could not be a `Location`).
pub(super) fn next_path(wanted: Option<&str>) -> String {
    match wanted {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && p.len() <= 2048
                && p.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            p.to_owned()
        }
        _ => "/compte".to_owned(),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct Next {
    suite: Option<String>,
}

/// The sign-in page, with `error` above the form when there is one.
pub(super) fn page(
    state: &AppState,
    status: StatusCode,
    next: String,
    email: String,
    error: Option<String>,
) -> Response {
    let oidc = state.oidc.as_ref().map(|oidc| {
        let suite: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        (
            oidc.label().to_owned(),
            format!("/connexion/oidc?suite={suite}"),
        )
    });
    let page = SignInPage {
        layout: Layout::new(state, "Se connecter", "compte"),
        next,
        email,
        error,
        oidc,
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// `GET /connexion`.
pub async fn sign_in_form(State(state): State<AppState>, Query(q): Query<Next>) -> Response {
    page(
        &state,
        StatusCode::OK,
        next_path(q.suite.as_deref()),
        String::new(),
        None,
    )
}

/// `POST /connexion`: a session cookie and a redirection, or the form again with the one
/// refusal message.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Bytes,
) -> Response {
    let form = super::form::Fields::parse(&body);
    let next = next_path(Some(&form.text("suite", 4096)));
    let email = form.text("email", 254).trim().to_owned();
    let password = form.text("password", 256);
    match state
        .accounts
        .sign_in(&email, &password, &peer.ip().to_string())
        .await
    {
        Ok((_, token)) => (
            PRIVATE,
            [(
                header::SET_COOKIE,
                session::open(&state, &token, SESSION_HOURS * 3600),
            )],
            (StatusCode::SEE_OTHER, [(header::LOCATION, next)]),
        )
            .into_response(),
        Err(SignInFailure::Refused(message)) => {
            page(&state, StatusCode::BAD_REQUEST, next, email, Some(message))
        }
        Err(SignInFailure::Throttled(message)) => page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            email,
            Some(message),
        ),
        Err(SignInFailure::Registry(RegistryFailure::Disabled)) => page(
            &state,
            StatusCode::SERVICE_UNAVAILABLE,
            next,
            email,
            Some("les comptes ne sont pas activés sur ce serveur : lancez `essor serve --store DOSSIER` (ou `--registre postgres://…`)".to_owned()),
        ),
        Err(SignInFailure::Registry(e)) => {
            tracing::error!(error = %e, "sign-in failed");
            page(
                &state,
                StatusCode::INTERNAL_SERVER_ERROR,
                next,
                email,
                Some("la connexion est momentanément impossible ; réessayez dans un instant".to_owned()),
            )
        }
    }
}

/// `GET /compte` (signed in: the policy layer put the [`Session`] here).
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    account_page(&state, &session, StatusCode::OK, None, None)
}

/// The account page of `session`, with the outcome of an invitation when there is one.
pub(super) fn account_page(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let s = &session.signed_in;
    let page = AccountPage {
        layout: Layout::new(state, "Mon compte", "compte"),
        name: s.account.display_name.clone(),
        email: s.account.email.clone(),
        instance_admin: s.account.instance_admin,
        until: s
            .expires_at
            .replace('T', " à ")
            .trim_end_matches('Z')
            .to_owned(),
        roles: s
            .memberships
            .iter()
            .map(|m| {
                (
                    m.organisation_id,
                    m.organisation_name.clone(),
                    m.kind.label(),
                    m.role.label(),
                )
            })
            .collect(),
        csrf: session.csrf(),
        inviting: s
            .memberships
            .iter()
            .filter(|m| m.role == Role::Admin)
            .map(|m| (m.organisation_id, m.organisation_name.clone()))
            .collect(),
        all_roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        notice,
        error,
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// `POST /deconnexion`: closes the session when the form carries its anti-CSRF token.
pub async fn sign_out(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let form = form(&body);
    if let Some(refusal) = session.refuse_forged(&form) {
        return refusal;
    }
    if let Err(e) = state.accounts.sign_out(&session.token).await {
        tracing::error!(error = %e, "sign-out failed");
    }
    signed_out(&state, "/")
}

/// The answer once the session is over (signed out, everywhere or by erasure): the cookie
/// forgotten, the browser sent to `location`.
fn signed_out(state: &AppState, location: &str) -> Response {
    (
        PRIVATE,
        [(header::SET_COOKIE, session::close(state))],
        (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, location.to_owned())],
        ),
    )
        .into_response()
}

/// The form fields of a posted body.
fn form(body: &Bytes) -> super::form::Fields {
    super::form::Fields::parse(body)
}

fn registry_failure(state: &AppState, e: RegistryFailure) -> Response {
    super::errors::from_api(state, crate::error::ApiError::registry(&e))
}

/// `POST /compte/deconnexion-partout`: closes every session of the account (this one too).
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    if let Some(refusal) = session.refuse_forged(&form(&body)) {
        return refusal;
    }
    if let Err(e) = state
        .accounts
        .sign_out_everywhere(session.signed_in.account.id)
        .await
    {
        return registry_failure(&state, e);
    }
    signed_out(&state, "/connexion")
}

/// `GET /compte/donnees`: everything essor holds on the account, as a JSON file (RGPD,
/// right of access and portability).
pub async fn personal_data(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    match state
        .accounts
        .personal_data(session.signed_in.account.id)
        .await
    {
        Ok(data) => (
            PRIVATE,
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"essor-mes-donnees.json\"".to_owned(),
                ),
            ],
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => registry_failure(&state, e),
    }
}

/// The word to type to confirm the deletion of one's account.
const ERASE_CONFIRMATION: &str = "SUPPRIMER";

/// `POST /compte/supprimer`: erases the account when the form carries its anti-CSRF token and
/// the confirmation word (RGPD, right to erasure), then signs out.
pub async fn erase(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let form = form(&body);
    if let Some(refusal) = session.refuse_forged(&form) {
        return refusal;
    }
    let typed = form.get("confirmation");
    if typed != ERASE_CONFIRMATION {
        return super::errors::from_api(
            &state,
            crate::error::ApiError::bad_parameter(
                "confirmation",
                format!(
                    "pour supprimer votre compte, tapez {ERASE_CONFIRMATION} dans le champ de confirmation ; rien n'a été supprimé"
                ),
            ),
        );
    }
    if let Err(e) = state
        .accounts
        .erase_account(session.signed_in.account.id)
        .await
    {
        return registry_failure(&state, e);
    }
    signed_out(&state, "/?compte=supprime")
}

#[derive(Template)]
#[template(path = "jetons.html")]
struct TokensPage {
    layout: Layout,
    /// (id, name, scope, created, last use, revoked).
    tokens: Vec<(i64, String, &'static str, String, String, String)>,
    /// The token just created, shown this once.
    created: Option<String>,
    error: Option<String>,
    csrf: String,
}

async fn tokens_page(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    created: Option<String>,
    error: Option<String>,
) -> Response {
    let tokens = match state
        .accounts
        .api_tokens(session.signed_in.account.id)
        .await
    {
        Ok(t) => t,
        Err(e) => return registry_failure(state, e),
    };
    let when = |t: &Option<String>| {
        t.as_deref()
            .map(super::dates::timestamp)
            .unwrap_or_default()
    };
    let page = TokensPage {
        layout: Layout::new(state, "Jetons d'API", "compte"),
        tokens: tokens
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    t.name,
                    t.scope.label(),
                    super::dates::timestamp(&t.created_at),
                    when(&t.last_used_at),
                    when(&t.revoked_at),
                )
            })
            .collect(),
        created,
        error,
        csrf: session.csrf(),
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// `GET /compte/jetons`: the account's personal API tokens and a form to create one.
pub async fn tokens(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    tokens_page(&state, &session, StatusCode::OK, None, None).await
}

/// `POST /compte/jetons`: creates a token (`name`, `scope` = read or write) and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let form = form(&body);
    if let Some(refusal) = session.refuse_forged(&form) {
        return refusal;
    }
    let Some(scope) = essor_store::registry::ApiScope::parse(form.get("scope")) else {
        return tokens_page(
            &state,
            &session,
            StatusCode::BAD_REQUEST,
            None,
            Some("portée : lecture seule ou lecture et écriture".to_owned()),
        )
        .await;
    };
    match state
        .accounts
        .create_api_token(session.signed_in.account.id, form.get("name"), scope)
        .await
    {
        Ok((_, token)) => {
            tokens_page(
                &state,
                &session,
                StatusCode::OK,
                Some(token.expose().to_owned()),
                None,
            )
            .await
        }
        Err(e @ (RegistryFailure::Field(_) | RegistryFailure::Fields(_))) => {
            tokens_page(
                &state,
                &session,
                StatusCode::BAD_REQUEST,
                None,
                Some(e.to_string()),
            )
            .await
        }
        Err(e) => registry_failure(&state, e),
    }
}

/// `POST /compte/jetons/{id}/revoquer`.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    body: Bytes,
) -> Response {
    if let Some(refusal) = session.refuse_forged(&form(&body)) {
        return refusal;
    }
    match state
        .accounts
        .revoke_api_token(session.signed_in.account.id, id)
        .await
    {
        Ok(()) => (
            PRIVATE,
            (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, "/compte/jetons".to_owned())],
            ),
        )
            .into_response(),
        Err(e) => registry_failure(&state, e),
    }
}

#[derive(Template)]
#[template(path = "donnees_personnelles.html")]
struct PrivacyPage {
    layout: Layout,
    contact_months: u32,
    link_days: u32,
}

/// `GET /donnees-personnelles`: what essor stores about people, why, for how long, and how
/// to see or erase it (registre des traitements, RGPD art. 30 and 13).
pub async fn privacy(State(state): State<AppState>) -> Response {
    let retention = state.registry.retention();
    let page = PrivacyPage {
        layout: Layout::new(&state, "Données personnelles", ""),
        contact_months: retention.contact_months,
        link_days: retention.link_days,
    };
    render(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_of_this_site_are_followed_after_signing_in() {
        use super::next_path;
        assert_eq!(next_path(Some("/compte")), "/compte");
        assert_eq!(
            next_path(Some("/territoires/commune/35238")),
            "/territoires/commune/35238"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/territoires/commune/Saint-Étienne",
            "/a\r\nSet-Cookie: x=1",
            "",
            "compte",
        ] {
            assert_eq!(next_path(Some(bad)), "/compte", "{bad}");
        }
    }
}
