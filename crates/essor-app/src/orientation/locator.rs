//! The matcher's view of the QPV, answered by the geodata engine and the embedded COG: the
//! [`QpvLocator`] of `essor orient` and of the server (same code, so the command line and the
//! web give the same answer).

use essor_geo::QpvIndex;
use essor_model::CommuneCode;
use essor_orientation::{LocationFacts, QpvLocator};
use essor_refdata::cog::name_key;
use std::collections::HashSet;
use std::sync::Arc;

/// Distance under which a place counts as "near a QPV" for the catalogue's rules, metres.
pub const NEAR_QPV_M: f64 = 1000.0;

/// Point-in-QPV, distance to the nearest QPV, and "does this commune have a QPV", from a QPV
/// layer's index.
pub struct EngineLocator {
    index: Arc<QpvIndex>,
    /// (département, normalised commune name) of every commune named by a QPV of the layer.
    communes_with_qpv: HashSet<(String, String)>,
}

impl std::fmt::Debug for EngineLocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineLocator")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

impl EngineLocator {
    pub fn new(index: Arc<QpvIndex>) -> Self {
        let communes_with_qpv = index
            .layer()
            .features
            .iter()
            .flat_map(|f| {
                let dep = f.departement.clone().unwrap_or_default();
                f.commune_names
                    .iter()
                    .map(move |n| (dep.clone(), name_key(n)))
            })
            .collect();
        Self {
            index,
            communes_with_qpv,
        }
    }

    fn commune_has_qpv(&self, code: &CommuneCode) -> Option<bool> {
        let code = code.without_arrondissement();
        if self
            .index
            .layer()
            .features
            .iter()
            .any(|f| f.commune_codes.iter().any(|c| c == code.as_str()))
        {
            return Some(true);
        }
        let commune = essor_refdata::cog::cog().commune(code.as_str())?;
        Some(
            self.communes_with_qpv
                .contains(&(commune.departement.clone(), name_key(&commune.nom))),
        )
    }
}

impl QpvLocator for EngineLocator {
    fn facts(&self, commune: Option<&CommuneCode>, lonlat: Option<(f64, f64)>) -> LocationFacts {
        let mut facts = LocationFacts::default();
        if let Some(code) = commune {
            let cog = essor_refdata::cog::cog();
            let known = cog.commune(code.without_arrondissement().as_str());
            facts.departement = Some(
                known.map_or_else(|| code.departement().to_owned(), |c| c.departement.clone()),
            );
            facts.region = known.map(|c| c.region.clone());
            facts.commune_has_qpv = self.commune_has_qpv(code);
            if facts.commune_has_qpv == Some(false) {
                facts.located_in_qpv = Some(false);
            }
        }
        if let Some((lon, lat)) = lonlat
            && let Ok(loc) = self.index.locate_lonlat(lon, lat)
        {
            facts.located_in_qpv = Some(loc.qpv.is_some());
            facts.near_qpv = loc.distance_m.map(|d| d <= NEAR_QPV_M).or(Some(false));
            facts.qpv = loc.nearest.map(|id| self.index.layer().get(id).code);
            facts.distance_m = loc.distance_m;
        }
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_answers_the_matchers_location_questions() {
        let locator = EngineLocator::new(Arc::new(QpvIndex::new(essor_refdata::qpv::qpv_2015())));
        // Inside Franc Moisin (Saint-Denis), fixture point QP093028-inside.
        let inside = locator.facts(None, Some((2.381534449, 48.917712167)));
        assert_eq!(inside.located_in_qpv, Some(true));
        assert_eq!(
            inside.qpv.map(|q| q.to_string()).as_deref(),
            Some("QP093028")
        );
        // Saint-Denis has QPV; Saint-Denis's région is Île-de-France.
        let sd = locator.facts(Some(&CommuneCode::parse("93066").unwrap()), None);
        assert_eq!(
            (
                sd.commune_has_qpv,
                sd.region.as_deref(),
                sd.departement.as_deref()
            ),
            (Some(true), Some("11"), Some("93"))
        );
        // L'Abergement-Clémenciat has none, so a project there is not in a QPV.
        let village = locator.facts(Some(&CommuneCode::parse("01001").unwrap()), None);
        assert_eq!(
            (village.commune_has_qpv, village.located_in_qpv),
            (Some(false), Some(false))
        );
        // Paris arrondissements map to Paris, which has QPV.
        let paris = locator.facts(Some(&CommuneCode::parse("75119").unwrap()), None);
        assert_eq!(paris.commune_has_qpv, Some(true));
    }
}
