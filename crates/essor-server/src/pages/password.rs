//! `/mot-de-passe-oublie` and `/reinitialiser/{token}`: a forgotten password (issue 15).
//!
//! Asking for a link answers the same page at once whatever the address: the registry work
//! and the e-mail happen after the answer, in a task of their own, so that neither the words
//! nor the time of the answer tell whether the address has an account. The link's page sets
//! a new password (checked like any other), which closes every session of the account. An
//! unknown link is a 404, an expired or used one a 410; answers are never cached and never
//! leak the link through `Referer`.

use super::{Layout, errors, form, render};
use crate::AppState;
use crate::api::referrals::PRIVATE;
use crate::registry::RegistryFailure;
use crate::security::session;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_app::mail;
use essor_store::registry::invitations::RESET_MINUTES;
use essor_store::registry::{Account, ResetToken};

#[derive(Template)]
#[template(path = "mot_de_passe_oublie.html")]
struct ForgottenPage {
    layout: Layout,
    sent: bool,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "reinitialiser.html")]
struct ResetPage {
    layout: Layout,
    token: String,
    email: String,
    done: bool,
    error: Option<String>,
}

const AGAIN: &str = "Demandez-en un nouveau depuis la page « Mot de passe oublié ? ».";

fn forgotten(state: &AppState, sent: bool) -> Response {
    let page = ForgottenPage {
        layout: Layout::new(state, "Mot de passe oublié", "compte"),
        sent,
        minutes: RESET_MINUTES,
    };
    (PRIVATE, render(StatusCode::OK, &page)).into_response()
}

/// `GET /mot-de-passe-oublie`.
pub async fn form(State(state): State<AppState>) -> Response {
    forgotten(&state, false)
}

/// `POST /mot-de-passe-oublie`: the same answer for every address; the link, if any, is made
/// and sent afterwards.
pub async fn request(State(state): State<AppState>, body: Bytes) -> Response {
    if !state.registry.enabled() {
        return errors::closed_link(&state, Some(RegistryFailure::Disabled), "", "");
    }
    let email = form::Fields::parse(&body).text("email", 254);
    let task = state.clone();
    tokio::spawn(async move {
        match task.accounts.request_password_reset(&email).await {
            Ok(Some(link)) => {
                let url = task.absolute(&format!("/reinitialiser/{}", link.token.expose()));
                let message = mail::password_reset(&link.account, &url, &link.expires_at);
                if let Err(e) = task.mailer.send(&message).await {
                    tracing::error!(error = %e, "password-reset e-mail");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "password-reset request"),
        }
    });
    forgotten(&state, true)
}

fn reset_page(
    state: &AppState,
    status: StatusCode,
    token: &ResetToken,
    account: &Account,
    error: Option<String>,
) -> Response {
    let page = ResetPage {
        layout: Layout::new(state, "Nouveau mot de passe", "compte"),
        token: token.expose().to_owned(),
        email: account.email.clone(),
        done: false,
        error,
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// The account of a reset link, or the page that says why there is none.
async fn open(state: &AppState, token: &str) -> Result<(ResetToken, Account), Response> {
    let closed = |failure| errors::closed_link(state, failure, "lien de réinitialisation", AGAIN);
    let Some(token) = ResetToken::parse(token) else {
        return Err(closed(None));
    };
    match state.accounts.reset_account(&token).await {
        Ok(Some(account)) => Ok((token, account)),
        Ok(None) => Err(closed(None)),
        Err(e) => Err(closed(Some(e))),
    }
}

/// `GET /reinitialiser/{token}`.
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match open(&state, &token).await {
        Ok((token, account)) => reset_page(&state, StatusCode::OK, &token, &account, None),
        Err(closed) => closed,
    }
}

/// `POST /reinitialiser/{token}`: the new password, then a page that says it is in place
/// (and forgets this browser's session cookie: the session was closed).
pub async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let (token, account) = match open(&state, &token).await {
        Ok(open) => open,
        Err(closed) => return closed,
    };
    let form = form::Fields::parse(&body);
    let password = form.text("password", 256);
    if password != form.text("confirmation", 256) {
        return reset_page(
            &state,
            StatusCode::BAD_REQUEST,
            &token,
            &account,
            Some("les deux mots de passe diffèrent : tapez le même deux fois".into()),
        );
    }
    match state.accounts.reset_password(&token, &password).await {
        Ok(_) => {
            let page = ResetPage {
                layout: Layout::new(&state, "Mot de passe changé", "compte"),
                token: String::new(),
                email: account.email,
                done: true,
                error: None,
            };
            (
                PRIVATE,
                [(header::SET_COOKIE, session::close(&state))],
                render(StatusCode::OK, &page),
            )
                .into_response()
        }
        Err(RegistryFailure::Field(f)) => reset_page(
            &state,
            StatusCode::BAD_REQUEST,
            &token,
            &account,
            Some(f.message),
        ),
        Err(e) => errors::closed_link(&state, Some(e), "lien de réinitialisation", AGAIN),
    }
}
