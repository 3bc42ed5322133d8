//! `essor orient --profile profile.json [--format json|text]`: every scheme of the catalogue
//! for a project, best first, with eligibility, score, reasons and missing information. The
//! profile's commune or lon/lat become QPV facts through the geodata engine.

use crate::args::OrientArgs;
use crate::qpv_source;
use anyhow::{Context, Result, bail};
use essor_geo::QpvIndex;
use essor_model::CommuneCode;
use essor_orientation::{
    Catalogue, LocationFacts, MatchOptions, OrientationReport, Profile, QpvLocator, orient,
    render_text,
};
use essor_refdata::cog::name_key;
use std::collections::HashSet;
use std::process::ExitCode;

/// Distance under which a place counts as "near a QPV" for the catalogue's rules.
const NEAR_QPV_M: f64 = 1000.0;

pub fn run(args: OrientArgs) -> Result<ExitCode> {
    let text_output = match args.format.as_str() {
        "json" => false,
        "text" => true,
        other => bail!("option --format : « {other} » inconnu (attendu : json ou text)"),
    };
    let catalogue = match &args.catalogue {
        None => Catalogue::embedded().context("catalogue embarqué")?,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{} : lecture impossible", path.display()))?;
            Catalogue::from_toml_str(&text, &path.display().to_string())
                .with_context(|| path.display().to_string())?
        }
    };
    let text = std::fs::read_to_string(&args.profile)
        .with_context(|| format!("{} : lecture impossible", args.profile.display()))?;
    let profile = Profile::from_json(&text).with_context(|| args.profile.display().to_string())?;
    let locator = EngineLocator::new(qpv_source::index(&args.qpv)?);
    let results = orient(&catalogue, &profile, &locator, &MatchOptions::default());
    if text_output {
        println!("{}", render_text(&catalogue, &results));
    } else {
        println!("{}", OrientationReport::new(results).to_json_pretty());
    }
    Ok(ExitCode::SUCCESS)
}

/// The matcher's view of the QPV, answered by the geodata engine and the embedded COG.
pub struct EngineLocator {
    index: QpvIndex,
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
    pub fn new(index: QpvIndex) -> Self {
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
        let locator = EngineLocator::new(QpvIndex::new(essor_refdata::qpv::qpv_2015()));
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
