//! `/connexion`, `/compte`, `/deconnexion`: signing in with an account (with a password here,
//! or through an OpenID Connect provider, [`super::oidc`]), seeing one's organisations and
//! roles, signing out. Answers are never cached (`no-store`); a refusal
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
    roles: Vec<(String, &'static str, &'static str)>,
    csrf: String,
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
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let next = next_path(Some(field("suite")));
    let email = field("email").trim().chars().take(254).collect::<String>();
    let password = field("password").chars().take(256).collect::<String>();
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
    let s = &session.signed_in;
    let page = AccountPage {
        layout: Layout::new(&state, "Mon compte", "compte"),
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
            .map(|m| (m.organisation_name.clone(), m.kind.label(), m.role.label()))
            .collect(),
        csrf: session.csrf(),
    };
    (PRIVATE, render(StatusCode::OK, &page)).into_response()
}

/// `POST /deconnexion`: closes the session when the form carries its anti-CSRF token.
pub async fn sign_out(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let sent = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if sent != session.csrf() {
        return (
            StatusCode::FORBIDDEN,
            PRIVATE,
            "jeton anti-falsification absent ou faux : rechargez la page « Mon compte » puis recommencez",
        )
            .into_response();
    }
    if let Err(e) = state.accounts.sign_out(&session.token).await {
        tracing::error!(error = %e, "sign-out failed");
    }
    (
        PRIVATE,
        [(header::SET_COOKIE, session::close(&state))],
        (StatusCode::SEE_OTHER, [(header::LOCATION, "/".to_owned())]),
    )
        .into_response()
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
