//! One establishment reduced to what the figures need, by the exact rules of issue 3 and the
//! perimeters of issue 14 (repeated in [`crate::methodology`]).

use essor_model::headcount::HeadcountBracket;
use essor_model::legal::{LegalFamily, Perimeter};
use essor_model::sector::{EssSector, NafSection};
use essor_sirene::{EstablishmentRecord, LegalUnitFacts};

/// The classification of one **active** establishment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    /// The legal unit is ESS in the run's [`Perimeter`].
    pub ess: bool,
    /// The ESS family in the perimeter when [`ess`](Self::ess), else the family of the legal
    /// form alone ([`LegalFamily::Autre`] for most).
    pub family: LegalFamily,
    /// `trancheEffectifsEtablissement` in 01…53.
    pub employer: bool,
    /// `caractereEmployeurEtablissement = O` but no bracket 01…53 (`NN`, `00` or blank): an
    /// employer whose jobs are unknown, counted apart and never as zero jobs (issue 14).
    pub employer_unknown_bracket: bool,
    /// `anneeEffectifsEtablissement` of an employer's bracket: the vintage of its estimate.
    pub headcount_year: Option<u16>,
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
    pub fn of(
        e: &EstablishmentRecord,
        unit: Option<&LegalUnitFacts>,
        perimeter: Perimeter,
    ) -> Option<Self> {
        if !e.is_active() {
            return None;
        }
        let ess_family = unit.and_then(|u| u.ess_family(perimeter));
        let bracket: Option<HeadcountBracket> = e.headcount.filter(|h| h.is_employer());
        Some(Self {
            ess: ess_family.is_some(),
            family: ess_family.unwrap_or_else(|| {
                unit.and_then(|u| LegalFamily::of_form(u.legal_category))
                    .unwrap_or(LegalFamily::Autre)
            }),
            employer: bracket.is_some(),
            employer_unknown_bracket: bracket.is_none() && e.employer == Some(true),
            headcount_year: bracket.and(e.headcount_year),
            jobs: bracket.map_or(0.0, HeadcountBracket::estimated_jobs),
            jobs_low: bracket.map_or(0.0, |b| f64::from(b.low())),
            jobs_high: bracket.map_or(0.0, |b| f64::from(b.high())),
            private: unit.is_none_or(LegalUnitFacts::is_private),
            section: e.naf.as_ref().and_then(|n| n.section()),
            sector: EssSector::of_code(e.naf.as_ref()),
        })
    }
}
