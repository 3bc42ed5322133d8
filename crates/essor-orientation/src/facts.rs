//! From a profile (plus what a locator says about its place) to the facts rules read.
//!
//! The profile says what the holder told us; some facts follow from others, and this module is
//! the one place where those deductions live, each one cautious (it never turns "unknown" into
//! "no" on a guess):
//!
//! - `porteur`: the profile's `holder`; else `collectivite` for a territorial authority's legal
//!   category, `structure` for any other constituted legal family.
//! - `famille_juridique`: `legal_family`; else from `legal_category` (see
//!   [`LegalFamily::from_legal_category`]), `societe` becoming `societe_commerciale_ess` when
//!   `ess` is true.
//! - `ess`: the profile's `ess`; else true for the ESS families by statute, false for a
//!   non-ESS company, a collectivité, or no structure at all.
//! - `employeur` / `salaries`: from `employees`; an informal activity or a project with no
//!   structure employs nobody.
//! - `anciennete`: reference year − `founded_year`; 0 when there is no structure yet.
//! - `public`: `public`, plus `jeunes_16_18` / `jeunes_18_30` from the holder's `age`.
//! - `implantation_qpv`: `located_in_qpv`; else the locator's answer for the point.
//! - `action_qpv`: `acts_in_qpv`; else true when located in a QPV, or when a resident person
//!   or collective of a QPV carries it (residents act where they live).
//! - `proximite_qpv`: true when located in a QPV; else the locator's ≤ 1 km answer.
//! - `departement`, `region`: from the locator, else from the commune code.

use crate::location::{LocationFacts, region_of_departement};
use crate::profile::Profile;
use crate::rule::{FactDef, FactSource, FactValue};
use crate::vocab::{Holder, LegalFamily, Public, is_collectivite_category};
use std::collections::BTreeSet;

/// The facts of one profile, ready for rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResolvedFacts {
    pub holder: Option<Holder>,
    pub legal_family: Option<LegalFamily>,
    pub legal_category: Option<String>,
    pub ess: Option<bool>,
    pub employer: Option<bool>,
    pub employees: Option<u32>,
    pub seniority: Option<i64>,
    pub age: Option<u32>,
    pub stage: Option<crate::vocab::Stage>,
    pub needs: Option<BTreeSet<String>>,
    pub themes: Option<BTreeSet<String>>,
    pub public: Option<BTreeSet<String>>,
    pub resident_in_qpv: Option<bool>,
    pub located_in_qpv: Option<bool>,
    pub acts_in_qpv: Option<bool>,
    pub near_qpv: Option<bool>,
    pub commune_has_qpv: Option<bool>,
    pub informal: Option<bool>,
    pub bank_access: Option<bool>,
    pub departement: Option<String>,
    pub region: Option<String>,
    /// The QPV facts of the place were left unknown because only the replaced 2015
    /// geography could answer them ([`LocationFacts::replaced_geography`]).
    pub replaced_geography: bool,
}

impl ResolvedFacts {
    /// Resolves the facts of `profile`; `reference_year` dates the structure's age.
    pub fn resolve(profile: &Profile, location: &LocationFacts, reference_year: i32) -> Self {
        let category = profile.legal_category.clone();
        let category_family = category
            .as_deref()
            .and_then(LegalFamily::from_legal_category);
        let is_collectivite = category.as_deref().is_some_and(is_collectivite_category);
        let legal_family = profile.legal_family.or(match category_family {
            Some(LegalFamily::Societe) if profile.ess == Some(true) => {
                Some(LegalFamily::SocieteCommercialeEss)
            }
            other => other,
        });
        let holder = profile.holder.or(if is_collectivite {
            Some(Holder::Collectivite)
        } else {
            legal_family
                .filter(|f| *f != LegalFamily::None)
                .map(|_| Holder::Structure)
        });
        let ess = profile.ess.or_else(|| match (holder, legal_family) {
            (Some(Holder::Collectivite), _) => Some(false),
            (_, Some(f)) if f.is_ess_by_statute() => Some(true),
            (_, Some(LegalFamily::Societe | LegalFamily::None)) => Some(false),
            _ => None,
        });
        let no_structure =
            legal_family == Some(LegalFamily::None) || profile.informal == Some(true);
        let employees = profile
            .employees
            .or(if no_structure { Some(0) } else { None });
        let seniority = match profile.founded_year {
            Some(y) => Some(i64::from((reference_year - y).max(0))),
            None if legal_family == Some(LegalFamily::None) => Some(0),
            None => None,
        };
        let public = match (&profile.public, profile.age) {
            (None, None) => None,
            (listed, age) => {
                let mut set: BTreeSet<String> = listed
                    .iter()
                    .flatten()
                    .map(|p| p.word().to_owned())
                    .collect();
                if let Some(a) = age {
                    if (16..=18).contains(&a) {
                        set.insert(Public::Jeunes16_18.word().to_owned());
                    }
                    if (18..=30).contains(&a) {
                        set.insert(Public::Jeunes18_30.word().to_owned());
                    }
                }
                Some(set)
            }
        };
        let located_in_qpv = profile.located_in_qpv.or(location.located_in_qpv);
        let resident_acts = profile.resident_in_qpv == Some(true)
            && matches!(holder, Some(Holder::Person | Holder::Collective));
        let acts_in_qpv =
            profile
                .acts_in_qpv
                .or(if located_in_qpv == Some(true) || resident_acts {
                    Some(true)
                } else {
                    None
                });
        let near_qpv = if located_in_qpv == Some(true) {
            Some(true)
        } else {
            location.near_qpv
        };
        let commune_has_qpv = if located_in_qpv == Some(true) {
            Some(true)
        } else {
            location.commune_has_qpv
        };
        let departement = location
            .departement
            .clone()
            .or_else(|| profile.commune.map(|c| c.departement().to_owned()));
        let region = location.region.clone().or_else(|| {
            departement
                .as_deref()
                .and_then(region_of_departement)
                .map(str::to_owned)
        });
        Self {
            holder,
            legal_family,
            legal_category: category,
            ess,
            employer: employees.map(|n| n > 0),
            employees,
            seniority,
            age: profile.age,
            stage: profile.stage,
            needs: profile
                .needs
                .as_ref()
                .map(|n| n.iter().map(|x| x.word().to_owned()).collect()),
            themes: profile
                .themes
                .as_ref()
                .map(|t| t.iter().map(|x| crate::text::normalize_theme(x)).collect()),
            public,
            resident_in_qpv: profile.resident_in_qpv,
            located_in_qpv,
            acts_in_qpv,
            near_qpv,
            commune_has_qpv,
            informal: profile.informal,
            bank_access: profile.bank_access,
            departement,
            region,
            replaced_geography: location.replaced_geography,
        }
    }
}

impl FactSource for ResolvedFacts {
    fn get(&self, fact: &FactDef) -> Option<FactValue> {
        let b = |v: Option<bool>| v.map(FactValue::Bool);
        let w = |v: Option<&str>| v.map(|s| FactValue::Word(s.to_owned()));
        let set = |v: &Option<BTreeSet<String>>| v.clone().map(FactValue::Set);
        match fact.name {
            "porteur" => w(self.holder.map(Holder::word)),
            "famille_juridique" => w(self.legal_family.map(LegalFamily::word)),
            "categorie_juridique" => w(self.legal_category.as_deref()),
            "ess" => b(self.ess),
            "employeur" => b(self.employer),
            "salaries" => self.employees.map(|n| FactValue::Int(i64::from(n))),
            "anciennete" => self.seniority.map(FactValue::Int),
            "age" => self.age.map(|a| FactValue::Int(i64::from(a))),
            "etape" => w(self.stage.map(|s| s.word())),
            "besoins" => set(&self.needs),
            "themes" => set(&self.themes),
            "public" => set(&self.public),
            "residence_qpv" => b(self.resident_in_qpv),
            "implantation_qpv" => b(self.located_in_qpv),
            "action_qpv" => b(self.acts_in_qpv),
            "proximite_qpv" => b(self.near_qpv),
            "commune_qpv" => b(self.commune_has_qpv),
            "informel" => b(self.informal),
            "acces_bancaire" => b(self.bank_access),
            "departement" => w(self.departement.as_deref()),
            "region" => w(self.region.as_deref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{FACTS, fact_def};

    fn resolve(json: &str) -> ResolvedFacts {
        ResolvedFacts::resolve(
            &Profile::from_json(json).unwrap(),
            &LocationFacts::default(),
            2025,
        )
    }

    #[test]
    fn every_fact_of_the_language_is_answered() {
        let full = resolve(
            r#"{"holder":"structure","legal_category":"9220","legal_family":"association","ess":true,"employees":3,
               "founded_year":2013,"stage":"idee","needs":["locaux"],"themes":["velo"],"commune":"35238",
               "resident_in_qpv":true,"located_in_qpv":true,"acts_in_qpv":true,"public":["femmes"],
               "informal":false,"bank_access":true,"age":40}"#,
        );
        for f in FACTS {
            assert!(full.get(f).is_some(), "fact {} not answered", f.name);
        }
    }

    #[test]
    fn the_legal_category_gives_family_holder_and_ess() {
        let f = resolve(r#"{"legal_category":"5458"}"#);
        assert_eq!(f.legal_family, Some(LegalFamily::Cooperative));
        assert_eq!(f.holder, Some(Holder::Structure));
        assert_eq!(f.ess, Some(true));
        let town = resolve(r#"{"legal_category":"7210"}"#);
        assert_eq!(town.holder, Some(Holder::Collectivite));
        assert_eq!(town.ess, Some(false));
        let sas_ess = resolve(r#"{"legal_category":"5710","ess":true}"#);
        assert_eq!(
            sas_ess.legal_family,
            Some(LegalFamily::SocieteCommercialeEss)
        );
    }

    #[test]
    fn informal_activities_employ_nobody_and_residents_act_in_their_qpv() {
        let f = resolve(r#"{"holder":"collective","informal":true,"resident_in_qpv":true}"#);
        assert_eq!(f.employer, Some(false));
        assert_eq!(f.acts_in_qpv, Some(true));
        assert_eq!(f.located_in_qpv, None);
        let g = resolve(r#"{"holder":"structure","resident_in_qpv":true}"#);
        assert_eq!(g.acts_in_qpv, None);
    }

    #[test]
    fn age_fills_the_youth_publics_and_commune_the_region() {
        let f = resolve(r#"{"age":17,"commune":"35238"}"#);
        assert_eq!(
            f.get(fact_def("public").unwrap()),
            Some(FactValue::Set(BTreeSet::from(["jeunes_16_18".into()])))
        );
        assert_eq!(f.region.as_deref(), Some("53"));
        let g = resolve(r#"{"age":18}"#);
        assert_eq!(g.public.unwrap().len(), 2);
    }

    #[test]
    fn explicit_booleans_win_over_the_locator() {
        let loc = LocationFacts {
            located_in_qpv: Some(true),
            ..LocationFacts::default()
        };
        let p = Profile::from_json(r#"{"located_in_qpv":false}"#).unwrap();
        assert_eq!(
            ResolvedFacts::resolve(&p, &loc, 2025).located_in_qpv,
            Some(false)
        );
        let q = Profile::default();
        let f = ResolvedFacts::resolve(&q, &loc, 2025);
        assert_eq!(
            (f.located_in_qpv, f.acts_in_qpv, f.near_qpv),
            (Some(true), Some(true), Some(true))
        );
    }
}
