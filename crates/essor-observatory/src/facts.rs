//! One establishment reduced to what the figures need, by the exact rules of issue 3
//! (repeated in [`crate::methodology`]).

use essor_model::headcount::HeadcountBracket;
use essor_model::legal::LegalFamily;
use essor_model::sector::{EssSector, NafSection};
use essor_sirene::{EstablishmentRecord, LegalUnitFacts};

/// The classification of one **active** establishment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    /// The legal unit's `economieSocialeSolidaireUniteLegale = O`.
    pub ess: bool,
    pub family: LegalFamily,
    /// `trancheEffectifsEtablissement` in 01…53.
    pub employer: bool,
    /// Midpoint, low and high bounds of the bracket (0 outside 01…53).
    pub jobs: f64,
    pub jobs_low: f64,
    pub jobs_high: f64,
    /// Catégorie juridique niveau I neither 4 nor 7.
    pub private: bool,
    pub section: Option<NafSection>,
    pub sector: EssSector,
}

impl Facts {
    /// `None` for an establishment that is not active (`etatAdministratifEtablissement ≠ A`):
    /// every figure counts active establishments only. A missing legal unit counts as non-ESS
    /// and private (reported by the caller).
    pub fn of(e: &EstablishmentRecord, unit: Option<&LegalUnitFacts>) -> Option<Self> {
        if !e.is_active() {
            return None;
        }
        let ess = unit.is_some_and(LegalUnitFacts::is_ess);
        let bracket: Option<HeadcountBracket> = e.headcount.filter(|h| h.is_employer());
        Some(Self {
            ess,
            family: unit.map_or(LegalFamily::Autre, LegalUnitFacts::family),
            employer: bracket.is_some(),
            jobs: bracket.map_or(0.0, HeadcountBracket::estimated_jobs),
            jobs_low: bracket.map_or(0.0, |b| f64::from(b.low())),
            jobs_high: bracket.map_or(0.0, |b| f64::from(b.high())),
            private: unit.is_none_or(LegalUnitFacts::is_private),
            section: e.naf.as_ref().and_then(|n| n.section()),
            sector: EssSector::of_code(e.naf.as_ref()),
        })
    }
}
