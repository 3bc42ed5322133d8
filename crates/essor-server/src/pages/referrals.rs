//! Referrals in pages: `/mises-en-relation/nouvelle` (from a result of `/orientation`),
//! `/mises-en-relation/suivi/{token}` (the secret link: details, history, status change) and
//! `/mises-en-relation` (the list by operator and status, without personal data).
//!
//! The forms post to the same use cases as the API (`crate::orientation::referral`), with
//! the `page` channel in the audit log. Success answers redirect (303) to the referral's
//! page, so that reloading never posts twice. Pages that show a token or personal data are
//! sent with `Cache-Control: no-store`, `Referrer-Policy: no-referrer` and `noindex`.
//!
//! Who sees what, until accounts exist: anyone who holds a referral's link sees that
//! referral (name, contact, profile) and can move it on; the list is public to whoever
//! reaches the server and shows only numbers, schemes, operators, statuses and dates.

use super::errors::ErrorPage;
use super::orientation::{commune_name, pairs};
use super::orientation_form::{Choice, ProfileForm, capitalised};
use super::{Layout, dates, errors, render};
use crate::AppState;
use crate::api::referrals::PRIVATE;
use crate::orientation::referral::{self, ReferralRequest};
use crate::registry::{Channel, Principal, Referral, ReferralFilter, RegistryFailure, Status};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_orientation::{Effect, Eligibility, Profile, profile_summary};

/// The French page of a disabled registry (503) or of a backend failure (500).
fn unavailable(state: &AppState, failure: &RegistryFailure) -> Response {
    let (status, heading) = match failure {
        RegistryFailure::Disabled => (
            StatusCode::SERVICE_UNAVAILABLE,
            "Mises en relation désactivées",
        ),
        RegistryFailure::NotFound => {
            return errors::not_found(state, "Aucune mise en relation ne correspond à ce lien.");
        }
        RegistryFailure::LinkClosed(_) => (StatusCode::GONE, "Lien expiré ou révoqué"),
        _ => {
            tracing::error!(error = %failure, "request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Les mises en relation sont momentanément indisponibles",
            )
        }
    };
    let message = match failure {
        RegistryFailure::Disabled => "Ce serveur ne garde aucune donnée personnelle : les mises en relation avec les opérateurs sont désactivées. Pour les activer, lancez `essor serve --store DOSSIER` ; elles seront enregistrées dans DOSSIER/registre.sqlite.".to_owned(),
        RegistryFailure::LinkClosed(message) => format!("{message}."),
        _ => "Réessayez dans un instant.".to_owned(),
    };
    let page = ErrorPage {
        layout: Layout::new(state, heading, "orientation"),
        heading: heading.to_owned(),
        message,
    };
    render(status, &page)
}

fn private(response: Response) -> Response {
    (PRIVATE, response).into_response()
}

/// The badge modifier of a status.
fn badge(status: Status) -> &'static str {
    match status {
        Status::Proposee => "new",
        Status::Acceptee | Status::EnCours => "info",
        Status::Terminee => "success",
        Status::Refusee => "error",
        Status::PasPourNous => "warning",
    }
}

fn status_hint(status: Status) -> &'static str {
    match status {
        Status::Proposee => "en attente de réponse de l'opérateur",
        Status::Acceptee => "l'opérateur prend contact avec la personne ou la structure",
        Status::EnCours => "l'accompagnement ou l'instruction a commencé",
        Status::Terminee => "l'accompagnement ou l'instruction est terminé",
        Status::Refusee => "l'opérateur ne peut pas donner suite ; motif obligatoire",
        Status::PasPourNous => {
            "la demande relève d'un autre dispositif ou d'un autre opérateur ; motif obligatoire"
        }
    }
}

// --- New referral ---------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "mise_en_relation_nouvelle.html")]
pub struct NewReferralPage {
    pub layout: Layout,
    pub scheme_id: String,
    pub scheme_name: String,
    pub eligibility: &'static str,
    /// Unknown conditions, when the scheme is to check.
    pub unknown: Vec<String>,
    /// The first unmet condition, when the scheme is excluded (then no form).
    pub why_not: Option<String>,
    pub operators: Vec<Choice>,
    pub person: String,
    pub contact: String,
    pub referrer: String,
    pub consent: bool,
    /// Field issues: (field, message).
    pub issues: Vec<(&'static str, String)>,
    pub summary: Vec<(&'static str, String)>,
    /// The profile pairs, as hidden inputs.
    pub hidden: Vec<(String, String)>,
    /// Back to the orientation with the same answers.
    pub back: String,
}

impl NewReferralPage {
    /// The error summary: (anchor, message naming the field).
    pub fn issue_links(&self) -> Vec<(&'static str, String)> {
        self.issues
            .iter()
            .map(|(field, message)| {
                let (anchor, label) = match *field {
                    "operator" => ("q-operator", "Opérateur"),
                    "scheme" => ("q-operator", "Dispositif"),
                    "profile" => ("situation", "Profil"),
                    "person" => ("person", "Nom de la personne ou de la structure"),
                    "contact" => ("contact", "Contact"),
                    "referrer" => ("referrer", "Qui oriente"),
                    "consent" => ("consent", "Accord de la personne"),
                    _ => ("formulaire-mise-en-relation", "Formulaire"),
                };
                (anchor, format!("{label} : {message}"))
            })
            .collect()
    }

    /// The three text inputs: (name, label, hint, current value, autocomplete).
    pub fn text_fields(
        &self,
    ) -> Vec<(&'static str, &'static str, &'static str, &str, &'static str)> {
        vec![
            (
                "person",
                "Nom de la personne ou de la structure orientée",
                "un prénom et un nom, ou le nom du collectif ou de la structure ; rien d'autre",
                self.person.as_str(),
                "name",
            ),
            (
                "contact",
                "Contact qu'elle accepte de transmettre à l'opérateur",
                "un courriel ou un numéro de téléphone",
                self.contact.as_str(),
                "off",
            ),
            (
                "referrer",
                "Qui oriente ?",
                "votre structure ou votre service (et, si vous le souhaitez, votre prénom)",
                self.referrer.as_str(),
                "organization",
            ),
        ]
    }

    pub fn issue(&self, field: &str) -> Option<&str> {
        self.issues
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn value<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// The form for `pairs` (the orientation's answers, the scheme, and what was typed).
fn new_page(
    state: &AppState,
    pairs: &[(String, String)],
    issues: Vec<(&'static str, String)>,
) -> Result<NewReferralPage, String> {
    let scheme_id = value(pairs, "scheme");
    let catalogue = &state.orientation.catalogue;
    let Some(scheme) = catalogue.get(scheme_id) else {
        return Err(format!(
            "Aucun dispositif « {scheme_id} » dans le catalogue {} : une mise en relation part d'un résultat de l'orientation.",
            catalogue.version
        ));
    };
    let form = ProfileForm::parse(pairs);
    let result = state
        .orientation
        .run(&form.profile)
        .into_iter()
        .find(|r| r.id == scheme.id)
        .expect("every scheme is answered");
    let chosen = value(pairs, "operator");
    let single = scheme.operators.len() == 1;
    let operators = scheme
        .operators
        .iter()
        .map(|o| Choice {
            value: o.id.clone(),
            label: o.name.clone(),
            hint: o.role.clone(),
            checked: single || o.id == chosen,
            id: format!("operator-{}", o.id),
        })
        .collect();
    let texts = |e: Effect| -> Vec<String> {
        result
            .reasons
            .iter()
            .filter(|r| r.effect == e)
            .map(|r| r.text.clone())
            .collect()
    };
    let query = form.query();
    let mut issues = issues;
    issues.extend(
        form.issues
            .iter()
            .map(|i| ("profile", format!("{} : {}", i.field, i.message))),
    );
    Ok(NewReferralPage {
        layout: Layout::new(
            state,
            format!("Orienter vers {}", scheme.name),
            "orientation",
        ),
        scheme_id: scheme.id.clone(),
        scheme_name: scheme.name.clone(),
        eligibility: match result.eligibility {
            Eligibility::Eligible => "éligible",
            Eligibility::ToCheck => "à vérifier",
            Eligibility::NotEligible => "non éligible",
        },
        unknown: texts(Effect::Unknown),
        why_not: (result.eligibility == Eligibility::NotEligible)
            .then(|| texts(Effect::NotMet).into_iter().next().unwrap_or_default()),
        operators,
        person: value(pairs, "person").to_owned(),
        contact: value(pairs, "contact").to_owned(),
        referrer: value(pairs, "referrer").to_owned(),
        consent: value(pairs, "consent") == "oui",
        issues,
        summary: profile_summary(&form.profile, commune_name),
        hidden: form.pairs.clone(),
        back: if query.is_empty() {
            "/orientation".to_owned()
        } else {
            format!("/orientation?{query}")
        },
    })
}

/// `GET /mises-en-relation/nouvelle?scheme=…&<orientation answers>`.
pub async fn new(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    if !state.registry.enabled() {
        return unavailable(&state, &RegistryFailure::Disabled);
    }
    match new_page(&state, &pairs(raw.as_deref()), vec![]) {
        Ok(page) => private(render(StatusCode::OK, &page)),
        Err(message) => errors::not_found(&state, message),
    }
}

/// `POST /mises-en-relation`: creates, then redirects to the secret link.
pub async fn create(State(state): State<AppState>, body: Bytes) -> Response {
    if !state.registry.enabled() {
        return unavailable(&state, &RegistryFailure::Disabled);
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let form = ProfileForm::parse(&pairs);
    let capped = crate::api::orientation::profile_caps(&form.profile).and_then(|()| {
        ["scheme", "operator"]
            .into_iter()
            .find(|k| value(&pairs, k).chars().count() > 200)
            .map_or(Ok(()), |k| Err((k, "200 caractères au plus".to_owned())))
    });
    if let Err((field, message)) = capped {
        let field = if matches!(field, "scheme" | "operator") {
            field
        } else {
            "profile"
        };
        return match new_page(&state, &pairs, vec![(field, message)]) {
            Ok(page) => private(render(StatusCode::BAD_REQUEST, &page)),
            Err(message) => errors::not_found(&state, message),
        };
    }
    let failure = if form.issues.is_empty() {
        let request = ReferralRequest {
            scheme: value(&pairs, "scheme").to_owned(),
            operator: value(&pairs, "operator").to_owned(),
            person: value(&pairs, "person").to_owned(),
            contact: value(&pairs, "contact").to_owned(),
            consent: value(&pairs, "consent") == "oui",
            referrer: value(&pairs, "referrer").to_owned(),
            profile: form.profile.clone(),
        };
        match referral::create(&state, request, Principal::Anonymous, Channel::Page).await {
            Ok((_, token)) => {
                let to = format!("{}?creee=1", referral::link(&token));
                return private((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response());
            }
            Err(RegistryFailure::Field(f)) => vec![(f.field, f.message)],
            // Every refused field at once (issue 12).
            Err(RegistryFailure::Fields(list)) => {
                list.into_iter().map(|f| (f.field, f.message)).collect()
            }
            Err(other) => return unavailable(&state, &other),
        }
    } else {
        Vec::new()
    };
    let issues = failure;
    match new_page(&state, &pairs, issues) {
        Ok(page) => private(render(StatusCode::BAD_REQUEST, &page)),
        Err(message) => errors::not_found(&state, message),
    }
}

// --- One referral, by its link -------------------------------------------------------------

/// A secret link in a view: shown by `Display` (the template needs it), hidden from `Debug`.
pub struct SecretLink(String);

impl std::fmt::Display for SecretLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for SecretLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretLink(<secret>)")
    }
}

/// One dated change, for the history table.
#[derive(Debug)]
pub struct EventView {
    pub at: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

#[derive(Debug, Template)]
#[template(path = "mise_en_relation.html")]
pub struct ReferralPage {
    pub layout: Layout,
    pub referral: Referral,
    pub status_label: &'static str,
    pub status_badge: &'static str,
    pub created: String,
    pub updated: String,
    /// Until when the secret link opens this page, in French.
    pub link_expires: Option<String>,
    pub eligibility: &'static str,
    pub history: Vec<EventView>,
    pub summary: Vec<(&'static str, String)>,
    /// The statuses it may move to.
    pub next: Vec<Choice>,
    /// The page's path, with its token (the status form posts to it).
    pub path: SecretLink,
    /// The absolute secret link.
    pub link: SecretLink,
    pub just_created: bool,
    pub just_updated: bool,
    pub status_issue: Option<String>,
    pub reason_issue: Option<String>,
    pub reason: String,
}

fn referral_page(
    state: &AppState,
    token: &str,
    referral: Referral,
    flags: (bool, bool),
    issue: Option<(&'static str, String)>,
    typed: (&str, &str),
) -> ReferralPage {
    let profile: Profile = serde_json::from_str(&referral.profile_json).unwrap_or_default();
    let path = format!("/mises-en-relation/suivi/{token}");
    let link = SecretLink(state.absolute(&path));
    let next = referral
        .status
        .next()
        .iter()
        .map(|s| Choice {
            value: s.word().to_owned(),
            label: capitalised(s.label()),
            hint: Some(status_hint(*s).to_owned()),
            checked: typed.0 == s.word(),
            id: format!("status-{}", s.word()),
        })
        .collect();
    let (status_issue, reason_issue) = match issue {
        Some(("reason", m)) => (None, Some(m)),
        Some((_, m)) => (Some(m), None),
        None => (None, None),
    };
    ReferralPage {
        layout: Layout::new(
            state,
            format!("Mise en relation n° {}", referral.id),
            "orientation",
        ),
        status_label: referral.status.label(),
        status_badge: badge(referral.status),
        created: dates::timestamp(&referral.created_at),
        link_expires: referral.link_expires_at.as_deref().map(dates::timestamp),
        updated: dates::timestamp(&referral.updated_at),
        eligibility: match referral.eligibility.as_str() {
            "eligible" => "éligible",
            "to_check" => "à vérifier",
            _ => "non éligible",
        },
        history: referral
            .history
            .iter()
            .map(|e| EventView {
                at: dates::timestamp(&e.at),
                from: e.from.map_or("—".to_owned(), |s| s.label().to_owned()),
                to: e.to.label().to_owned(),
                reason: e.reason.clone().unwrap_or_default(),
            })
            .collect(),
        summary: profile_summary(&profile, commune_name),
        next,
        path: SecretLink(path),
        link,
        just_created: flags.0,
        just_updated: flags.1,
        status_issue,
        reason_issue,
        reason: typed.1.to_owned(),
        referral,
    }
}

/// `GET /mises-en-relation/suivi/{token}`.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let found = match referral::find(&state, &token).await {
        Ok(r) => r,
        Err(e) => return private(unavailable(&state, &e)),
    };
    let q = pairs(raw.as_deref());
    let flags = (value(&q, "creee") == "1", value(&q, "maj") == "1");
    let page = referral_page(&state, &token, found, flags, None, ("", ""));
    private(render(StatusCode::OK, &page))
}

/// `POST /mises-en-relation/suivi/{token}/revoquer`: closes the link, then says so.
pub async fn revoke(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match referral::revoke(&state, &token, Channel::Page).await {
        Ok(()) => {
            let page = ErrorPage {
                layout: Layout::new(&state, "Lien révoqué", "orientation"),
                heading: "Lien révoqué".to_owned(),
                message: "Ce lien n'ouvre plus la mise en relation. Si l'opérateur doit encore la suivre, demandez à la personne qui l'a faite d'en créer une nouvelle.".to_owned(),
            };
            private(render(StatusCode::OK, &page))
        }
        Err(e) => private(unavailable(&state, &e)),
    }
}

/// `POST /mises-en-relation/suivi/{token}`: moves it on, then back to its page.
pub async fn update(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let to = value(&form, "status");
    let reason = value(&form, "reason");
    let issue = if to.is_empty() {
        ("status", "choisissez le nouveau statut".to_owned())
    } else {
        let reason_opt = (!reason.trim().is_empty()).then(|| reason.to_owned());
        match referral::change(&state, &token, to, reason_opt, Channel::Page).await {
            Ok(_) => {
                let to = format!("/mises-en-relation/suivi/{token}?maj=1");
                return private((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response());
            }
            Err(RegistryFailure::Field(f)) => (f.field, f.message),
            Err(RegistryFailure::Conflict(message)) => ("status", message),
            Err(RegistryFailure::Transition(t)) => {
                let field = match t {
                    crate::registry::TransitionError::ReasonRequired { .. }
                    | crate::registry::TransitionError::ReasonTooLong => "reason",
                    _ => "status",
                };
                (field, t.to_string())
            }
            Err(other) => return private(unavailable(&state, &other)),
        }
    };
    let found = match referral::find(&state, &token).await {
        Ok(r) => r,
        Err(e) => return private(unavailable(&state, &e)),
    };
    let status = if issue.0 == "status" && !to.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = referral_page(
        &state,
        &token,
        found,
        (false, false),
        Some(issue),
        (to, reason),
    );
    private(render(status, &page))
}

// --- The list ------------------------------------------------------------------------------

/// One referral in the list.
#[derive(Debug)]
pub struct RowView {
    pub id: i64,
    pub scheme_id: String,
    pub scheme_name: String,
    pub status: &'static str,
    pub badge: &'static str,
    pub created: String,
    pub updated: String,
}

/// An operator's referrals and their counts by status.
#[derive(Debug)]
pub struct Group {
    pub operator_id: String,
    pub operator_name: String,
    /// Counts in the order of [`Status::ALL`].
    pub counts: Vec<usize>,
    /// The counts in words: `proposée : 2 · acceptée : 1`.
    pub counts_text: String,
    pub rows: Vec<RowView>,
}

#[derive(Debug, Template)]
#[template(path = "mises_en_relation.html")]
pub struct ReferralsPage {
    pub layout: Layout,
    /// (id, name, selected) of the operators that have referrals.
    pub operators: Vec<(String, String, bool)>,
    /// (word, label, selected).
    pub statuses: Vec<(&'static str, &'static str, bool)>,
    pub groups: Vec<Group>,
    pub total: usize,
    pub error: Option<String>,
}

/// `GET /mises-en-relation?operator=&status=`.
pub async fn list(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let q = pairs(raw.as_deref());
    let operator = value(&q, "operator").trim().to_owned();
    let status_word = value(&q, "status").trim().to_owned();
    let (status, error) = if status_word.is_empty() {
        (None, None)
    } else {
        match referral::status(&status_word) {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        }
    };
    let all = match referral::list(&state, ReferralFilter::default()).await {
        Ok(all) => all,
        Err(e) => return unavailable(&state, &e),
    };
    let mut operators: Vec<(String, String, bool)> = Vec::new();
    for r in &all {
        if !operators.iter().any(|(id, _, _)| *id == r.operator_id) {
            operators.push((
                r.operator_id.clone(),
                r.operator_name.clone(),
                r.operator_id == operator,
            ));
        }
    }
    operators.sort_by(|a, b| a.1.cmp(&b.1));
    let selected: Vec<_> = all
        .iter()
        .filter(|r| operator.is_empty() || r.operator_id == operator)
        .filter(|r| status.is_none_or(|s| r.status == s))
        .filter(|_| error.is_none())
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for r in &selected {
        let index = match groups.iter().position(|g| g.operator_id == r.operator_id) {
            Some(i) => i,
            None => {
                groups.push(Group {
                    operator_id: r.operator_id.clone(),
                    operator_name: r.operator_name.clone(),
                    counts: vec![0; Status::ALL.len()],
                    counts_text: String::new(),
                    rows: vec![],
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[index];
        let s = Status::ALL
            .iter()
            .position(|s| *s == r.status)
            .expect("a status");
        g.counts[s] += 1;
        g.rows.push(RowView {
            id: r.id,
            scheme_id: r.scheme_id.clone(),
            scheme_name: r.scheme_name.clone(),
            status: r.status.label(),
            badge: badge(r.status),
            created: dates::timestamp(&r.created_at),
            updated: dates::timestamp(&r.updated_at),
        });
    }
    groups.sort_by(|a, b| a.operator_name.cmp(&b.operator_name));
    for g in &mut groups {
        g.counts_text = Status::ALL
            .iter()
            .zip(&g.counts)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{} : {n}", s.label()))
            .collect::<Vec<_>>()
            .join(" · ");
    }
    let page = ReferralsPage {
        layout: Layout::new(&state, "Mises en relation", "orientation"),
        operators,
        statuses: Status::ALL
            .iter()
            .map(|s| (s.word(), s.label(), Some(*s) == status))
            .collect(),
        total: selected.len(),
        groups,
        error,
    };
    let code = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(code, &page)
}
