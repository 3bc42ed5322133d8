//! Diffusible ESS actors.

/// `GET /api/v1/actors/{siret}`.
pub mod get;
/// `GET /api/v1/actors`.
pub mod list;

use crate::store::Actor;
use serde::Serialize;

/// An actor as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActorJson {
    #[schema(example = "78467169500087")]
    pub siret: String,
    #[schema(example = "784671695")]
    pub siren: String,
    pub name: String,
    /// Enseigne de l'établissement.
    pub enseigne: Option<String>,
    /// association, cooperative, mutuelle, fondation, societe_commerciale_ess.
    #[schema(example = "association")]
    pub legal_family: String,
    #[schema(example = "9220")]
    pub categorie_juridique: String,
    #[schema(example = "88.99B")]
    pub naf: Option<String>,
    #[schema(example = "12")]
    pub tranche_effectifs: Option<String>,
    pub employer: bool,
    pub address: Option<String>,
    #[schema(example = "93066")]
    pub commune: Option<String>,
    /// Numéro RNA d'une association.
    #[schema(example = "W931234567")]
    pub rna: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub qpv_code: Option<String>,
    pub nearest_qpv_code: Option<String>,
    pub distance_m: Option<f64>,
    #[schema(example = "in")]
    pub band: Option<String>,
    /// Page de l'acteur.
    #[schema(example = "/acteurs/78467169500087")]
    pub url: String,
}

impl From<&Actor> for ActorJson {
    fn from(a: &Actor) -> Self {
        Self {
            siret: a.siret.to_string(),
            siren: a.siret.siren().to_string(),
            name: a.name.clone(),
            enseigne: a.enseigne.clone(),
            legal_family: a.legal_family.as_str().to_owned(),
            categorie_juridique: a.categorie_juridique.clone(),
            naf: a.naf.clone(),
            tranche_effectifs: a.tranche_effectifs.clone(),
            employer: a.employer,
            address: a.address.clone(),
            commune: a.commune.clone(),
            rna: a.rna.clone(),
            lon: a.lon_lat.map(|p| p.0),
            lat: a.lon_lat.map(|p| p.1),
            qpv_code: a.qpv_code.clone(),
            nearest_qpv_code: a.nearest_qpv_code.clone(),
            distance_m: a.distance_m,
            band: a.band.map(|b| b.to_string()),
            url: format!("/acteurs/{}", a.siret),
        }
    }
}
