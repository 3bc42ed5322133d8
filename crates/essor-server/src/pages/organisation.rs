//! An organisation's private pages (issue 15): `/organisations/{org}` for its members (who
//! they are, its territories, the operators it answers for), its audit log for its
//! administrators, and the referrals it receives for its operators, who move them on here —
//! the same lifecycle as through a secret link, written with the member as author. The policy
//! layer has checked the role before any of these runs; answers are never cached.

use super::{Layout, dates, errors, render};
use crate::AppState;
use crate::api::referrals::PRIVATE;
use crate::registry::{Channel, RegistryFailure, Status};
use crate::security::session::Session;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_model::Role;
use essor_store::registry::audit;

/// A member as the organisation page lists them.
#[derive(Debug)]
pub struct MemberRow {
    pub account_id: i64,
    pub name: String,
    pub email: String,
    pub roles: String,
    /// (word, label) of each role held.
    pub held: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    layout: Layout,
    id: i64,
    csrf: String,
    /// Every role, (word, label), for the administrator's form.
    all_roles: Vec<(&'static str, &'static str)>,
    /// The refusal of the administrator's last change, if any.
    error: Option<String>,
    /// The change just made, if any.
    done: Option<String>,
    name: String,
    kind: &'static str,
    siret: Option<String>,
    territories: Vec<(String, String)>,
    members: Vec<MemberRow>,
    operators: Vec<String>,
    is_admin: bool,
    is_operator: bool,
}

/// The organisation of a route, read again (the policy checked the role on the session).
async fn load(state: &AppState, org: i64) -> Result<crate::registry::OrganisationView, Response> {
    match state.accounts.organisation(org).await {
        Ok(Some(view)) => Ok(view),
        Ok(None) => Err(errors::not_found(
            state,
            "Cette organisation n'existe plus.",
        )),
        Err(e) => Err(failure(state, e)),
    }
}

fn failure(state: &AppState, e: RegistryFailure) -> Response {
    errors::from_api(state, crate::error::ApiError::registry(&e))
}

#[derive(Debug, serde::Deserialize)]
pub struct ShowQuery {
    fait: Option<String>,
}

/// `GET /organisations/{org}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(org): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let done = match q.fait.as_deref() {
        Some("donne") => Some("Rôle donné.".to_owned()),
        Some("retire") => Some("Rôle retiré.".to_owned()),
        _ => None,
    };
    organisation_page(&state, &session, org, StatusCode::OK, None, done).await
}

async fn organisation_page(
    state: &AppState,
    session: &Session,
    org: i64,
    status: StatusCode,
    error: Option<String>,
    done: Option<String>,
) -> Response {
    let view = match load(state, org).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let me = &session.signed_in;
    let o = &view.organisation;
    let page = OrganisationPage {
        layout: Layout::new(state, o.name.clone(), "compte"),
        id: o.id,
        csrf: session.csrf(),
        all_roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        error,
        done,
        name: o.name.clone(),
        kind: o.kind.label(),
        siret: o.siret.clone(),
        territories: o
            .territories
            .iter()
            .map(|t| {
                (
                    format!("/territoires/{}/{}", t.level.code(), t.code),
                    format!("{} {}", t.level.label(), t.code),
                )
            })
            .collect(),
        members: view
            .members
            .iter()
            .map(|m| MemberRow {
                account_id: m.account_id,
                name: m.display_name.clone(),
                email: m.email.clone(),
                roles: m
                    .roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", "),
                held: m.roles.iter().map(|r| (r.as_str(), r.label())).collect(),
            })
            .collect(),
        operators: view.operators.clone(),
        is_admin: me.has_role(org, Role::Admin),
        is_operator: me.has_role(org, Role::Operator),
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// `POST /organisations/{org}/roles`: an administrator gives a role to the account of an
/// address (`operation=donner`, `email`, `role`) or takes one away (`operation=retirer`,
/// `account`, `role`); the change is written with the administrator as author, for the
/// organisation.
pub async fn roles(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(org): Path<i64>,
    body: Bytes,
) -> Response {
    let form = super::form::Fields::parse(&body);
    if let Some(refusal) = session.refuse_forged(&form) {
        return refusal;
    }
    let principal = essor_model::Principal::User {
        user_id: session.signed_in.account.id,
        organisation_id: Some(org),
    };
    let Some(role) = Role::parse(form.get("role")) else {
        return organisation_page(
            &state,
            &session,
            org,
            StatusCode::BAD_REQUEST,
            Some("choisissez un rôle".to_owned()),
            None,
        )
        .await;
    };
    let (result, done) = match form.get("operation") {
        "donner" => (
            state
                .accounts
                .grant_role_by_email(org, form.get("email"), role, &principal)
                .await,
            "donne",
        ),
        "retirer" => match form.get("account").parse::<i64>() {
            Ok(account) => (
                state
                    .accounts
                    .revoke_role(org, account, role, &principal)
                    .await,
                "retire",
            ),
            Err(_) => (Err(RegistryFailure::NotFound), "retire"),
        },
        _ => (
            Err(RegistryFailure::field(
                "operation",
                "opération « donner » ou « retirer » attendue",
            )),
            "",
        ),
    };
    match result {
        Ok(()) => (
            PRIVATE,
            (
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    format!("/organisations/{org}?fait={done}#membres"),
                )],
            ),
        )
            .into_response(),
        Err(RegistryFailure::NotFound) => {
            organisation_page(
                &state,
                &session,
                org,
                StatusCode::NOT_FOUND,
                Some("ce membre n'a pas ce rôle dans l'organisation".to_owned()),
                None,
            )
            .await
        }
        Err(e @ (RegistryFailure::Field(_) | RegistryFailure::Fields(_))) => {
            organisation_page(
                &state,
                &session,
                org,
                StatusCode::BAD_REQUEST,
                Some(e.to_string()),
                None,
            )
            .await
        }
        Err(e) => failure(&state, e),
    }
}

/// One row of the audit log as the page shows it.
#[derive(Debug)]
pub struct AuditRow {
    pub at: String,
    pub action: &'static str,
    pub who: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "organisation_journal.html")]
struct JournalPage {
    layout: Layout,
    id: i64,
    name: String,
    since: String,
    rows: Vec<AuditRow>,
}

#[derive(Debug, serde::Deserialize)]
pub struct JournalQuery {
    depuis: Option<String>,
    format: Option<String>,
}

/// A day `AAAA-MM-JJ`, or nothing.
fn day(text: Option<&str>) -> Result<Option<String>, String> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(d)
            if d.len() == 10
                && d.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                }) =>
        {
            Ok(Some(d.to_owned()))
        }
        Some(_) => Err("date AAAA-MM-JJ attendue".to_owned()),
    }
}

/// `GET /organisations/{org}/journal[?depuis=AAAA-MM-JJ][&format=csv|json]`: the
/// organisation's audit log, for its administrators.
pub async fn journal(
    State(state): State<AppState>,
    Path(org): Path<i64>,
    Query(q): Query<JournalQuery>,
) -> Response {
    let since = match day(q.depuis.as_deref()) {
        Ok(s) => s,
        Err(m) => {
            return errors::from_api(&state, crate::error::ApiError::bad_parameter("depuis", m));
        }
    };
    let view = match load(&state, org).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let rows = match state
        .accounts
        .organisation_audit(org, since.as_deref())
        .await
    {
        Ok(rows) => rows,
        Err(e) => return failure(&state, e),
    };
    let file =
        |ext: &str| format!("attachment; filename=\"essor-journal-organisation-{org}.{ext}\"");
    match q.format.as_deref() {
        Some("csv") => {
            return (
                PRIVATE,
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, file("csv")),
                ],
                audit::csv(&rows),
            )
                .into_response();
        }
        Some("json") => {
            return (
                PRIVATE,
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (header::CONTENT_DISPOSITION, file("json")),
                ],
                audit::json(&rows).to_string(),
            )
                .into_response();
        }
        _ => {}
    }
    let name_of = |id: i64| {
        view.members
            .iter()
            .find(|m| m.account_id == id)
            .map(|m| m.display_name.clone())
    };
    let rows = rows
        .iter()
        .rev()
        .map(|a| AuditRow {
            at: dates::timestamp(&a.at),
            action: audit::label(&a.action),
            who: match (a.principal_kind.as_str(), a.user_id) {
                ("user", Some(id)) => match name_of(id) {
                    Some(name) => format!("{name} (compte n° {id})"),
                    None => format!("compte n° {id}"),
                },
                ("system", _) => format!(
                    "essor (tâche {})",
                    a.principal_detail.as_deref().unwrap_or("?")
                ),
                ("link", _) => "détenteur du lien secret".to_owned(),
                _ => "personne sans compte".to_owned(),
            },
            what: format!("{} n° {}", audit::entity_label(&a.object_type), a.object_id),
        })
        .collect();
    let page = JournalPage {
        layout: Layout::new(
            &state,
            format!("Journal — {}", view.organisation.name),
            "compte",
        ),
        id: org,
        name: view.organisation.name,
        since: since.unwrap_or_default(),
        rows,
    };
    (PRIVATE, render(StatusCode::OK, &page)).into_response()
}

/// A referral as the operators' page shows it.
#[derive(Debug)]
pub struct ReferralRow {
    pub id: i64,
    pub scheme_id: String,
    pub scheme_name: String,
    pub operator_name: String,
    pub person: String,
    pub contact: String,
    pub referrer: String,
    pub status: &'static str,
    pub reason: String,
    pub updated: String,
    /// (value, label) of each status it may move to.
    pub next: Vec<(&'static str, &'static str)>,
    /// The refusal of the last attempt on this referral, if it failed.
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "organisation_referrals.html")]
struct ReferralsPage {
    layout: Layout,
    id: i64,
    name: String,
    operators: Vec<String>,
    filter: String,
    statuses: Vec<(&'static str, &'static str)>,
    rows: Vec<ReferralRow>,
    saved: Option<i64>,
    csrf: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct ReferralsQuery {
    statut: Option<String>,
    enregistree: Option<i64>,
}

async fn referrals_page(
    state: &AppState,
    session: &Session,
    org: i64,
    filter: Option<Status>,
    saved: Option<i64>,
    error: Option<(i64, String)>,
) -> Response {
    let view = match load(state, org).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let referrals = match state.accounts.organisation_referrals(org, filter).await {
        Ok(r) => r,
        Err(e) => return failure(state, e),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let rows = referrals
        .into_iter()
        .map(|r| ReferralRow {
            id: r.id,
            error: error
                .as_ref()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, m)| m.clone()),
            scheme_id: r.scheme_id,
            scheme_name: r.scheme_name,
            operator_name: r.operator_name,
            person: if r.contact_erased_at.is_some() {
                "(effacé : durée de conservation échue)".to_owned()
            } else {
                r.person
            },
            contact: r.contact,
            referrer: r.referrer,
            status: r.status.label(),
            reason: r.status_reason.unwrap_or_default(),
            updated: dates::timestamp(&r.updated_at),
            next: r
                .status
                .next()
                .iter()
                .map(|s| (s.word(), s.label()))
                .collect(),
        })
        .collect();
    let page = ReferralsPage {
        layout: Layout::new(
            state,
            format!("Mises en relation reçues — {}", view.organisation.name),
            "compte",
        ),
        id: org,
        name: view.organisation.name,
        operators: view.operators,
        filter: filter.map(|s| s.word()).unwrap_or_default().to_owned(),
        statuses: Status::ALL.iter().map(|s| (s.word(), s.label())).collect(),
        rows,
        saved,
        csrf: session.csrf(),
    };
    (PRIVATE, render(status, &page)).into_response()
}

/// `GET /organisations/{org}/mises-en-relation[?statut=…]`: the referrals addressed to the
/// operators the organisation answers for, for its members with the `operator` role.
pub async fn referrals(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(org): Path<i64>,
    Query(q): Query<ReferralsQuery>,
) -> Response {
    let filter = q
        .statut
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(Status::from_word);
    referrals_page(&state, &session, org, filter, q.enregistree, None).await
}

/// `POST /organisations/{org}/mises-en-relation/{id}`: moves one referral on (form `status`,
/// `reason`, `csrf`), then back to the list.
pub async fn update(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path((org, id)): Path<(i64, i64)>,
    body: Bytes,
) -> Response {
    let form = super::form::Fields::parse(&body);
    if let Some(refusal) = session.refuse_forged(&form) {
        return refusal;
    }
    let reason = Some(form.get("reason").to_owned());
    match crate::orientation::referral::change_for(
        &state,
        org,
        id,
        session.signed_in.account.id,
        form.get("status"),
        reason,
        Channel::Page,
    )
    .await
    {
        Ok(_) => (
            PRIVATE,
            (
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    format!("/organisations/{org}/mises-en-relation?enregistree={id}#mer-{id}"),
                )],
            ),
        )
            .into_response(),
        Err(RegistryFailure::NotFound) => errors::not_found(
            &state,
            "Aucune mise en relation reçue par votre organisation n'a ce numéro.",
        ),
        Err(
            e @ (RegistryFailure::Transition(_)
            | RegistryFailure::Field(_)
            | RegistryFailure::Conflict(_)),
        ) => referrals_page(&state, &session, org, None, None, Some((id, e.to_string()))).await,
        Err(e) => failure(&state, e),
    }
}
