//! The closed vocabularies shared by the catalogue, the rule language and the profile.
//!
//! Each vocabulary is an enum whose serialized form is the lowercase ASCII word used in the
//! profile JSON and in the catalogue (`association`, `consolidation`, `fonds_propres`…), so a
//! word means the same thing everywhere. `ALL` lists the accepted words for error messages.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a vocabulary enum with its words, its French label and `ALL`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $word:literal, $label:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The accepted words, in declaration order.
            pub const WORDS: &'static [&'static str] = &[$($word),*];

            /// The word used in JSON and in the catalogue.
            pub fn word(self) -> &'static str {
                match self { $($name::$variant => $word),* }
            }

            /// A short French label for texts shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            /// Parses a word (exact, lowercase).
            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }
    };
}

vocabulary! {
    /// Who carries the project.
    Holder {
        Person => "person", "personne";
        Collective => "collective", "collectif d'habitants ou groupe informel";
        Structure => "structure", "structure constituée";
        Collectivite => "collectivite", "collectivité territoriale";
    }
}

vocabulary! {
    /// Legal family of the structure (`none`: not constituted, or an individual).
    LegalFamily {
        Association => "association", "association";
        Cooperative => "cooperative", "coopérative";
        Mutuelle => "mutuelle", "mutuelle";
        Fondation => "fondation", "fondation ou fonds de dotation";
        SocieteCommercialeEss => "societe_commerciale_ess", "société commerciale de l'ESS";
        Societe => "societe", "société hors ESS";
        None => "none", "pas de structure juridique";
    }
}

vocabulary! {
    /// Stage of the project, from a need nobody answers yet to scaling up.
    Stage {
        Besoin => "besoin", "besoin repéré, sans porteur de projet";
        Idee => "idee", "idée";
        Emergence => "emergence", "émergence";
        Creation => "creation", "création";
        Developpement => "developpement", "développement";
        Consolidation => "consolidation", "consolidation";
        ChangementEchelle => "changement_echelle", "changement d'échelle";
    }
}

vocabulary! {
    /// What the profile asks for.
    Need {
        Financement => "financement", "financement (tout type)";
        Accompagnement => "accompagnement", "accompagnement";
        Subvention => "subvention", "subvention";
        Pret => "pret", "prêt";
        Garantie => "garantie", "garantie";
        FondsPropres => "fonds_propres", "fonds propres";
        Microcredit => "microcredit", "microcrédit";
        Locaux => "locaux", "locaux";
        PosteAide => "poste_aide", "poste aidé";
        MiseEnReseau => "mise_en_reseau", "mise en réseau";
        Formalisation => "formalisation", "formalisation d'une activité";
        Agrement => "agrement", "agrément ou label";
        Cooperation => "cooperation", "coopération entre acteurs";
        CommandePublique => "commande_publique", "commande publique";
    }
}

vocabulary! {
    /// What a scheme gives.
    Kind {
        Accompagnement => "accompagnement", "accompagnement";
        Subvention => "subvention", "subvention";
        Pret => "pret", "prêt";
        Garantie => "garantie", "garantie";
        FondsPropres => "fonds_propres", "fonds propres";
        Microcredit => "microcredit", "microcrédit";
        PosteAide => "poste_aide", "poste aidé";
        Label => "label", "label ou agrément";
        Cooperation => "cooperation", "cadre de coopération";
        Locaux => "locaux", "locaux";
        CommandePublique => "commande_publique", "commande publique";
    }
}

vocabulary! {
    /// People a project works with (or, for a person, who the holder is).
    Public {
        Jeunes16_18 => "jeunes_16_18", "jeunes de 16 à 18 ans";
        Jeunes18_30 => "jeunes_18_30", "jeunes de 18 à 30 ans";
        Femmes => "femmes", "femmes";
        DemandeursEmploi => "demandeurs_emploi", "demandeurs d'emploi";
        HabitantsQpv => "habitants_qpv", "habitants des QPV";
        PersonnesHandicapees => "personnes_handicapees", "personnes handicapées";
        PersonnesMigrantes => "personnes_migrantes", "personnes migrantes";
        MinimaSociaux => "beneficiaires_minima_sociaux", "bénéficiaires de minima sociaux";
    }
}

impl Kind {
    /// True for the five ways of financing (subvention, prêt, garantie, fonds propres,
    /// microcrédit) and for a funded job.
    pub fn is_financing(self) -> bool {
        matches!(
            self,
            Kind::Subvention
                | Kind::Pret
                | Kind::Garantie
                | Kind::FondsPropres
                | Kind::Microcredit
                | Kind::PosteAide
        )
    }

    /// The needs a scheme of this kind answers by nature.
    pub fn needs(self) -> &'static [Need] {
        match self {
            Kind::Accompagnement => &[Need::Accompagnement],
            Kind::Subvention => &[Need::Financement, Need::Subvention],
            Kind::Pret => &[Need::Financement, Need::Pret],
            Kind::Garantie => &[Need::Financement, Need::Garantie],
            Kind::FondsPropres => &[Need::Financement, Need::FondsPropres],
            Kind::Microcredit => &[Need::Financement, Need::Microcredit, Need::Pret],
            Kind::PosteAide => &[Need::Financement, Need::PosteAide],
            Kind::Label => &[Need::Agrement],
            Kind::Cooperation => &[Need::Cooperation, Need::MiseEnReseau],
            Kind::Locaux => &[Need::Locaux],
            Kind::CommandePublique => &[Need::CommandePublique],
        }
    }
}

impl LegalFamily {
    /// Families that belong to the ESS by their statute (law of 31 July 2014, art. 1).
    pub fn is_ess_by_statute(self) -> bool {
        matches!(
            self,
            LegalFamily::Association
                | LegalFamily::Cooperative
                | LegalFamily::Mutuelle
                | LegalFamily::Fondation
                | LegalFamily::SocieteCommercialeEss
        )
    }

    /// The family of an INSEE *catégorie juridique* (4 digits), when the code alone tells it:
    /// the observatory's classification ([`essor_model::legal::LegalFamily::classify`], one
    /// table for the whole of essor) for associations, foundations, mutuals and cooperatives;
    /// other companies (`5xxx`) are `societe`: the code cannot tell an ESS commercial company,
    /// the profile's `ess` flag does. Collectivités, individuals (`1000`) and unknown codes
    /// give `None`.
    pub fn from_legal_category(code: &str) -> Option<Self> {
        use essor_model::legal::{LegalCategory, LegalFamily as Statistical};
        if code.len() != 4 {
            return None;
        }
        let category = LegalCategory::parse(code).ok()?;
        match Statistical::classify(Some(category), false) {
            Statistical::Association => Some(LegalFamily::Association),
            Statistical::Cooperative => Some(LegalFamily::Cooperative),
            Statistical::Mutuelle => Some(LegalFamily::Mutuelle),
            Statistical::Fondation => Some(LegalFamily::Fondation),
            Statistical::SocieteCommercialeEss | Statistical::Autre => {
                code.starts_with('5').then_some(LegalFamily::Societe)
            }
        }
    }
}

/// True when a *catégorie juridique* is a territorial authority or a grouping of them
/// (communes `7210`, départements `7220`, régions `7230`, EPCI `7343`–`7348`, …).
pub fn is_collectivite_category(code: &str) -> bool {
    code.starts_with("72") || matches!(code, "7343" | "7344" | "7345" | "7346" | "7347" | "7348")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_through_serde() {
        for s in Stage::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.word()));
            assert_eq!(Stage::from_word(s.word()), Some(*s));
        }
        assert_eq!(Need::from_word("fonds_propres"), Some(Need::FondsPropres));
        assert_eq!(Need::from_word("Fonds_propres"), None);
    }

    #[test]
    fn legal_categories_give_their_family() {
        assert_eq!(
            LegalFamily::from_legal_category("9220"),
            Some(LegalFamily::Association)
        );
        assert_eq!(
            LegalFamily::from_legal_category("5458"),
            Some(LegalFamily::Cooperative)
        );
        assert_eq!(
            LegalFamily::from_legal_category("5710"),
            Some(LegalFamily::Societe)
        );
        assert_eq!(
            LegalFamily::from_legal_category("9300"),
            Some(LegalFamily::Fondation)
        );
        assert_eq!(
            LegalFamily::from_legal_category("8210"),
            Some(LegalFamily::Mutuelle)
        );
        assert_eq!(LegalFamily::from_legal_category("1000"), None);
        assert_eq!(LegalFamily::from_legal_category("7210"), None);
        assert!(is_collectivite_category("7210"));
        assert!(is_collectivite_category("7348"));
        assert!(!is_collectivite_category("9220"));
    }
}
