//! Who acts: every write essor makes knows its author, and its audit row says who it was.
//!
//! A principal is the *identity* behind a request or a task, never a credential: checking a
//! password, a session or a secret link is the caller's job, which then hands the principal it
//! established to the application's writes. Accounts (users acting for an organisation) come
//! with the accounts issue; until then a write is made by essor itself (a command-line task),
//! by someone without an account (the referral form), or by the holder of a secret link (a
//! referral's operator).

use std::fmt;

/// The author of a write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Principal {
    /// essor itself: a command-line task, a scheduled purge, an import (`task` names it).
    System { task: String },
    /// Someone without an account (a person filling in a public form).
    Anonymous,
    /// The holder of a secret link (a referral's operator, before accounts exist).
    LinkHolder,
    /// A signed-in user, acting for one of their organisations (none for an instance
    /// administrator acting as such).
    User {
        user_id: i64,
        organisation_id: Option<i64>,
    },
}

impl Principal {
    /// essor itself running `task`.
    pub fn system(task: impl Into<String>) -> Self {
        Self::System { task: task.into() }
    }

    /// The kind, as the audit log stores it: `system`, `anonymous`, `link`, `user`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::System { .. } => "system",
            Self::Anonymous => "anonymous",
            Self::LinkHolder => "link",
            Self::User { .. } => "user",
        }
    }

    /// The user behind it, when it is one.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Self::User { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }

    /// The organisation it acts for, when it is a user acting for one.
    pub fn organisation_id(&self) -> Option<i64> {
        match self {
            Self::User {
                organisation_id, ..
            } => *organisation_id,
            _ => None,
        }
    }

    /// What the audit log keeps besides the ids: the task of a system principal.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::System { task } => Some(task),
            _ => None,
        }
    }
}

/// French, for audit views: « essor (tâche purge) », « personne sans compte »…
impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System { task } => write!(f, "essor (tâche {task})"),
            Self::Anonymous => f.write_str("personne sans compte"),
            Self::LinkHolder => f.write_str("détenteur du lien secret"),
            Self::User {
                user_id,
                organisation_id: Some(o),
            } => write!(f, "utilisateur n° {user_id} pour l'organisation n° {o}"),
            Self::User { user_id, .. } => write!(f, "utilisateur n° {user_id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_ids_are_what_the_audit_log_stores() {
        let u = Principal::User {
            user_id: 7,
            organisation_id: Some(3),
        };
        assert_eq!(
            (u.kind(), u.user_id(), u.organisation_id()),
            ("user", Some(7), Some(3))
        );
        let s = Principal::system("purge");
        assert_eq!(
            (s.kind(), s.user_id(), s.detail()),
            ("system", None, Some("purge"))
        );
        assert_eq!(Principal::LinkHolder.kind(), "link");
        assert_eq!(Principal::Anonymous.to_string(), "personne sans compte");
    }
}
