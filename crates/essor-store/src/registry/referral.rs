//! Referrals: a person or a structure, oriented by someone towards the operator of a support
//! scheme, and what became of it.
//!
//! The lifecycle is a small state machine, checked here so that every backend refuses the
//! same moves with the same French message:
//!
//! ```text
//! proposee ──► acceptee ──► en_cours ──► terminee
//!    │            │
//!    ├──► refusee ◄┤          (reason required)
//!    └──► pas_pour_nous ◄┘    (reason required)
//! ```
//!
//! `terminee`, `refusee` and `pas_pour_nous` are final. Personal data are kept minimal: the
//! name (or structure name) of who is referred and one contact they agreed to give, nothing
//! else; the profile summary is the orientation profile, which asks no identity.

use std::fmt;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Proposee,
    Acceptee,
    EnCours,
    Terminee,
    Refusee,
    PasPourNous,
}

impl Status {
    /// Every status, in lifecycle order.
    pub const ALL: &'static [Status] = &[
        Status::Proposee,
        Status::Acceptee,
        Status::EnCours,
        Status::Terminee,
        Status::Refusee,
        Status::PasPourNous,
    ];

    /// The word stored and used in the API (`en_cours`).
    pub fn word(self) -> &'static str {
        match self {
            Status::Proposee => "proposee",
            Status::Acceptee => "acceptee",
            Status::EnCours => "en_cours",
            Status::Terminee => "terminee",
            Status::Refusee => "refusee",
            Status::PasPourNous => "pas_pour_nous",
        }
    }

    /// French label (`en cours`).
    pub fn label(self) -> &'static str {
        match self {
            Status::Proposee => "proposée",
            Status::Acceptee => "acceptée",
            Status::EnCours => "en cours",
            Status::Terminee => "terminée",
            Status::Refusee => "refusée",
            Status::PasPourNous => "pas pour nous",
        }
    }

    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.word() == word)
    }

    /// The statuses a referral may move to from this one.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Proposee => &[Status::Acceptee, Status::Refusee, Status::PasPourNous],
            Status::Acceptee => &[Status::EnCours, Status::Refusee, Status::PasPourNous],
            Status::EnCours => &[Status::Terminee],
            Status::Terminee | Status::Refusee | Status::PasPourNous => &[],
        }
    }

    /// True when moving to this status requires a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Status::Refusee | Status::PasPourNous)
    }

    /// True when nothing can follow.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// Checks a move from `self` to `change.to`, with its reason.
    pub fn check(self, change: &StatusChange) -> Result<(), TransitionError> {
        if self.is_final() {
            return Err(TransitionError::Closed { from: self });
        }
        if !self.next().contains(&change.to) {
            return Err(TransitionError::NotAllowed {
                from: self,
                to: change.to,
            });
        }
        let reason = change.reason.as_deref().map(str::trim).unwrap_or_default();
        if change.to.needs_reason() && reason.is_empty() {
            return Err(TransitionError::ReasonRequired { to: change.to });
        }
        if reason.chars().count() > MAX_REASON {
            return Err(TransitionError::ReasonTooLong);
        }
        Ok(())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// Longest reason or comment on a status change, in characters.
pub const MAX_REASON: usize = 500;

/// A requested status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub to: Status,
    /// Why (required for `refusee` and `pas_pour_nous`), or a comment.
    pub reason: Option<String>,
}

/// Why a status change is refused. Messages are French: they reach users as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransitionError {
    #[error("la mise en relation est close (statut « {} ») : son statut ne peut plus changer", .from.label())]
    Closed { from: Status },
    #[error("passage de « {} » à « {} » impossible ; depuis « {} », statuts possibles : {}", .from.label(), .to.label(), .from.label(), quoted(.from.next()))]
    NotAllowed { from: Status, to: Status },
    #[error("un motif est obligatoire pour passer au statut « {} »", .to.label())]
    ReasonRequired { to: Status },
    #[error("motif trop long : {MAX_REASON} caractères au plus")]
    ReasonTooLong,
}

fn quoted(statuses: &[Status]) -> String {
    statuses
        .iter()
        .map(|s| format!("« {} »", s.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Through which door a change came, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The JSON API.
    Api,
    /// The HTML pages.
    Page,
    /// A command-line or scheduled task of essor itself (`essor admin purge`, the daily purge).
    Task,
}

impl Channel {
    pub fn word(self) -> &'static str {
        match self {
            Channel::Api => "api",
            Channel::Page => "page",
            Channel::Task => "task",
        }
    }
}

/// What is needed to create a referral. [`NewReferral::validate`] checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub scheme_id: String,
    /// The scheme's French name, kept as it was when the referral was made.
    pub scheme_name: String,
    pub operator_id: String,
    pub operator_name: String,
    /// Version of the catalogue the orientation ran on.
    pub catalogue_version: String,
    /// Name of the person, or of the structure, who is referred.
    pub person: String,
    /// One way to reach them (e-mail or telephone) that they agreed to give the operator.
    pub contact: String,
    /// The person agreed that `person` and `contact` be passed on to the operator.
    pub consent: bool,
    /// Who refers: structure or service (and, if they wish, a first name).
    pub referrer: String,
    /// The orientation profile, as JSON (it asks no identity).
    pub profile_json: String,
    /// The scheme's eligibility for that profile (`eligible`, `to_check`, `not_eligible`).
    pub eligibility: String,
}

/// Longest `person`, `referrer` (characters).
pub const MAX_NAME: usize = 120;
/// Longest `contact` (characters).
pub const MAX_CONTACT: usize = 200;

/// A field of a new referral that cannot be accepted. French message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("champ « {field} » : {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// A required single-line text of at most `max` characters, trimmed: the check of every
/// free-text field a person types (a referral's names, an account's address and name).
pub fn single_line(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    let message = if value.is_empty() {
        "obligatoire".to_owned()
    } else if value.chars().count() > max {
        format!("{max} caractères au plus")
    } else if value.chars().any(char::is_control) {
        "caractères de contrôle interdits".to_owned()
    } else {
        return Ok(value.to_owned());
    };
    Err(FieldError { field, message })
}

impl NewReferral {
    /// Trims the texts and checks every field; the first problem is returned.
    pub fn validate(mut self) -> Result<Self, FieldError> {
        match self.problems().into_iter().next() {
            Some(first) => Err(first),
            None => Ok(self),
        }
    }

    /// Trims the texts and checks every field: every problem, in the form's order, so that a
    /// form can report them all at once (issue 12: an empty form reported one field at a
    /// time).
    pub fn problems(&mut self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let mut err = |field, message: String| problems.push(FieldError { field, message });
        for (field, value, max) in [
            ("person", &mut self.person, MAX_NAME),
            ("contact", &mut self.contact, MAX_CONTACT),
            ("referrer", &mut self.referrer, MAX_NAME),
        ] {
            *value = value.trim().to_owned();
            if let Err(e) = single_line(field, value, max) {
                err(e.field, e.message);
            }
        }
        if !self.consent {
            err(
                "consent",
                "l'accord de la personne pour transmettre son nom et son contact à l'opérateur est obligatoire".to_owned(),
            );
        }
        for (field, value) in [("scheme", &self.scheme_id), ("operator", &self.operator_id)] {
            let slug = !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !slug {
                err(field, "identifiant du catalogue attendu".to_owned());
            }
        }
        if !matches!(
            self.eligibility.as_str(),
            "eligible" | "to_check" | "not_eligible"
        ) {
            err(
                "eligibility",
                "eligible, to_check ou not_eligible attendu".to_owned(),
            );
        }
        problems
    }
}

/// One dated status change of a referral (its creation included: `from` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEvent {
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    pub from: Option<Status>,
    pub to: Status,
    pub reason: Option<String>,
}

/// A referral as its link shows it (personal data included: the link is the credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// Public number, sequential; knowing it gives no access.
    pub id: i64,
    pub scheme_id: String,
    pub scheme_name: String,
    pub operator_id: String,
    pub operator_name: String,
    pub catalogue_version: String,
    pub person: String,
    pub contact: String,
    pub referrer: String,
    pub profile_json: String,
    pub eligibility: String,
    pub status: Status,
    /// Reason or comment of the last change, if any.
    pub status_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Until when its secret link opens it (UTC).
    pub link_expires_at: Option<String>,
    /// When its name and contact were erased (retention), if they were.
    pub contact_erased_at: Option<String>,
    /// Every change, oldest first, creation included.
    pub history: Vec<ReferralEvent>,
}

/// A referral in a listing: no personal data, no reason, no profile, no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralListing {
    pub id: i64,
    pub scheme_id: String,
    pub scheme_name: String,
    pub operator_id: String,
    pub operator_name: String,
    pub status: Status,
    pub created_at: String,
    pub updated_at: String,
}

/// Which referrals a listing shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    pub operator_id: Option<String>,
    pub scheme_id: Option<String>,
    pub status: Option<Status>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12: every problem at once, in the form's order; `validate` keeps the first.
    #[test]
    fn problems_lists_every_refused_field_and_validate_the_first() {
        let mut new = NewReferral {
            scheme_id: "cjs".into(),
            scheme_name: "CJS".into(),
            operator_id: "pole-ess".into(),
            operator_name: "Pôle ESS".into(),
            catalogue_version: "2026.1".into(),
            person: "  ".into(),
            contact: String::new(),
            consent: false,
            referrer: "Réso".into(),
            profile_json: "{}".into(),
            eligibility: "eligible".into(),
        };
        let fields: Vec<&str> = new.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["person", "contact", "consent"]);
        assert_eq!(new.validate().unwrap_err().field, "person");
    }

    fn to(status: Status, reason: Option<&str>) -> StatusChange {
        StatusChange {
            to: status,
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn the_lifecycle_goes_forward_only() {
        use Status::*;
        assert!(Proposee.check(&to(Acceptee, None)).is_ok());
        assert!(Acceptee.check(&to(EnCours, None)).is_ok());
        assert!(
            EnCours
                .check(&to(Terminee, Some("accompagnement réalisé")))
                .is_ok()
        );
        assert!(Proposee.check(&to(Refusee, Some("hors périmètre"))).is_ok());
        assert!(
            Acceptee
                .check(&to(PasPourNous, Some("besoin de financement seulement")))
                .is_ok()
        );
        assert_eq!(
            Proposee.check(&to(Terminee, None)).unwrap_err().to_string(),
            "passage de « proposée » à « terminée » impossible ; depuis « proposée », statuts possibles : « acceptée », « refusée », « pas pour nous »"
        );
        assert_eq!(
            EnCours.check(&to(Acceptee, None)).unwrap_err(),
            TransitionError::NotAllowed {
                from: EnCours,
                to: Acceptee
            }
        );
        assert_eq!(
            Terminee.check(&to(EnCours, None)).unwrap_err().to_string(),
            "la mise en relation est close (statut « terminée ») : son statut ne peut plus changer"
        );
        assert!(Proposee.check(&to(Proposee, None)).is_err());
    }

    #[test]
    fn refusals_need_a_reason() {
        assert_eq!(
            Status::Proposee
                .check(&to(Status::Refusee, Some("  ")))
                .unwrap_err()
                .to_string(),
            "un motif est obligatoire pour passer au statut « refusée »"
        );
        let long = "x".repeat(MAX_REASON + 1);
        assert_eq!(
            Status::Proposee.check(&to(Status::Acceptee, Some(&long))),
            Err(TransitionError::ReasonTooLong)
        );
    }

    #[test]
    fn words_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_word(s.word()), Some(*s));
        }
        assert_eq!(Status::from_word("en cours"), None);
    }
}
