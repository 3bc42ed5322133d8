//! Naming territories from the embedded reference data (COG 2026, the served QPV layer),
//! so that a page or an answer has a name, a few facts and its place in the hierarchy even
//! before any store is loaded.

/// Finding a territory by name, code or postcode.
pub mod search;

use crate::App;
use crate::store::{TerritoryLevel, TerritoryRef};
use essor_geo::QpvId;
use essor_refdata::cog::{cog, name_key};

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
    /// The territories one level down, by name: France's régions, a région's départements,
    /// a département's EPCI (and its communes without one), an EPCI's communes, a commune's
    /// QPV.
    pub children: Vec<Named>,
    /// The territories of the same level and the same parent, by name, for comparison: the
    /// other départements of its région, the other communes of its EPCI, the other QPV of
    /// its commune (of its EPCI when it spans several)…
    pub neighbours: Vec<Named>,
}

/// A territory in a list: its level, code and name.
pub type Named = (TerritoryLevel, String, String);

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
            facts.push(("Nature".into(), search::epci_nature(&e.kind).to_owned()));
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
        // Issue 14: a QPV of the 2024 geography while the served layer is the 2015 one: known
        // by the embedded list (name, communes) and by the figures `plg_qp24` gave, without
        // polygons, hence without map, surroundings nor its QPV list.
        TerritoryLevel::Qpv
            if layer.find(code).is_none()
                && layer.geography == essor_model::QpvGeography::Qpv2015 =>
        {
            let q = essor_refdata::qpv::qpv_2024_codes()
                .iter()
                .find(|q| q.code == code)?;
            let members: Vec<&essor_refdata::cog::Commune> = q
                .communes
                .split(';')
                .filter_map(|c| cog.commune(c.trim()))
                .collect();
            facts.push((
                "Géographie".into(),
                "QPV 2024 (géographie en vigueur)".into(),
            ));
            facts.push((
                "Communes".into(),
                members
                    .iter()
                    .map(|c| c.nom.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
            facts.push((
                "Contour".into(),
                "non disponible : les contours officiels de 2024 ne sont pas chargés ; chiffres d'après la colonne plg_qp24 du fichier de géolocalisation de l'INSEE, sans carte ni abords".into(),
            ));
            parents = above(&members, true);
            if let [one] = members.as_slice() {
                parents.extend(commune(&one.code));
            }
            communes = members.iter().map(|c| c.code.clone()).collect();
            q.name.clone()
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
    let mut territory = Territory {
        level,
        code: code.to_owned(),
        name,
        facts,
        parents,
        communes,
        qpv,
        children: Vec::new(),
        neighbours: Vec::new(),
    };
    territory.children = children(app, &territory);
    territory.neighbours = neighbours(app, &territory);
    Some(territory)
}

/// Sorted by name as French readers expect (accents and case ignored), then code.
fn by_name(mut list: Vec<Named>) -> Vec<Named> {
    list.sort_by_cached_key(|(_, c, n)| (name_key(n), c.clone()));
    list
}

/// The EPCI with a commune in a département, and its communes without an EPCI.
fn in_departement(departement: &str) -> Vec<Named> {
    let cog = cog();
    let mut epci: Vec<&str> = Vec::new();
    let mut alone = Vec::new();
    for c in cog.communes.iter().filter(|c| c.departement == departement) {
        match &c.code_epci {
            Some(e) if !epci.contains(&e.as_str()) => epci.push(e),
            Some(_) => {}
            None => alone.push((TerritoryLevel::Commune, c.code.clone(), c.nom.clone())),
        }
    }
    let mut list: Vec<Named> = epci
        .into_iter()
        .filter_map(|e| cog.epci(e))
        .map(|e| (TerritoryLevel::Epci, e.code.clone(), e.nom.clone()))
        .collect();
    list.extend(alone);
    by_name(list)
}

fn regions() -> Vec<Named> {
    by_name(
        cog()
            .regions
            .iter()
            .filter(|r| r.is_region())
            .map(|r| (TerritoryLevel::Region, r.code.clone(), r.nom.clone()))
            .collect(),
    )
}

fn qpv_named(app: &App, ids: &[QpvId]) -> Vec<Named> {
    let layer = app.index.layer();
    by_name(
        ids.iter()
            .map(|&q| {
                let f = layer.get(q);
                (TerritoryLevel::Qpv, f.code.to_string(), f.name.clone())
            })
            .collect(),
    )
}

fn children(app: &App, t: &Territory) -> Vec<Named> {
    let cog = cog();
    match t.level {
        TerritoryLevel::France => regions(),
        TerritoryLevel::Region => by_name(
            cog.departements
                .iter()
                .filter(|d| d.region == t.code)
                .map(|d| (TerritoryLevel::Departement, d.code.clone(), d.nom.clone()))
                .collect(),
        ),
        TerritoryLevel::Departement => in_departement(&t.code),
        TerritoryLevel::Epci => by_name(
            cog.communes_of_epci(&t.code)
                .map(|c| (TerritoryLevel::Commune, c.code.clone(), c.nom.clone()))
                .collect(),
        ),
        TerritoryLevel::Commune => qpv_named(app, &t.qpv),
        _ => Vec::new(),
    }
}

fn neighbours(app: &App, t: &Territory) -> Vec<Named> {
    let cog = cog();
    let parent = |l| t.parent(l).map(|p| p.code);
    let list = match t.level {
        TerritoryLevel::Region => regions(),
        TerritoryLevel::Departement => cog
            .departement(&t.code)
            .map(|d| {
                cog.departements
                    .iter()
                    .filter(|o| o.region == d.region)
                    .map(|o| (TerritoryLevel::Departement, o.code.clone(), o.nom.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        TerritoryLevel::Epci => parent(TerritoryLevel::Departement)
            .map(|d| in_departement(&d))
            .unwrap_or_default()
            .into_iter()
            .filter(|(l, _, _)| *l == TerritoryLevel::Epci)
            .collect(),
        TerritoryLevel::Commune => match parent(TerritoryLevel::Epci) {
            Some(e) => cog
                .communes_of_epci(&e)
                .map(|c| (TerritoryLevel::Commune, c.code.clone(), c.nom.clone()))
                .collect(),
            None => Vec::new(),
        },
        TerritoryLevel::Qpv => {
            let layer = app.index.layer();
            let (level, code) = match (
                parent(TerritoryLevel::Commune),
                parent(TerritoryLevel::Epci),
            ) {
                (Some(c), _) => (TerritoryLevel::Commune, c),
                (None, Some(e)) => (TerritoryLevel::Epci, e),
                (None, None) => return Vec::new(),
            };
            qpv_named(
                app,
                &essor_observatory::pack::qpv_of(&app.places, layer, level, &code),
            )
        }
        _ => Vec::new(),
    };
    by_name(
        list.into_iter()
            .filter(|(l, c, _)| !(*l == t.level && *c == t.code))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static STATE: LazyLock<App> = LazyLock::new(App::embedded);

    fn names(list: &[Named]) -> Vec<&str> {
        list.iter().map(|n| n.2.as_str()).collect()
    }

    #[test]
    fn every_level_lists_its_children_and_its_neighbours_issue_12() {
        let france = resolve(&STATE, TerritoryLevel::France, "FR").unwrap();
        assert_eq!(france.children.len(), 18);
        assert_eq!(france.children[0].2, "Auvergne-Rhône-Alpes");
        let bretagne = resolve(&STATE, TerritoryLevel::Region, "53").unwrap();
        assert_eq!(
            names(&bretagne.children),
            ["Côtes-d'Armor", "Finistère", "Ille-et-Vilaine", "Morbihan"]
        );
        assert_eq!(bretagne.neighbours.len(), 17);
        let ille = resolve(&STATE, TerritoryLevel::Departement, "35").unwrap();
        assert!(names(&ille.children).contains(&"Rennes Métropole"));
        assert_eq!(
            names(&ille.neighbours),
            ["Côtes-d'Armor", "Finistère", "Morbihan"]
        );
        let rennes_metropole = resolve(&STATE, TerritoryLevel::Epci, "243500139").unwrap();
        assert_eq!(rennes_metropole.children.len(), 43);
        assert!(names(&rennes_metropole.children).contains(&"Rennes"));
        assert!(
            names(&rennes_metropole.neighbours)
                .iter()
                .all(|n| *n != "Rennes Métropole")
        );
        assert!(!rennes_metropole.neighbours.is_empty());
        let rennes = resolve(&STATE, TerritoryLevel::Commune, "35238").unwrap();
        assert!(
            names(&rennes.children).contains(&"Le Blosne"),
            "{:?}",
            rennes.children
        );
        assert_eq!(rennes.neighbours.len(), 42);
        let blosne = &rennes
            .children
            .iter()
            .find(|c| c.2 == "Le Blosne")
            .unwrap()
            .1;
        let blosne = resolve(&STATE, TerritoryLevel::Qpv, blosne).unwrap();
        assert!(blosne.children.is_empty());
        assert_eq!(blosne.neighbours.len(), rennes.children.len() - 1);
    }

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
        // Issue 12: an EPCI links down to its communes, across to its département's EPCI.
        assert_eq!(t.children.len(), 130);
        assert!(t.children.iter().all(|c| c.0 == TerritoryLevel::Commune));
        assert!(
            t.neighbours.is_empty() || t.neighbours.iter().all(|n| n.0 == TerritoryLevel::Epci)
        );
        assert!(resolve(&STATE, TerritoryLevel::QpvTotal, "FR").is_none());
    }
}
