//! The referral use cases, shared by the API (`/api/v1/referrals`) and the pages
//! (`/mises-en-relation`): what is checked against the catalogue before the registry is
//! asked, and how a link's text becomes a token.
//!
//! Creating a referral checks that the scheme and the operator exist in the catalogue, and
//! runs the orientation for the given profile: a scheme the rules exclude cannot be the
//! target (the operator would only say no). The eligibility found is kept with the referral.

use crate::App;
use crate::registry::{
    Channel, NewReferral, Principal, Referral, ReferralFilter, ReferralListing, ReferralToken,
    RegistryFailure, Status, StatusChange,
};
use essor_orientation::{Effect, Eligibility, Profile};

/// A referral to create, as a form or a JSON body gives it.
#[derive(Debug, Clone)]
pub struct ReferralRequest {
    pub scheme: String,
    pub operator: String,
    pub person: String,
    pub contact: String,
    pub consent: bool,
    pub referrer: String,
    pub profile: Profile,
}

/// The page of a referral's secret link.
pub fn link(token: &ReferralToken) -> String {
    format!("/mises-en-relation/suivi/{}", token.expose())
}

/// Checks the request against the catalogue and the matcher, then records it as made by
/// `principal` (a person without an account, through the public form or the API, until
/// accounts exist).
pub async fn create(
    app: &App,
    request: ReferralRequest,
    principal: Principal,
    channel: Channel,
) -> Result<(Referral, ReferralToken), RegistryFailure> {
    if !app.registry.enabled() {
        return Err(RegistryFailure::Disabled);
    }
    let catalogue = &app.orientation.catalogue;
    let scheme = catalogue.get(request.scheme.trim()).ok_or_else(|| {
        RegistryFailure::field(
            "scheme",
            format!(
                "dispositif « {} » inconnu du catalogue {} (voir /dispositifs)",
                request.scheme, catalogue.version
            ),
        )
    })?;
    let operator = scheme
        .operators
        .iter()
        .find(|o| o.id == request.operator.trim())
        .ok_or_else(|| {
            let ids: Vec<&str> = scheme.operators.iter().map(|o| o.id.as_str()).collect();
            RegistryFailure::field(
                "operator",
                format!(
                    "opérateur « {} » inconnu pour « {} » ; opérateurs : {}",
                    request.operator,
                    scheme.name,
                    ids.join(", ")
                ),
            )
        })?;
    let result = app
        .orientation
        .run(&request.profile)
        .into_iter()
        .find(|r| r.id == scheme.id)
        .expect("every scheme is answered");
    if result.eligibility == Eligibility::NotEligible {
        let why = result
            .reasons
            .iter()
            .find(|r| r.effect == Effect::NotMet)
            .map_or(String::new(), |r| format!(" ({})", r.text));
        return Err(RegistryFailure::field(
            "scheme",
            format!(
                "« {} » n'est pas éligible pour ce profil selon le catalogue{why} : corrigez le profil ou choisissez un autre dispositif",
                scheme.name
            ),
        ));
    }
    let eligibility = match result.eligibility {
        Eligibility::Eligible => "eligible",
        Eligibility::ToCheck => "to_check",
        Eligibility::NotEligible => "not_eligible",
    };
    let new = NewReferral {
        scheme_id: scheme.id.clone(),
        scheme_name: scheme.name.clone(),
        operator_id: operator.id.clone(),
        operator_name: operator.name.clone(),
        catalogue_version: catalogue.version.clone(),
        person: request.person,
        contact: request.contact,
        consent: request.consent,
        referrer: request.referrer,
        profile_json: serde_json::to_string(&request.profile).expect("a profile serialises"),
        eligibility: eligibility.to_owned(),
    };
    let mut new = new;
    let problems = new.problems();
    if !problems.is_empty() {
        return Err(RegistryFailure::Fields(problems));
    }
    app.registry.create(new, principal, channel).await
}

/// The referral of a link's token text. A text that is not a token is "not found" too.
pub async fn find(app: &App, token: &str) -> Result<Referral, RegistryFailure> {
    let token = ReferralToken::parse(token).ok_or(RegistryFailure::NotFound)?;
    app.registry
        .by_token(&token)
        .await?
        .ok_or(RegistryFailure::NotFound)
}

/// Reads a status word (`en_cours`) with a French error naming the accepted words.
pub fn status(word: &str) -> Result<Status, RegistryFailure> {
    Status::from_word(word.trim()).ok_or_else(|| {
        let words: Vec<&str> = Status::ALL.iter().map(|s| s.word()).collect();
        RegistryFailure::field(
            "status",
            format!("statut « {word} » inconnu ; statuts : {}", words.join(", ")),
        )
    })
}

/// Moves the referral of a link on. The link is the credential: the change is recorded as
/// made by its holder ([`Principal::LinkHolder`]).
pub async fn change(
    app: &App,
    token: &str,
    to: &str,
    reason: Option<String>,
    channel: Channel,
) -> Result<Referral, RegistryFailure> {
    if !app.registry.enabled() {
        return Err(RegistryFailure::Disabled);
    }
    let token = ReferralToken::parse(token).ok_or(RegistryFailure::NotFound)?;
    let change = StatusChange {
        to: status(to)?,
        reason,
    };
    app.registry
        .change_status(&token, change, Principal::LinkHolder, channel)
        .await
}

/// Moves on referral `referral` that `organisation` receives, as its member `account` (an
/// operator: the web layer has checked the role). A referral the organisation does not
/// receive is "not found", as one that does not exist.
pub async fn change_for(
    app: &App,
    organisation: i64,
    referral: i64,
    account: i64,
    to: &str,
    reason: Option<String>,
    channel: Channel,
) -> Result<Referral, RegistryFailure> {
    let change = StatusChange {
        to: status(to)?,
        reason: reason.filter(|r| !r.trim().is_empty()),
    };
    let principal = Principal::User {
        user_id: account,
        organisation_id: Some(organisation),
    };
    app.accounts
        .change_status_for(organisation, referral, &change, &principal, channel)
        .await
}

/// Revokes the link of a referral: from now on it opens nothing. As for a status change, the
/// link is the credential: recorded as made by its holder.
pub async fn revoke(app: &App, token: &str, channel: Channel) -> Result<(), RegistryFailure> {
    if !app.registry.enabled() {
        return Err(RegistryFailure::Disabled);
    }
    let token = ReferralToken::parse(token).ok_or(RegistryFailure::NotFound)?;
    app.registry
        .revoke(&token, Principal::LinkHolder, channel)
        .await
}

/// Referrals without personal data.
pub async fn list(
    app: &App,
    filter: ReferralFilter,
) -> Result<Vec<ReferralListing>, RegistryFailure> {
    app.registry.list(filter).await
}
