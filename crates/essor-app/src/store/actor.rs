//! An ESS actor as the web layer shows it, and the diffusion rule that guards it.

use essor_model::Siret;
use std::ops::Deref;

/// The SIRENE diffusion status (vocabulary: [`essor_model::diffusion`]).
pub use essor_model::diffusion::Diffusion;

/// The legal families (vocabulary: [`essor_model::legal`]); actors are of the five of the ESS
/// ([`LegalFamily::ESS`]).
pub use essor_model::legal::LegalFamily;

/// The words of an actor that full-text search finds besides its name, enseigne and address:
/// the label of its activity (NAF rév. 2) and the name of its commune. The SQLite snapshot
/// indexes the same words, so every backend finds the same actors.
pub fn search_extra(naf: Option<&str>, commune: Option<&str>) -> String {
    let activity = naf
        .and_then(|n| essor_refdata::nomenclatures::naf_rev2().get(n))
        .map(|n| n.libelle_sous_classe.as_str());
    let commune = commune
        .and_then(|c| essor_model::CommuneCode::parse(c).ok())
        .and_then(|c| essor_refdata::cog::cog().commune(c.without_arrondissement().as_str()))
        .map(|c| c.nom.as_str());
    [activity, commune]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

impl ActorRecord {
    /// Whether a full-text search finds this actor (same words as the SQLite index).
    pub fn matches_text(&self, search: &str) -> bool {
        let doc = essor_store::snapshot::text::words(&format!(
            "{} {} {} {}",
            self.name,
            self.enseigne.as_deref().unwrap_or_default(),
            self.address.as_deref().unwrap_or_default(),
            search_extra(self.naf.as_deref(), self.commune.as_deref())
        ));
        essor_store::snapshot::text::matches(&doc, search)
    }

    /// The ESS sector group of the NAF code (`Autres` when unknown).
    pub fn sector(&self) -> essor_model::sector::EssSector {
        essor_model::sector::EssSector::of_code(
            self.naf
                .as_deref()
                .and_then(|n| essor_model::sector::NafCode::parse(n).ok())
                .as_ref(),
        )
    }
}

/// What a backend knows about an establishment. Build an [`Actor`] from it with its
/// diffusion status; a record alone never reaches a page.
#[derive(Debug, Clone, PartialEq)]
pub struct ActorRecord {
    pub siret: Siret,
    /// Dénomination of the legal unit (or the establishment's usual name).
    pub name: String,
    /// Enseigne of the establishment, when it has one.
    pub enseigne: Option<String>,
    pub legal_family: LegalFamily,
    /// Catégorie juridique, niveau III (4 digits).
    pub categorie_juridique: String,
    /// NAF rév. 2 sous-classe (`88.99B`).
    pub naf: Option<String>,
    /// Tranche d'effectifs code (`NN`, `00`…`53`).
    pub tranche_effectifs: Option<String>,
    /// True when the establishment employs staff (`caractereEmployeurEtablissement = O`).
    pub employer: bool,
    /// Postal address on one line.
    pub address: Option<String>,
    /// INSEE commune code as SIRENE gives it (arrondissement codes for Paris, Lyon and
    /// Marseille: 75111, 69387, 13205).
    pub commune: Option<String>,
    /// RNA number of an association (`W` + 9 digits), when SIRENE gives it.
    pub rna: Option<String>,
    /// WGS84 position, when geolocated.
    pub lon_lat: Option<(f64, f64)>,
    /// The covering QPV, the nearest one, the distance (metres) and the band, as `essor locate`.
    pub qpv_code: Option<String>,
    pub nearest_qpv_code: Option<String>,
    pub distance_m: Option<f64>,
    pub band: Option<essor_model::band::Band>,
}

/// A diffusible actor. The only constructor checks the diffusion status.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    record: ActorRecord,
}

impl Actor {
    /// `None` for a partially diffusible unit: it must not leave the store individually.
    pub fn new(record: ActorRecord, diffusion: Diffusion) -> Option<Self> {
        match diffusion {
            Diffusion::Diffusible => Some(Self { record }),
            Diffusion::Partielle => None,
        }
    }
}

impl Deref for Actor {
    type Target = ActorRecord;
    fn deref(&self) -> &ActorRecord {
        &self.record
    }
}

/// Where a diffusible actor is, for maps. Built only from an [`Actor`].
// A private field rather than `#[non_exhaustive]`: store adapters live in this crate, and
// they too must go through `ActorPoint::of`.
#[allow(clippy::manual_non_exhaustive)]
#[derive(Debug, Clone, PartialEq)]
pub struct ActorPoint {
    pub siret: Siret,
    pub name: String,
    pub family: LegalFamily,
    pub lon: f64,
    pub lat: f64,
    /// Keeps construction inside this module: a point always comes from a diffusible actor.
    _diffusible: (),
}

impl ActorPoint {
    /// `None` when the actor is not geolocated.
    pub fn of(actor: &Actor) -> Option<Self> {
        let (lon, lat) = actor.lon_lat?;
        Some(Self {
            siret: actor.siret,
            name: actor.name.clone(),
            family: actor.legal_family,
            lon,
            lat,
            _diffusible: (),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn record() -> ActorRecord {
        ActorRecord {
            siret: Siret::parse("78467169500087").unwrap(),
            name: "Régie de quartier".into(),
            enseigne: None,
            legal_family: LegalFamily::Association,
            categorie_juridique: "9220".into(),
            naf: Some("88.99B".into()),
            tranche_effectifs: Some("12".into()),
            employer: true,
            address: None,
            commune: Some("93066".into()),
            rna: None,
            lon_lat: Some((2.3815, 48.9177)),
            qpv_code: Some("QP093028".into()),
            nearest_qpv_code: Some("QP093028".into()),
            distance_m: Some(0.0),
            band: Some(essor_model::band::Band::In),
        }
    }

    #[test]
    fn a_partially_diffusible_unit_never_becomes_an_actor() {
        assert!(Actor::new(record(), Diffusion::Partielle).is_none());
        assert!(Actor::new(record(), Diffusion::parse("P")).is_none());
        assert!(Actor::new(record(), Diffusion::parse("")).is_none());
        assert!(Actor::new(record(), Diffusion::parse("O")).is_some());
    }
}
