//! The territories figures are computed for, and how an establishment's commune code leads
//! to them: arrondissements of Paris, Lyon and Marseille are mapped to their commune; EPCI,
//! département and région come from the embedded COG 2026. A code absent from the COG is
//! counted under its own code (and reported), with the département its code gives.

use essor_geo::{QpvId, QpvLayer};
use essor_model::CommuneCode;
use essor_refdata::cog::{Cog, cog, name_key};
use std::collections::HashMap;

/// The levels of `indicators.csv` (vocabulary: [`essor_model::territory`]).
pub use essor_model::TerritoryLevel;

/// Slots of [`commune_slot`]: the 100,000 all-digit codes, then 1,000 each for 2A and 2B.
const COMMUNE_SLOTS: usize = 102_000;

/// A commune code as an array position: its number for all-digit codes, 100,000 + the last
/// three digits for Corse-du-Sud (`2A…`), 101,000 + them for Haute-Corse (`2B…`).
fn commune_slot(code: CommuneCode) -> usize {
    let b = code.as_str().as_bytes();
    let digits = |d: &[u8]| {
        d.iter()
            .fold(0usize, |n, &x| n * 10 + usize::from(x - b'0'))
    };
    match b[1] {
        b'A' => 100_000 + digits(&b[2..]),
        b'B' => 101_000 + digits(&b[2..]),
        _ => digits(b),
    }
}

/// Where a commune code leads: indices into [`Territories`]' tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub commune: usize,
    pub epci: Option<usize>,
    pub departement: Option<usize>,
    pub region: Option<usize>,
}

/// The COG tables as indices, and the QPV's communes.
#[derive(Debug)]
pub struct Territories {
    cog: &'static Cog,
    /// The [`Place`] of every COG commune, by [`commune_slot`] of its code (`None`: not in
    /// the COG). `place` runs once per establishment (35 million times on the national
    /// stock): an array read instead of four string-keyed hash lookups.
    places: Vec<Option<Place>>,
    departement_index: HashMap<String, usize>,
    region_index: HashMap<String, usize>,
    /// Per QPV: the COG communes it lies in (from `insee_com` in the 2024 layout, from the
    /// names of `COMMUNE_QP` in the 2015 layout).
    pub qpv_communes: Vec<Vec<usize>>,
}

impl Territories {
    pub fn new(layer: &QpvLayer) -> Self {
        let cog = cog();
        let idx = |codes: Vec<&str>| {
            codes
                .into_iter()
                .enumerate()
                .map(|(i, c)| (c.to_owned(), i))
                .collect::<HashMap<_, _>>()
        };
        let commune_index = idx(cog.communes.iter().map(|c| c.code.as_str()).collect());
        let qpv_communes = layer
            .features
            .iter()
            .map(|f| {
                let by_code = f
                    .commune_codes
                    .iter()
                    .filter_map(|c| commune_index.get(c).copied());
                let dep = f.departement.clone().unwrap_or_default();
                let by_name = f.commune_names.iter().filter_map(|n| {
                    cog.commune_by_name(&dep, n)
                        .and_then(|c| commune_index.get(&c.code).copied())
                });
                let mut v: Vec<usize> = by_code.chain(by_name).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        let epci_index = idx(cog.epci.iter().map(|e| e.code.as_str()).collect());
        let departement_index = idx(cog.departements.iter().map(|d| d.code.as_str()).collect());
        let region_index = idx(cog.regions.iter().map(|r| r.code.as_str()).collect());
        let mut places = vec![None; COMMUNE_SLOTS];
        for (commune, c) in cog.communes.iter().enumerate() {
            let Some(slot) = CommuneCode::parse(&c.code).ok().map(commune_slot) else {
                continue;
            };
            places[slot] = Some(Place {
                commune,
                epci: c
                    .code_epci
                    .as_ref()
                    .and_then(|e| epci_index.get(e).copied()),
                departement: departement_index.get(&c.departement).copied(),
                region: region_index.get(&c.region).copied(),
            });
        }
        Self {
            places,
            departement_index,
            region_index,
            qpv_communes,
            cog,
        }
    }

    pub fn cog(&self) -> &'static Cog {
        self.cog
    }

    /// The place of a commune code as SIRENE gives it; `None` when the COG does not know it.
    pub fn place(&self, code: &CommuneCode) -> Option<Place> {
        self.places[commune_slot(code.without_arrondissement())]
    }

    /// The département index of a code unknown to the COG, from the code itself.
    pub fn departement_of_code(&self, code: &CommuneCode) -> Option<usize> {
        self.departement_index.get(code.departement()).copied()
    }

    pub fn region_of_departement(&self, dep: usize) -> Option<usize> {
        self.region_index
            .get(&self.cog.departements[dep].region)
            .copied()
    }

    pub fn counts(&self) -> (usize, usize, usize, usize) {
        (
            self.cog.regions.len(),
            self.cog.departements.len(),
            self.cog.epci.len(),
            self.cog.communes.len(),
        )
    }

    /// Does a QPV lie in the territory `level:code`? (For a QPV level: is it that QPV.)
    pub fn qpv_in(&self, qpv: QpvId, layer: &QpvLayer, level: TerritoryLevel, code: &str) -> bool {
        let communes = &self.qpv_communes[qpv as usize];
        let any = |f: &dyn Fn(&essor_refdata::cog::Commune) -> bool| {
            communes.iter().any(|&c| f(&self.cog.communes[c]))
        };
        match level {
            TerritoryLevel::France
            | TerritoryLevel::QpvTotal
            | TerritoryLevel::Qpv300mTotal
            | TerritoryLevel::Qpv500mTotal => true,
            TerritoryLevel::HorsQpv => false,
            TerritoryLevel::Region => any(&|c| c.region == code),
            TerritoryLevel::Departement => {
                any(&|c| c.departement == code)
                    || layer.get(qpv).departement.as_deref() == Some(code)
            }
            TerritoryLevel::Epci => any(&|c| c.code_epci.as_deref() == Some(code)),
            TerritoryLevel::Commune => any(&|c| c.code == code),
            TerritoryLevel::Qpv | TerritoryLevel::Qpv500m => layer.get(qpv).code.as_str() == code,
        }
    }

    /// Name key of a commune, for tests and lookups.
    pub fn name_key(name: &str) -> String {
        name_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use essor_model::QpvGeography;

    fn territories() -> Territories {
        Territories::new(&QpvLayer {
            geography: QpvGeography::Qpv2015,
            source: "test".into(),
            features: Vec::new(),
        })
    }

    fn code(s: &str) -> CommuneCode {
        CommuneCode::parse(s).unwrap()
    }

    #[test]
    fn every_cog_commune_is_placed_by_its_code_with_its_epci_departement_and_region() {
        let t = territories();
        let cog = t.cog();
        for (i, c) in cog.communes.iter().enumerate() {
            let p = t.place(&code(&c.code)).expect(&c.code);
            assert_eq!(p.commune, i, "{}", c.code);
            assert_eq!(
                p.epci.map(|e| cog.epci[e].code.as_str()),
                c.code_epci.as_deref()
            );
            assert_eq!(
                p.departement.map(|d| cog.departements[d].code.as_str()),
                Some(c.departement.as_str())
            );
            assert_eq!(
                p.region.map(|r| cog.regions[r].code.as_str()),
                Some(c.region.as_str())
            );
        }
    }

    #[test]
    fn arrondissements_lead_to_their_city_and_unknown_codes_nowhere() {
        let t = territories();
        let cog = t.cog();
        let commune = |s: &str| {
            t.place(&code(s))
                .map(|p| cog.communes[p.commune].code.as_str())
        };
        assert_eq!(commune("75111"), Some("75056"));
        assert_eq!(commune("69387"), Some("69123"));
        assert_eq!(commune("13205"), Some("13055"));
        assert_eq!(commune("2a004"), Some("2A004"));
        assert_eq!(commune("2B033"), Some("2B033"));
        assert_eq!(commune("99999"), None);
        assert_eq!(commune("2A999"), None);
    }
}
