//! One block of legal units and their establishments, drawn from the block's own generator:
//! the unit of determinism (a block is a function of the seed and its index only) and of
//! parallelism (blocks are drawn on every core, then written in order).

use crate::calibration::{self, Category, FAMILIES, Family, FamilyDef};
use crate::date::{Date, LAST_DAY};
use crate::geography::Geography;
use crate::ids;
use crate::names;
use crate::rng::BlockRng;

/// Legal units per block. Fixed: changing it changes every file of every seed.
pub(crate) const BLOCK_UNITS: u64 = 8192;

/// A person's name (entrepreneur individuel).
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub sex: &'static str,
    pub first: &'static str,
    pub second: Option<&'static str>,
    pub last: String,
    pub usage: Option<String>,
}

/// How an establishment was placed (for the summary and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placed {
    Commune,
    InQpv,
    NearQpv,
    Abroad,
}

#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub number: u16,
    pub repetition: &'static str,
    pub street_type: &'static str,
    pub street: &'static str,
    pub complement: Option<&'static str>,
    pub special: Option<String>,
    /// Rank of the street in the commune, for the BAN-like address identifier.
    pub ban: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct Establishment {
    pub nic: u32,
    pub siege: bool,
    pub active: bool,
    pub created: Date,
    pub debut: Date,
    pub bracket: &'static str,
    pub naf: &'static str,
    pub periods: u32,
    pub processed: (Date, u32),
    pub placed: Placed,
    /// Index into [`Geography::communes`]; `None` abroad.
    pub commune: Option<u32>,
    /// Country index into [`names::COUNTRIES`] when abroad.
    pub country: usize,
    pub postcode: usize,
    /// Lambert coordinates in the territory's system, rounded to 0.1 m; `None` when not
    /// geocoded.
    pub xy: Option<(f64, f64)>,
    pub address: Address,
    pub enseigne: Option<String>,
    pub usual_name: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub siren: u32,
    pub category: u16,
    /// `Some(true)` = O, `Some(false)` = N, `None` = blank.
    pub ess: Option<bool>,
    pub diffusible: bool,
    pub active: bool,
    pub created: Date,
    pub debut: Date,
    pub naf: &'static str,
    pub name: Option<String>,
    pub usual_name: Option<String>,
    pub person: Option<Person>,
    pub sigle: Option<String>,
    pub rna: Option<String>,
    pub mission: Option<bool>,
    pub periods: u32,
    pub processed: (Date, u32),
    pub establishments: Vec<Establishment>,
}

impl Unit {
    pub(crate) fn is_ess(&self) -> bool {
        self.ess == Some(true)
    }
}

/// What blocks are drawn with: the seed and the geography.
#[derive(Debug)]
pub(crate) struct Drawer<'a> {
    pub seed: u64,
    pub geography: &'a Geography,
    siren_offset: u64,
    families: Vec<(usize, u32)>,
    categories: Vec<Vec<(usize, u32)>>,
}

impl<'a> Drawer<'a> {
    pub(crate) fn new(seed: u64, geography: &'a Geography) -> Self {
        Self {
            seed,
            geography,
            siren_offset: crate::rng::splitmix64(seed ^ 0x0051_BE17) % ids::MAX_UNITS,
            families: FAMILIES
                .iter()
                .enumerate()
                .map(|(i, f)| (i, f.weight))
                .collect(),
            categories: FAMILIES
                .iter()
                .map(|f| {
                    f.categories
                        .iter()
                        .enumerate()
                        .map(|(i, c)| (i, c.weight))
                        .collect()
                })
                .collect(),
        }
    }

    /// The units of block `block`, in file order.
    pub(crate) fn block(&self, block: u64) -> Vec<Unit> {
        let mut rng = BlockRng::for_block(self.seed, block);
        (0..BLOCK_UNITS)
            .map(|i| self.unit(&mut rng, block * BLOCK_UNITS + i))
            .collect()
    }

    fn unit(&self, rng: &mut BlockRng, g: u64) -> Unit {
        let family = *rng.weighted(&self.families);
        let def: &FamilyDef = &FAMILIES[family];
        let ess_company = def.family == Family::Company && rng.chance(calibration::ESS_COMPANY);
        let category: &Category = if ess_company {
            let code = *rng.pick(calibration::ESS_COMPANY_CATEGORIES);
            def.categories
                .iter()
                .find(|c| c.code == code)
                .expect("ESS company categories are company categories")
        } else {
            &def.categories[*rng.weighted(&self.categories[family])]
        };
        let ess = ess_company || (def.ess > 0.0 && rng.chance(def.ess));
        let ess_field = if ess {
            Some(true)
        } else if rng.chance(calibration::ESS_BLANK) {
            None
        } else {
            Some(false)
        };
        let active = rng.chance(def.active);
        let diffusible = !rng.chance(def.non_diffusible);
        let naf = *rng.weighted(category.naf);
        let created = Date::created(rng, def.first_year, def.recent);
        let horizon = if active {
            LAST_DAY
        } else {
            Date::between(rng, created, LAST_DAY)
        };
        let debut = if active {
            if rng.chance(0.6) {
                created
            } else {
                Date::between(rng, created, LAST_DAY)
            }
        } else {
            horizon
        };
        let extra = {
            let &(lo, hi) = rng.weighted(def.extra);
            rng.range(lo, hi)
        };
        let siren = ids::siren(g, self.siren_offset);
        let siege_commune = self.geography.draw_commune(rng);
        let mut establishments = Vec::with_capacity(1 + extra as usize);
        for rank in 1..=1 + extra {
            establishments.push(self.establishment(
                rng,
                def,
                category,
                Ctx {
                    siren,
                    rank,
                    naf,
                    ess,
                    unit_active: active,
                    created,
                    horizon,
                    siege_commune,
                },
            ));
        }
        // The names use the siège's commune (where the unit is known).
        let commune_label = establishments[0]
            .commune
            .map(|c| self.geography.communes[c as usize].label.as_str())
            .unwrap_or("");
        let (name, person) = if def.family == Family::Individual {
            let (sex, first, second) = names::person(rng);
            let last = names::surname(rng);
            let usage = (sex == "F" && rng.chance(0.15)).then(|| names::surname(rng));
            (
                None,
                Some(Person {
                    sex,
                    first,
                    second,
                    last,
                    usage,
                }),
            )
        } else {
            let name = names::denomination(rng, def.family, category.code, naf, commune_label);
            (Some(name), None)
        };
        let sigle = match (&name, def.family) {
            (Some(n), Family::Association) if rng.chance(0.15) => Some(names::sigle(n)),
            (Some(n), _) if rng.chance(0.03) => Some(names::sigle(n)),
            _ => None,
        }
        .filter(|s| s.len() >= 2);
        let usual_name = (name.is_some() && rng.chance(0.03)).then(|| names::sign(rng, naf));
        let rna = (def.family == Family::Association && rng.chance(calibration::RNA)).then(|| {
            let dep = establishments[0]
                .commune
                .map(|c| &self.geography.communes[c as usize].code[..3])
                .unwrap_or("751");
            format!("W{dep}{:06}", rng.below(1_000_000))
        });
        let mission =
            matches!(category.code / 1000, 5).then(|| rng.chance(if ess { 0.05 } else { 0.0008 }));
        let periods = 1 + u32::from(debut != created) + rng.range(0, 2);
        let processed = processed(rng, debut);
        Unit {
            siren,
            category: category.code,
            ess: ess_field,
            diffusible,
            active,
            created,
            debut,
            naf,
            name,
            usual_name,
            person,
            sigle,
            rna,
            mission,
            periods,
            processed,
            establishments,
        }
    }

    fn establishment(
        &self,
        rng: &mut BlockRng,
        def: &FamilyDef,
        category: &Category,
        u: Ctx,
    ) -> Establishment {
        let siege = u.rank == 1;
        let active = u.unit_active && (siege || rng.chance(def.secondary_active));
        let bracket = if active {
            if rng.chance(def.employer) {
                *rng.weighted(def.brackets)
            } else {
                *rng.weighted(calibration::NON_EMPLOYER_BRACKETS)
            }
        } else {
            *rng.weighted(calibration::CLOSED_BRACKETS)
        };
        let naf = if !siege && rng.chance(def.other_naf) {
            *rng.weighted(category.naf)
        } else {
            u.naf
        };
        let created = if siege {
            u.created
        } else {
            Date::between(rng, u.created, u.horizon)
        };
        let debut = if !active {
            if siege {
                u.horizon
            } else {
                Date::between(rng, created, u.horizon)
            }
        } else if rng.chance(0.6) {
            created
        } else {
            Date::between(rng, created, LAST_DAY)
        };
        let periods = 1 + u32::from(debut != created) + rng.range(0, 1);

        // Where it is.
        let g = self.geography;
        let placement = if u.ess {
            calibration::PLACEMENT_ESS
        } else {
            calibration::PLACEMENT_OTHER
        };
        let (placed, commune, point) = if rng.chance(calibration::ABROAD) {
            (Placed::Abroad, None, None)
        } else {
            let r = rng.unit();
            if r < placement.in_qpv {
                let (c, x, y) = g.in_qpv(rng);
                (Placed::InQpv, Some(c), Some((x, y)))
            } else if r < placement.in_qpv + placement.near_qpv {
                let (c, x, y) = g.near_qpv(rng, calibration::NEAR_QPV_MAX_M);
                (Placed::NearQpv, Some(c), Some((x, y)))
            } else {
                let c = if siege {
                    u.siege_commune
                } else {
                    let r = rng.unit();
                    if r < calibration::SECONDARY_SAME_COMMUNE {
                        u.siege_commune
                    } else if r < calibration::SECONDARY_SAME_COMMUNE
                        + calibration::SECONDARY_SAME_DEPARTEMENT
                    {
                        g.draw_in_departement(rng, u.siege_commune)
                    } else {
                        g.draw_commune(rng)
                    }
                };
                let (x, y) = g.around(rng, c);
                (Placed::Commune, Some(c), Some((x, y)))
            }
        };
        let geocoded = !rng.chance(calibration::NOT_GEOCODED);
        let xy = point
            .filter(|_| geocoded)
            .map(|(x, y)| (round_dm(x), round_dm(y)));
        let country = if placed == Placed::Abroad {
            rng.below(names::COUNTRIES.len() as u64) as usize
        } else {
            0
        };
        let postcode = commune.map_or(0, |c| {
            let n = g.communes[c as usize].postcodes.len().max(1);
            rng.below(n as u64) as usize
        });
        let address = Address {
            number: if rng.chance(0.88) {
                (1.0 + 150.0 * rng.unit().powi(2)) as u16
            } else {
                0
            },
            repetition: match rng.below(100) {
                0..=2 => "B",
                3 => "T",
                _ => "",
            },
            street_type: rng.weighted::<&str>(names::STREET_TYPES),
            street: rng.word(names::STREET_NAMES),
            complement: rng
                .chance(0.06)
                .then(|| rng.word(names::ADDRESS_COMPLEMENTS)),
            special: rng
                .chance(0.01)
                .then(|| format!("BP {}", rng.range(1, 999))),
            ban: (active && rng.chance(0.85)).then(|| rng.range(1, 9999)),
        };
        let enseigne = match def.family {
            Family::Individual | Family::Company => rng.chance(0.18),
            _ => rng.chance(0.04),
        }
        .then(|| names::sign(rng, naf));
        let usual_name = rng.chance(0.03).then(|| names::sign(rng, naf));
        Establishment {
            nic: ids::nic(u.siren, u.rank),
            siege,
            active,
            created,
            debut,
            bracket,
            naf,
            periods,
            processed: processed(rng, debut),
            placed,
            commune,
            country,
            postcode,
            xy,
            address,
            enseigne,
            usual_name,
        }
    }
}

/// What an establishment inherits from its unit.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    siren: u32,
    rank: u32,
    naf: &'static str,
    ess: bool,
    unit_active: bool,
    created: Date,
    /// The last day the unit existed (its cessation, or the stock's date).
    horizon: Date,
    siege_commune: u32,
}

/// Rounded to the decimetre, as SIRENE prints Lambert coordinates (one decimal). The value is
/// the double nearest to k/10, which is what reading the printed text back gives.
pub(crate) fn round_dm(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// `dateDernierTraitement*`: a day after the last change, with a time of day (seconds).
fn processed(rng: &mut BlockRng, after: Date) -> (Date, u32) {
    let from = after.max(Date::ymd(2019, 1, 1));
    (Date::between(rng, from, LAST_DAY), rng.range(0, 86_399))
}

/// Cuts a block after `limit` establishments (the last unit keeps its first ones, siège
/// included), for the last block of a stock of exactly N establishments.
pub(crate) fn truncate(units: &mut Vec<Unit>, limit: u64) {
    let mut left = limit;
    let mut keep = 0;
    for u in units.iter_mut() {
        if left == 0 {
            break;
        }
        let n = u.establishments.len() as u64;
        if n > left {
            u.establishments.truncate(left as usize);
        }
        left -= n.min(left);
        keep += 1;
    }
    units.truncate(keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_keeps_sieges_and_the_exact_count() {
        let layer = essor_refdata::qpv::qpv_2015();
        let geography = Geography::new(&layer);
        let drawer = Drawer::new(1, &geography);
        let mut units = drawer.block(0);
        let total: usize = units.iter().map(|u| u.establishments.len()).sum();
        assert!(total > BLOCK_UNITS as usize);
        truncate(&mut units, 1000);
        assert_eq!(
            units.iter().map(|u| u.establishments.len()).sum::<usize>(),
            1000
        );
        assert!(units.iter().all(|u| u.establishments[0].siege));
        // Same block, same draws.
        let again = drawer.block(0);
        assert_eq!(again[5].siren, units[5].siren);
        assert_eq!(again[5].name, units[5].name);
    }
}
