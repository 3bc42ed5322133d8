//! Naming territories from the embedded reference data (COG 2026, the served QPV layer),
//! so that a page or an answer has a name, a few facts and its place in the hierarchy even
//! before any store is loaded.

use crate::App;
use crate::store::{TerritoryLevel, TerritoryRef};
use essor_geo::QpvId;
use essor_refdata::cog::cog;

/// A territory known to the reference data.
#[derive(Debug, Clone)]
pub struct Territory {
    pub level: TerritoryLevel,
    pub code: String,
    pub name: String,
    /// (French label, value), for pages.
    pub facts: Vec<(String, String)>,
    /// Larger territories it belongs to, France first, as (level, code, name): the
    /// breadcrumb. A QPV's commune and EPCI, and an EPCI's département and région, are
    /// there when they are unique.
    pub parents: Vec<(TerritoryLevel, String, String)>,
    /// The COG codes of its communes (for an EPCI, a commune, a QPV); empty for larger
    /// territories and the groupings.
    pub communes: Vec<String>,
    /// Its QPV in the served layer (for a QPV, itself; for France and the groupings, none:
    /// they are all of them).
    pub qpv: Vec<QpvId>,
}

impl Territory {
    pub fn reference(&self) -> TerritoryRef {
        TerritoryRef::new(self.level, self.code.clone())
    }

    /// The parent of a level, when it is in the breadcrumb.
    pub fn parent(&self, level: TerritoryLevel) -> Option<TerritoryRef> {
        self.parents
            .iter()
            .find(|(l, _, _)| *l == level)
            .map(|(l, c, _)| TerritoryRef::new(*l, c.clone()))
    }

    /// The one territory its figures are best compared with, beside all QPV and France:
    /// a QPV with its commune (its EPCI when it spans several), a commune with its EPCI, an
    /// EPCI with its département, a département with its région.
    pub fn comparison(&self) -> Option<TerritoryRef> {
        use TerritoryLevel::*;
        let order: &[TerritoryLevel] = match self.level {
            Qpv | Qpv500m => &[Commune, Epci, Departement],
            Commune => &[Epci, Departement],
            Epci => &[Departement, Region],
            Departement => &[Region],
            _ => &[],
        };
        order.iter().find_map(|&l| self.parent(l))
    }
}

/// French digit grouping with narrow no-break spaces: 114 891.
pub fn thousands(n: u64) -> String {
    essor_model::french::count(n)
}

fn unique<T: PartialEq + Clone>(items: impl IntoIterator<Item = T>) -> Option<T> {
    let mut it = items.into_iter();
    let first = it.next()?;
    it.all(|x| x == first).then_some(first)
}

/// The territory of that level and code, or `None` when the reference data do not know it.
pub fn resolve(app: &App, level: TerritoryLevel, code: &str) -> Option<Territory> {
    let cog = cog();
    let layer = app.index.layer();
    let france = (TerritoryLevel::France, "FR".to_owned(), "France".to_owned());
    let region = |c: &str| {
        cog.region(c)
            .map(|r| (TerritoryLevel::Region, r.code.clone(), r.nom.clone()))
    };
    let departement = |c: &str| {
        cog.departement(c)
            .map(|d| (TerritoryLevel::Departement, d.code.clone(), d.nom.clone()))
    };
    let epci = |c: &str| {
        cog.epci(c)
            .map(|e| (TerritoryLevel::Epci, e.code.clone(), e.nom.clone()))
    };
    let commune = |c: &str| {
        cog.commune(c)
            .map(|x| (TerritoryLevel::Commune, x.code.clone(), x.nom.clone()))
    };
    // The larger territories shared by a set of communes, largest first.
    let above = |communes: &[&essor_refdata::cog::Commune], with_epci: bool| {
        let mut p = vec![france.clone()];
        p.extend(unique(communes.iter().map(|c| c.region.clone())).and_then(|r| region(&r)));
        p.extend(
            unique(communes.iter().map(|c| c.departement.clone())).and_then(|d| departement(&d)),
        );
        if with_epci {
            p.extend(
                unique(communes.iter().map(|c| c.code_epci.clone()))
                    .flatten()
                    .and_then(|e| epci(&e)),
            );
        }
        p
    };
    let qpv_of = |q: QpvId| -> (Vec<String>, Vec<(TerritoryLevel, String, String)>) {
        let communes: Vec<&essor_refdata::cog::Commune> = app.places.qpv_communes[q as usize]
            .iter()
            .map(|&i| &cog.communes[i])
            .collect();
        let mut parents = above(&communes, true);
        if let [one] = communes.as_slice() {
            parents.extend(commune(&one.code));
        }
        (communes.iter().map(|c| c.code.clone()).collect(), parents)
    };
    let in_layer = |l: TerritoryLevel, c: &str| -> Vec<QpvId> {
        essor_observatory::pack::qpv_of(&app.places, layer, l, c)
    };
    let mut facts = Vec::new();
    let mut parents = Vec::new();
    let mut communes = Vec::new();
    let mut qpv = Vec::new();
    let name = match level {
        TerritoryLevel::France => (code == "FR").then(|| "France".to_owned())?,
        TerritoryLevel::Region => {
            let r = cog.region(code)?;
            parents.push(france.clone());
            qpv = in_layer(level, code);
            r.nom.clone()
        }
        TerritoryLevel::Departement => {
            let d = cog.departement(code)?;
            parents.push(france.clone());
            parents.extend(region(&d.region));
            qpv = in_layer(level, code);
            d.nom.clone()
        }
        TerritoryLevel::Epci => {
            let e = cog.epci(code)?;
            let kind = match e.kind.as_str() {
                "CC" => "Communauté de communes",
                "CA" => "Communauté d'agglomération",
                "CU" => "Communauté urbaine",
                "METRO" => "Métropole",
                "MET69" => "Métropole de Lyon",
                other => other,
            };
            facts.push(("Nature".into(), kind.to_owned()));
            facts.push(("Communes".into(), e.nb_communes.to_string()));
            facts.push((
                "Population municipale".into(),
                thousands(u64::from(e.population)),
            ));
            let members: Vec<&essor_refdata::cog::Commune> = cog.communes_of_epci(code).collect();
            parents = above(&members, false);
            communes = members.iter().map(|c| c.code.clone()).collect();
            qpv = in_layer(level, code);
            e.nom.clone()
        }
        TerritoryLevel::Commune => {
            let c = cog.commune(code)?;
            parents = above(&[c], true);
            if let Some(e) = c.code_epci.as_deref().and_then(|e| cog.epci(e)) {
                facts.push((
                    "EPCI à fiscalité propre".into(),
                    format!("{} ({})", e.nom, e.code),
                ));
            }
            if let Some(p) = c.population {
                facts.push(("Population municipale".into(), thousands(u64::from(p))));
            }
            communes = vec![c.code.clone()];
            qpv = in_layer(level, code);
            c.nom.clone()
        }
        TerritoryLevel::Qpv | TerritoryLevel::Qpv500m => {
            let id = layer.find(code)?;
            let f = layer.get(id);
            facts.push(("Géographie".into(), layer.geography.to_string()));
            facts.push(("Communes".into(), f.commune_names.join(", ")));
            if let Some(p) = essor_refdata::qpv::qpv_2015_population().get(code)
                && layer.geography == essor_model::QpvGeography::Qpv2015
            {
                facts.push((
                    "Population municipale 2013 (INSEE)".into(),
                    thousands(u64::from(p.population)),
                ));
            }
            (communes, parents) = qpv_of(id);
            qpv = vec![id];
            if level == TerritoryLevel::Qpv500m {
                parents.push((TerritoryLevel::Qpv, f.code.to_string(), f.name.clone()));
                format!("{} et abords (500 m)", f.name)
            } else {
                f.name.clone()
            }
        }
        TerritoryLevel::QpvTotal
        | TerritoryLevel::HorsQpv
        | TerritoryLevel::Qpv300mTotal
        | TerritoryLevel::Qpv500mTotal => {
            let (expected, name) = match level {
                TerritoryLevel::QpvTotal => {
                    ("QPV", format!("Ensemble des QPV ({})", layer.geography))
                }
                TerritoryLevel::HorsQpv => ("HORS_QPV", "Hors QPV".to_owned()),
                TerritoryLevel::Qpv300mTotal => ("QPV_300M", "QPV et abords à 300 m".to_owned()),
                _ => ("QPV_500M", "QPV et abords à 500 m".to_owned()),
            };
            if code != expected {
                return None;
            }
            parents.push(france.clone());
            name
        }
    };
    Some(Territory {
        level,
        code: code.to_owned(),
        name,
        facts,
        parents,
        communes,
        qpv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static STATE: LazyLock<App> = LazyLock::new(App::embedded);

    #[test]
    fn a_qpv_sits_in_its_epci_departement_and_region_and_its_commune_when_it_has_one() {
        // Franc Moisin… Landy spans Aubervilliers, La Courneuve and Saint-Denis.
        let t = resolve(&STATE, TerritoryLevel::Qpv, "QP093028").unwrap();
        let crumbs: Vec<&str> = t.parents.iter().map(|p| p.1.as_str()).collect();
        assert_eq!(crumbs, ["FR", "11", "93", "200054781"]);
        assert_eq!(t.communes.len(), 3);
        assert_eq!(
            t.comparison(),
            Some(TerritoryRef::new(TerritoryLevel::Epci, "200054781"))
        );
        assert_eq!(t.qpv.len(), 1);
        let one = (0..STATE.index.layer().len() as QpvId)
            .map(|q| STATE.index.layer().get(q).code.to_string())
            .find_map(|code| {
                resolve(&STATE, TerritoryLevel::Qpv, &code).filter(|t| t.communes.len() == 1)
            })
            .expect("a QPV in one commune");
        assert_eq!(one.parents.last().unwrap().0, TerritoryLevel::Commune);
        assert_eq!(one.comparison().unwrap().level, TerritoryLevel::Commune);
    }

    #[test]
    fn an_epci_lists_its_communes_and_qpv_and_a_grouping_needs_its_own_code() {
        let t = resolve(&STATE, TerritoryLevel::Epci, "200054781").unwrap();
        assert!(t.communes.iter().any(|c| c == "93066") && t.communes.len() > 100);
        assert!(
            t.qpv
                .iter()
                .any(|&q| STATE.index.layer().get(q).code.as_str() == "QP093028")
        );
        assert_eq!(
            t.parents[1].1, "11",
            "the Métropole du Grand Paris lies in Île-de-France"
        );
        assert_eq!(
            t.comparison(),
            Some(TerritoryRef::new(TerritoryLevel::Region, "11"))
        );
        assert!(resolve(&STATE, TerritoryLevel::QpvTotal, "QPV").is_some());
        assert!(resolve(&STATE, TerritoryLevel::QpvTotal, "FR").is_none());
    }
}
