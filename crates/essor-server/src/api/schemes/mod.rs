//! The catalogue of support and funding schemes.

/// `GET /api/v1/schemes/{id}`.
pub mod get;
/// `GET /api/v1/schemes`.
pub mod list;

use essor_orientation::{Catalogue, Condition, Perimeter, Scheme, Source};
use serde::Serialize;

/// Un opérateur du dispositif, vers qui une mise en relation peut être faite.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OperatorJson {
    #[schema(example = "pole-ess")]
    pub id: String,
    pub name: String,
    pub role: Option<String>,
}

/// Une règle du catalogue et sa formulation en français.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConditionJson {
    /// La règle telle qu'écrite dans le catalogue.
    #[schema(example = "public contient jeunes_16_18")]
    pub rule: String,
    /// La même en français.
    pub label: String,
}

/// Où vient le contenu de l'entrée : un document source du projet (fichier et passage cité)
/// ou un texte officiel.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceJson {
    /// seed (document source du projet) ou official (texte officiel).
    #[schema(example = "seed")]
    pub kind: String,
    /// Fichier du document source.
    #[schema(example = "001_6896deeae8272fff.txt")]
    pub file: Option<String>,
    /// Titre du document ou du texte officiel.
    pub title: Option<String>,
    /// Passage cité.
    pub passage: Option<String>,
    pub link: Option<String>,
}

/// Périmètre territorial.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PerimeterJson {
    /// national, regions ou departements.
    #[schema(example = "national")]
    pub kind: String,
    /// Codes COG des régions ou départements ; vide si national.
    pub codes: Vec<String>,
}

/// Un dispositif du catalogue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SchemeJson {
    #[schema(example = "cjs")]
    pub id: String,
    pub name: String,
    pub description: String,
    pub operators: Vec<OperatorJson>,
    /// accompagnement, subvention, pret, garantie, fonds_propres, microcredit, poste_aide, label, cooperation, locaux, commande_publique.
    pub kinds: Vec<String>,
    /// Étapes servies.
    pub stages: Vec<String>,
    /// Porteurs servis : person, collective, structure, collectivite.
    pub holders: Vec<String>,
    /// Besoins auxquels il répond (ceux de ses types et les siens).
    pub needs: Vec<String>,
    pub themes: Vec<String>,
    /// Conditions d'éligibilité, toutes requises (en plus des porteurs, étapes et périmètre).
    pub conditions: Vec<ConditionJson>,
    /// Atouts : non requis, ils améliorent le classement.
    pub assets: Vec<ConditionJson>,
    pub perimeter: PerimeterJson,
    pub amount: Option<String>,
    pub duration: Option<String>,
    /// Où s'adresser (générique, sans donnée personnelle).
    pub contact: String,
    pub link: Option<String>,
    /// Ce que seul l'opérateur peut vérifier.
    pub to_verify: Vec<String>,
    pub source: SourceJson,
    /// Page du dispositif.
    #[schema(example = "/dispositifs/cjs")]
    pub url: String,
}

/// Version du catalogue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogueJson {
    #[schema(example = "2025.1")]
    pub version: String,
    #[schema(example = "2025-06-01")]
    pub date: String,
    pub licence: Option<String>,
}

impl From<&Catalogue> for CatalogueJson {
    fn from(c: &Catalogue) -> Self {
        Self {
            version: c.version.clone(),
            date: c.date.clone(),
            licence: c.licence.clone(),
        }
    }
}

fn condition(c: &Condition) -> ConditionJson {
    ConditionJson {
        rule: c.rule.clone(),
        label: c.label.clone(),
    }
}

impl From<&Scheme> for SchemeJson {
    fn from(s: &Scheme) -> Self {
        let words = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect();
        Self {
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
            operators: s
                .operators
                .iter()
                .map(|o| OperatorJson {
                    id: o.id.clone(),
                    name: o.name.clone(),
                    role: o.role.clone(),
                })
                .collect(),
            kinds: words(s.kinds.iter().map(|k| k.word()).collect()),
            stages: words(s.stages.iter().map(|k| k.word()).collect()),
            holders: words(s.holders.iter().map(|k| k.word()).collect()),
            needs: words(s.needs().iter().map(|k| k.word()).collect()),
            themes: s.themes.clone(),
            conditions: s.conditions.iter().map(condition).collect(),
            assets: s.assets.iter().map(condition).collect(),
            perimeter: match &s.perimeter {
                Perimeter::National => PerimeterJson {
                    kind: "national".into(),
                    codes: vec![],
                },
                Perimeter::Regions(c) => PerimeterJson {
                    kind: "regions".into(),
                    codes: c.clone(),
                },
                Perimeter::Departements(c) => PerimeterJson {
                    kind: "departements".into(),
                    codes: c.clone(),
                },
            },
            amount: s.amount.clone(),
            duration: s.duration.clone(),
            contact: s.contact.clone(),
            link: s.link.clone(),
            to_verify: s.to_verify.clone(),
            source: match &s.source {
                Source::Seed { file, passage } => SourceJson {
                    kind: "seed".into(),
                    file: Some(file.clone()),
                    title: Source::seed_title(file).map(str::to_owned),
                    passage: Some(passage.clone()),
                    link: None,
                },
                Source::Official {
                    title,
                    link,
                    passage,
                } => SourceJson {
                    kind: "official".into(),
                    file: None,
                    title: Some(title.clone()),
                    passage: passage.clone(),
                    link: link.clone(),
                },
            },
            url: format!("/dispositifs/{}", s.id),
        }
    }
}
