//! Who may act in essor: organisations of the field, their members' roles.
//!
//! The seed documents describe practices that several institutions share: a collectivité's
//! politique de la ville, ESS and economic-development services, the State (délégué du
//! préfet, DDETS), funders, support structures, ESS actors and residents' collectives. Each
//! acts through an **organisation** of one [`OrganisationKind`]; a user belongs to one or more
//! organisations with one or more [`Role`]s. Members of an organisation see its private data;
//! nobody else does. An instance administrator manages the instance itself (organisations,
//! accounts), not an organisation's data.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Commune,
    Epci,
    Departement,
    Region,
    /// A State service: préfecture (délégué du préfet), DDETS, DREETS…
    ServiceEtat,
    /// Banque des Territoires, CAF, a foundation, a social landlord…
    Financeur,
    /// DLA, France Active, Adie, a CRESS, a pôle ESS…
    StructureAccompagnement,
    /// An association, cooperative, mutual, foundation or ESUS company.
    ActeurEss,
    CollectifHabitants,
}

impl OrganisationKind {
    pub const ALL: [Self; 9] = [
        Self::Commune,
        Self::Epci,
        Self::Departement,
        Self::Region,
        Self::ServiceEtat,
        Self::Financeur,
        Self::StructureAccompagnement,
        Self::ActeurEss,
        Self::CollectifHabitants,
    ];

    /// The word stored and used in the API and the CLI (`service_etat`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Epci => "epci",
            Self::Departement => "departement",
            Self::Region => "region",
            Self::ServiceEtat => "service_etat",
            Self::Financeur => "financeur",
            Self::StructureAccompagnement => "structure_accompagnement",
            Self::ActeurEss => "acteur_ess",
            Self::CollectifHabitants => "collectif_habitants",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Epci => "intercommunalité (EPCI)",
            Self::Departement => "département",
            Self::Region => "région",
            Self::ServiceEtat => "service de l'État",
            Self::Financeur => "financeur",
            Self::StructureAccompagnement => "structure d'accompagnement",
            Self::ActeurEss => "acteur de l'ESS",
            Self::CollectifHabitants => "collectif d'habitants",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

impl fmt::Display for OrganisationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a member may do for an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the organisation: its members and settings.
    Admin,
    /// Prepares and instructs files (calls for projects, grants).
    Agent,
    /// Scores applications in a committee.
    Reviewer,
    /// Decides for a funder.
    Funder,
    /// Receives referrals for a support scheme.
    Operator,
    /// Edits the local register of actors.
    Contributor,
    /// Validates public contributions.
    Moderator,
}

impl Role {
    pub const ALL: [Self; 7] = [
        Self::Admin,
        Self::Agent,
        Self::Reviewer,
        Self::Funder,
        Self::Operator,
        Self::Contributor,
        Self::Moderator,
    ];

    /// The word stored and used in the API and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Agent => "agent",
            Self::Reviewer => "reviewer",
            Self::Funder => "funder",
            Self::Operator => "operator",
            Self::Contributor => "contributor",
            Self::Moderator => "moderator",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "administrateur de l'organisation",
            Self::Agent => "agent instructeur",
            Self::Reviewer => "membre de comité (notation)",
            Self::Funder => "décideur pour un financeur",
            Self::Operator => "opérateur d'un dispositif",
            Self::Contributor => "contributeur au registre local",
            Self::Moderator => "modérateur des contributions",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == word)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_match_serde() {
        for k in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{r}\""));
        }
        assert_eq!(OrganisationKind::parse("Commune"), None);
    }
}
