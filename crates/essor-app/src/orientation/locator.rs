//! The matcher's view of the QPV, answered by the geodata engine and the embedded COG: the
//! [`QpvLocator`] of `essor orient` and of the server (same code, so the command line and the
//! web give the same answer).

use essor_geo::QpvIndex;
use essor_model::{CommuneCode, QpvGeography};
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
    /// On a 2015 layer (replaced since 2024), the communes of the embedded list of 2024 QPV:
    /// "does this commune have a QPV" is answered by the geography in force (issue 14).
    communes_2024: Option<HashSet<&'static str>>,
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
        let communes_2024 = (index.layer().geography == QpvGeography::Qpv2015).then(|| {
            essor_refdata::qpv::qpv_2024_codes()
                .iter()
                .flat_map(|q| q.communes.split(';').map(str::trim))
                .collect()
        });
        Self {
            index,
            communes_with_qpv,
            communes_2024,
        }
    }

    fn commune_has_qpv(&self, code: &CommuneCode) -> Option<bool> {
        let code = code.without_arrondissement();
        if let Some(communes) = &self.communes_2024 {
            return Some(communes.contains(code.as_str()));
        }
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
            facts.qpv = loc.nearest.map(|id| self.index.layer().get(id).code);
            facts.distance_m = loc.distance_m;
            if self.communes_2024.is_some() {
                // Issue 14: the 2015 polygons no longer say whether a point is in a QPV. Only
                // a commune without any 2024 QPV settles it (above); otherwise it is to check.
                facts.replaced_geography = facts.located_in_qpv.is_none();
            } else {
                facts.located_in_qpv = Some(loc.qpv.is_some());
                facts.near_qpv = loc.distance_m.map(|d| d <= NEAR_QPV_M).or(Some(false));
            }
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
        // Issue 14: on the 2015 layer alone, being in a QPV is to check, not an answer.
        assert_eq!(
            (
                inside.located_in_qpv,
                inside.near_qpv,
                inside.replaced_geography
            ),
            (None, None, true)
        );
        assert_eq!(
            inside.qpv.map(|q| q.to_string()).as_deref(),
            Some("QP093028")
        );
        assert_eq!(inside.distance_m, Some(0.0));
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

    #[test]
    fn with_a_2024_layer_loaded_the_point_is_an_answer_again() {
        // Issue 14: « à vérifier » only while the 2015 layer alone answers.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/qpv_2024/qpv_2024_synthetique.geojson");
        let layer = essor_geo::load_file(&path, &essor_geo::LoadOptions::default()).unwrap();
        let locator = EngineLocator::new(Arc::new(QpvIndex::new(layer)));
        let inside = locator.facts(None, Some((2.381534449, 48.917712167)));
        assert_eq!(
            (inside.located_in_qpv, inside.replaced_geography),
            (Some(true), false)
        );
        assert_eq!(
            inside.qpv.map(|q| q.to_string()).as_deref(),
            Some("QN09301M")
        );
    }

    #[test]
    fn on_the_2015_layer_a_commune_has_a_qpv_by_the_2024_list() {
        // A commune with a 2024 QPV and none in 2015 (the list of décret 2023-1314), and a
        // commune without any: the point there is settled, out of every QPV.
        let locator = EngineLocator::new(Arc::new(QpvIndex::new(essor_refdata::qpv::qpv_2015())));
        let new_in_2024: Vec<&str> = essor_refdata::qpv::qpv_2024_codes()
            .iter()
            .flat_map(|q| q.communes.split(';'))
            .filter(|c| {
                !locator
                    .index
                    .layer()
                    .features
                    .iter()
                    .any(|f| f.commune_codes.iter().any(|x| x == c))
            })
            .collect();
        assert!(!new_in_2024.is_empty());
        let c = CommuneCode::parse(new_in_2024[0]).unwrap();
        assert_eq!(locator.facts(Some(&c), None).commune_has_qpv, Some(true));
        let village = locator.facts(
            Some(&CommuneCode::parse("01001").unwrap()),
            Some((4.92, 46.15)),
        );
        assert_eq!(
            (village.located_in_qpv, village.replaced_geography),
            (Some(false), false)
        );
    }
}
