//! Naming territories from the embedded reference data (COG 2026, the served QPV layer),
//! so that a page or an answer has a name and a few facts even before any store is loaded.

use crate::AppState;
use crate::store::{TerritoryLevel, TerritoryRef};
use essor_refdata::cog::cog;

/// A territory known to the reference data.
#[derive(Debug, Clone)]
pub struct Territory {
    pub level: TerritoryLevel,
    pub code: String,
    pub name: String,
    /// (French label, value), for pages.
    pub facts: Vec<(String, String)>,
    /// Larger territories it belongs to, largest first, as (level, code, name): the breadcrumb.
    pub parents: Vec<(TerritoryLevel, String, String)>,
}

impl Territory {
    pub fn reference(&self) -> TerritoryRef {
        TerritoryRef {
            level: self.level,
            code: self.code.clone(),
        }
    }
}

/// French digit grouping with narrow no-break spaces: 114 891.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// The territory of that level and code, or `None` when the reference data do not know it.
pub fn resolve(state: &AppState, level: TerritoryLevel, code: &str) -> Option<Territory> {
    let cog = cog();
    let region = |c: &str| {
        cog.region(c)
            .map(|r| (TerritoryLevel::Region, r.code.clone(), r.nom.clone()))
    };
    let departement = |c: &str| {
        cog.departement(c)
            .map(|d| (TerritoryLevel::Departement, d.code.clone(), d.nom.clone()))
    };
    let mut facts = Vec::new();
    let mut parents = Vec::new();
    let name = match level {
        TerritoryLevel::France => (code == "FR").then(|| "France".to_owned())?,
        TerritoryLevel::Region => cog.region(code)?.nom.clone(),
        TerritoryLevel::Departement => {
            let d = cog.departement(code)?;
            parents.extend(region(&d.region));
            d.nom.clone()
        }
        TerritoryLevel::Epci => {
            let e = cog.epci(code)?;
            facts.push(("Nature".into(), e.kind.clone()));
            facts.push(("Communes".into(), e.nb_communes.to_string()));
            facts.push((
                "Population municipale".into(),
                thousands(u64::from(e.population)),
            ));
            e.nom.clone()
        }
        TerritoryLevel::Commune => {
            let c = cog.commune(code)?;
            parents.extend(region(&c.region));
            parents.extend(departement(&c.departement));
            if let Some(e) = c.code_epci.as_deref().and_then(|e| cog.epci(e)) {
                facts.push((
                    "EPCI à fiscalité propre".into(),
                    format!("{} ({})", e.nom, e.code),
                ));
            }
            if let Some(p) = c.population {
                facts.push(("Population municipale".into(), thousands(u64::from(p))));
            }
            c.nom.clone()
        }
        TerritoryLevel::Qpv => {
            let layer = state.index.layer();
            let f = layer.get(layer.find(code)?);
            facts.push(("Géographie".into(), layer.geography.to_string()));
            facts.push(("Communes".into(), f.commune_names.join(", ")));
            if let Some(p) = essor_refdata::qpv::qpv_2015_population().get(code) {
                facts.push((
                    "Population municipale 2013 (INSEE)".into(),
                    thousands(u64::from(p.population)),
                ));
            }
            if let Some(dep) = code.get(2..5).map(|d| d.trim_start_matches('0')) {
                let dep = if dep.len() == 1 {
                    format!("0{dep}")
                } else {
                    dep.to_owned()
                };
                if let Some(d) = cog.departement(&dep) {
                    parents.extend(region(&d.region));
                }
                parents.extend(departement(&dep));
            }
            f.name.clone()
        }
    };
    Some(Territory {
        level,
        code: code.to_owned(),
        name,
        facts,
        parents,
    })
}
