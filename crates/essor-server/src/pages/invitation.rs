//! `POST /compte/invitations`: an organisation's administrator invites a person by e-mail;
//! `/invitation/{token}`: the page of an invitation's single-use link (issue 15). A new
//! person chooses a display name and a password and is signed in; a person who already has
//! an account accepts the role and signs in as usual. An unknown link is a 404, an expired or
//! used one a 410, each with a French page; answers are never cached and never leak the link
//! through `Referer`.

use super::{Layout, errors, form, render};
use crate::AppState;
use crate::api::referrals::PRIVATE;
use crate::registry::RegistryFailure;
use crate::security::session::{self, Session};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Extension, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_model::Role;
use essor_store::registry::accounts::SESSION_HOURS;
use essor_store::registry::{Acceptance, Invitation, InvitationToken, NewInvitation};
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    layout: Layout,
    token: String,
    organisation: String,
    role: &'static str,
    email: String,
    until: String,
    account_exists: bool,
    name: String,
    error: Option<String>,
}

const AGAIN: &str = "Demandez une nouvelle invitation à l'administrateur de votre organisation.";

fn page(
    state: &AppState,
    status: StatusCode,
    token: &InvitationToken,
    invitation: &Invitation,
    name: String,
    error: Option<String>,
) -> Response {
    let page = InvitationPage {
        layout: Layout::new(state, "Invitation", "compte"),
        token: token.expose().to_owned(),
        organisation: invitation.organisation_name.clone(),
        role: invitation.role.label(),
        email: invitation.email.clone(),
        until: invitation
            .expires_at
            .replace('T', " à ")
            .trim_end_matches('Z')
            .to_owned(),
        account_exists: invitation.account_exists,
        name,
        error,
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// The open invitation of `token`, or the page that says why there is none.
async fn open(state: &AppState, token: &str) -> Result<(InvitationToken, Invitation), Response> {
    let closed = |failure| errors::closed_link(state, failure, "lien d'invitation", AGAIN);
    let Some(token) = InvitationToken::parse(token) else {
        return Err(closed(None));
    };
    match state.accounts.invitation(&token).await {
        Ok(Some(invitation)) => Ok((token, invitation)),
        Ok(None) => Err(closed(None)),
        Err(e) => Err(closed(Some(e))),
    }
}

/// `GET /invitation/{token}`.
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match open(&state, &token).await {
        Ok((token, invitation)) => page(
            &state,
            StatusCode::OK,
            &token,
            &invitation,
            String::new(),
            None,
        ),
        Err(closed) => closed,
    }
}

/// `POST /invitation/{token}`: accepts it; a new account is signed in and sent to
/// `/compte`, an existing one to `/connexion`.
pub async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let (token, invitation) = match open(&state, &token).await {
        Ok(open) => open,
        Err(closed) => return closed,
    };
    let form = form::Fields::parse(&body);
    let name = form.text("name", 120);
    let password = form.text("password", 256);
    let refuse = |message: String| {
        page(
            &state,
            StatusCode::BAD_REQUEST,
            &token,
            &invitation,
            name.clone(),
            Some(message),
        )
    };
    if !invitation.account_exists && password != form.text("confirmation", 256) {
        return refuse("les deux mots de passe diffèrent : tapez le même deux fois".into());
    }
    let acceptance = Acceptance {
        display_name: name.clone(),
        password: password.clone(),
    };
    match state.accounts.accept_invitation(&token, acceptance).await {
        Ok(accepted) if accepted.created => {
            match state
                .accounts
                .sign_in(&accepted.account.email, &password, &peer.ip().to_string())
                .await
            {
                Ok((_, session_token)) => (
                    PRIVATE,
                    [(
                        header::SET_COOKIE,
                        session::open(&state, &session_token, SESSION_HOURS * 3600),
                    )],
                    (StatusCode::SEE_OTHER, [(header::LOCATION, "/compte")]),
                )
                    .into_response(),
                Err(_) => see_other("/connexion?suite=/compte"),
            }
        }
        Ok(_) => see_other("/connexion?suite=/compte"),
        Err(RegistryFailure::Field(f)) => refuse(f.message),
        Err(e) => errors::closed_link(&state, Some(e), "lien d'invitation", AGAIN),
    }
}

fn see_other(to: &'static str) -> Response {
    (PRIVATE, (StatusCode::SEE_OTHER, [(header::LOCATION, to)])).into_response()
}

/// `POST /compte/invitations` (signed in): an administrator of the organisation invites a
/// person; the form carries the session's anti-CSRF token. The e-mail leaves before the page
/// answers, so the page says whether it did.
pub async fn send(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Bytes,
) -> Response {
    let form = form::Fields::parse(&body);
    if let Some(refusal) = session.refuse_forged(&form) {
        return refusal;
    }
    let refuse = |status, message: &str| {
        super::account::account_page(&state, &session, status, None, Some(message.to_owned()))
    };
    let organisation = form.text("organisation", 20).parse::<i64>().unwrap_or(-1);
    if !session.signed_in.has_role(organisation, Role::Admin) {
        return refuse(
            StatusCode::FORBIDDEN,
            "seul un administrateur de l'organisation peut y inviter",
        );
    }
    let Some(role) = Role::parse(&form.text("role", 20)) else {
        return refuse(StatusCode::BAD_REQUEST, "rôle inconnu");
    };
    let new = NewInvitation {
        email: form.text("email", 254),
        organisation_id: organisation,
        role,
    };
    let principal = session.signed_in.principal(Some(organisation));
    let (invitation, token) = match state.accounts.invite(new, principal).await {
        Ok(made) => made,
        Err(RegistryFailure::Field(f)) => return refuse(StatusCode::BAD_REQUEST, &f.message),
        Err(e) => {
            tracing::error!(error = %e, "invitation");
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "l'invitation n'a pas pu être enregistrée ; réessayez dans un instant",
            );
        }
    };
    let link = state.absolute(&format!("/invitation/{}", token.expose()));
    let notice = match state
        .mailer
        .send(&essor_app::mail::invitation(&invitation, &link))
        .await
    {
        Ok(()) if state.mailer.sends() => format!(
            "Invitation envoyée par courriel à {} ({}).",
            invitation.email,
            invitation.role.label()
        ),
        Ok(()) => format!(
            "Invitation de {} enregistrée ; ce serveur n'envoie pas de courriel : le lien est dans son journal, l'administrateur de l'instance peut vous le transmettre.",
            invitation.email
        ),
        Err(e) => {
            tracing::error!(error = %e, "invitation e-mail");
            format!(
                "Invitation de {} enregistrée, mais le courriel n'a pas pu partir ; l'administrateur de l'instance trouve l'erreur dans le journal du serveur.",
                invitation.email
            )
        }
    };
    super::account::account_page(&state, &session, StatusCode::OK, Some(notice), None)
}
