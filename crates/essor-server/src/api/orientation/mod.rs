//! Orientation: a project profile in, every scheme of the catalogue out, best first, as
//! `essor orient` answers.

/// `POST /api/v1/orientation`.
pub mod post;

use essor_orientation::{MatchResult, Profile, ProfileError};
use serde::Serialize;

use crate::error::ApiError;

/// Un profil de projet : tous les champs sont facultatifs, un champ absent vaut « inconnu »
/// (jamais « non »). Les champs inconnus sont refusés. Même entrée que
/// `essor orient --profile`.
#[derive(Debug, utoipa::ToSchema)]
#[schema(example = json!({"holder": "collective", "stage": "emergence", "public": ["jeunes_16_18", "habitants_qpv"], "commune": "35238", "acts_in_qpv": true, "needs": ["accompagnement", "cooperation"], "themes": ["jeunesse", "cooperative", "ete"]}))]
pub struct ProfileJson {
    /// Qui porte le projet : person, collective, structure, collectivite.
    #[schema(example = "collective")]
    pub holder: Option<String>,
    /// Catégorie juridique INSEE, 4 chiffres.
    #[schema(example = "9220")]
    pub legal_category: Option<String>,
    /// Famille juridique : association, cooperative, mutuelle, fondation, societe_commerciale_ess, societe, none.
    #[schema(example = "association")]
    pub legal_family: Option<String>,
    /// Structure de l'économie sociale et solidaire.
    pub ess: Option<bool>,
    /// Nombre de salariés.
    #[schema(example = 12)]
    pub employees: Option<u32>,
    /// Année de création de la structure.
    #[schema(example = 2013)]
    pub founded_year: Option<i32>,
    /// Étape : besoin, idee, emergence, creation, developpement, consolidation, changement_echelle.
    #[schema(example = "emergence")]
    pub stage: Option<String>,
    /// Besoins : financement, accompagnement, subvention, pret, garantie, fonds_propres, microcredit, locaux, poste_aide, mise_en_reseau, formalisation, agrement, cooperation, commande_publique.
    pub needs: Option<Vec<String>>,
    /// Thèmes, mots libres (alimentation, mobilite, tiers_lieu…) : 30 au plus, de 100 caractères au plus.
    #[schema(max_items = 30)]
    pub themes: Option<Vec<String>>,
    /// Code commune INSEE.
    #[schema(example = "35238")]
    pub commune: Option<String>,
    /// Longitude WGS84 en degrés (avec lat).
    pub lon: Option<f64>,
    /// Latitude WGS84 en degrés (avec lon).
    pub lat: Option<f64>,
    /// Le porteur habite un QPV.
    pub resident_in_qpv: Option<bool>,
    /// Le projet est implanté dans un QPV (déduit de lon/lat sinon).
    pub located_in_qpv: Option<bool>,
    /// Le projet agit au bénéfice des habitants d'un QPV.
    pub acts_in_qpv: Option<bool>,
    /// Publics : jeunes_16_18, jeunes_18_30, femmes, demandeurs_emploi, habitants_qpv, personnes_handicapees, personnes_migrantes, beneficiaires_minima_sociaux.
    pub public: Option<Vec<String>>,
    /// Activité informelle (non déclarée).
    pub informal: Option<bool>,
    /// Accès au crédit bancaire.
    pub bank_access: Option<bool>,
    /// Âge du porteur quand c'est une personne (remplit public avec jeunes_16_18 / jeunes_18_30).
    pub age: Option<u32>,
    /// Description libre du projet (sert seulement au classement), 5 000 caractères au plus.
    #[schema(max_length = 5000)]
    pub description: Option<String>,
}

/// Longest project description, in characters.
pub const MAX_DESCRIPTION: usize = 5_000;
/// Most themes in a profile.
pub const MAX_THEMES: usize = 30;
/// Longest theme, in characters.
pub const MAX_THEME: usize = 100;

/// The size caps of a profile's free text (issue 11: a 1.9 MB description was stored):
/// `Err((field, French message))` naming the first field over its cap.
pub fn profile_caps(profile: &Profile) -> Result<(), (&'static str, String)> {
    if let Some(d) = &profile.description
        && d.chars().count() > MAX_DESCRIPTION
    {
        return Err((
            "description",
            format!(
                "description trop longue : {} caractères, {MAX_DESCRIPTION} au plus",
                d.chars().count()
            ),
        ));
    }
    let themes = profile.themes.as_deref().unwrap_or_default();
    if themes.len() > MAX_THEMES {
        return Err((
            "themes",
            format!("trop de thèmes : {}, {MAX_THEMES} au plus", themes.len()),
        ));
    }
    if themes.iter().any(|t| t.chars().count() > MAX_THEME) {
        return Err((
            "themes",
            format!("thème trop long : {MAX_THEME} caractères au plus"),
        ));
    }
    Ok(())
}

/// [`profile_caps`] as an API error, the field under `prefix` (`profile.`).
pub fn check_profile_caps(profile: &Profile, prefix: &str) -> Result<(), ApiError> {
    profile_caps(profile).map_err(|(field, message)| {
        ApiError::invalid_field(
            &format!("{prefix}{field}"),
            format!("champ « {prefix}{field} » : {message}"),
        )
    })
}

/// Une explication, qui renvoie à la condition du catalogue dont elle vient.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonJson {
    /// Champ du catalogue et règle : `conditions[0] : public contient jeunes_16_18`, `porteurs`, `etapes`, `besoins`, `atouts[0] : …`, `a_verifier`.
    #[schema(example = "conditions[0] : public contient jeunes_16_18")]
    pub condition: String,
    /// met, not_met, unknown, asset, fit, note.
    #[schema(example = "met")]
    pub effect: String,
    /// L'explication en français.
    pub text: String,
}

/// Le résultat pour un dispositif.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultJson {
    #[schema(example = "cjs")]
    pub id: String,
    pub name: String,
    /// eligible, to_check (informations manquantes) ou not_eligible.
    #[schema(example = "eligible")]
    pub eligibility: String,
    /// 0 à 100 ; ordonne les dispositifs d'un même niveau d'éligibilité ; 0 si non éligible.
    #[schema(example = 72)]
    pub score: u32,
    pub reasons: Vec<ReasonJson>,
    /// Champs du profil qui trancheraient un to_check ; vide sinon.
    pub missing: Vec<String>,
}

/// Tous les dispositifs du catalogue, du plus adapté au moins adapté.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrientationJson {
    pub results: Vec<ResultJson>,
}

fn word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<&MatchResult> for ResultJson {
    fn from(r: &MatchResult) -> Self {
        Self {
            id: r.id.clone(),
            name: r.name.clone(),
            eligibility: word(&r.eligibility),
            score: r.score,
            reasons: r
                .reasons
                .iter()
                .map(|x| ReasonJson {
                    condition: x.condition.clone(),
                    effect: word(&x.effect),
                    text: x.text.clone(),
                })
                .collect(),
            missing: r.missing.clone(),
        }
    }
}

/// A refused profile as a 400; `prefix` names where the profile sits in the body (`profile.`
/// inside a referral, empty for the orientation body itself).
pub fn profile_error(e: &ProfileError, prefix: &str) -> ApiError {
    let parameter = match e {
        ProfileError::Field { field, .. } => format!("{prefix}{field}"),
        ProfileError::UnknownFields { fields } => fields
            .iter()
            .map(|f| format!("{prefix}{f}"))
            .collect::<Vec<_>>()
            .join(","),
        _ if prefix.is_empty() => "corps".to_owned(),
        _ => prefix.trim_end_matches('.').to_owned(),
    };
    ApiError::invalid_field(&parameter, e.to_string())
}
