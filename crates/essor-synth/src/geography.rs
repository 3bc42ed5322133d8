//! Where establishments are: real communes of the embedded COG 2026 drawn by population
//! (Paris, Lyon and Marseille as their arrondissements, as SIRENE codes them), points around
//! each commune's inside point (IGN 2018, `essor_refdata::contours`) in the territory's own
//! projection, and points inside or near the 2015 QPV.
//!
//! Everything is in metres in the projected system of the commune's territory (Lambert-93 on
//! the mainland and in Corsica, EPSG 5490 for 971/972/977/978, 2972 for 973, 2975 for 974,
//! 4471 for 976, 4467 for 975), the system SIRENE's `coordonneeLambert*` columns use. Points
//! are drawn in discs by rejection from squares, so no trigonometry (whose last bit may vary
//! between platforms) touches the coordinates.
//!
//! Left out: the COM outside SIRENE (Polynésie 987, Nouvelle-Calédonie 988, Wallis-et-Futuna
//! 986, TAAF 984, Clipperton 989) and the 11 mainland communes created after 2018 that have
//! no inside point (0.05 % of the population).

use crate::arrondissements::CITIES;
use crate::rng::{BlockRng, Cumulative};
use essor_geo::{Converter, Crs, QpvLayer, Territory};
use essor_refdata::cog::cog;
use essor_refdata::contours::commune_points_2018;
use std::collections::{HashMap, HashSet};

/// One commune (or arrondissement) establishments can be in.
#[derive(Debug, Clone)]
pub(crate) struct Commune {
    /// SIRENE's `codeCommuneEtablissement`.
    pub code: String,
    /// SIRENE's `libelleCommuneEtablissement`: upper case, no accents.
    pub label: String,
    pub postcodes: Vec<String>,
    pub departement: u16,
    pub epsg: u32,
    /// The inside point, projected.
    pub x: f64,
    pub y: f64,
    /// Radius of the disc establishments are drawn in, metres.
    pub radius: f64,
    /// Its COG commune has a 2015 QPV (for the geolocation file's `HZ` / `CSZ`).
    pub has_qpv: bool,
}

/// A QPV ready for point sampling: its rings in the territory's system and its communes.
#[derive(Debug, Clone)]
struct QpvShape {
    rings: Vec<Vec<[f64; 2]>>,
    bbox: [f64; 4],
    communes: Vec<u32>,
}

/// The tables the generator draws places from; built once per run.
#[derive(Debug)]
pub(crate) struct Geography {
    pub communes: Vec<Commune>,
    national: Cumulative,
    /// Per département: its communes and their weights.
    departements: Vec<(Vec<u32>, Cumulative)>,
    qpvs: Vec<QpvShape>,
    qpv_weights: Cumulative,
}

/// Upper case without accents, as SIRENE writes commune names.
pub(crate) fn sirene_label(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => out.push('A'),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => out.push('E'),
            'î' | 'ï' | 'Î' | 'Ï' => out.push('I'),
            'ô' | 'ö' | 'Ô' | 'Ö' => out.push('O'),
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => out.push('U'),
            'ÿ' | 'Ÿ' => out.push('Y'),
            'ç' | 'Ç' => out.push('C'),
            'œ' | 'Œ' => out.push_str("OE"),
            'æ' | 'Æ' => out.push_str("AE"),
            '’' => out.push('\''),
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

/// Saint-Pierre-et-Miquelon is in SIRENE but not in the 2018 points: (code, lon, lat, km²).
const EXTRA_POINTS: &[(&str, f64, f64, f64)] = &[
    ("97501", -56.3770, 47.0970, 216.0),
    ("97502", -56.1773, 46.7811, 26.0),
];

struct Projector {
    to_xy: HashMap<u32, Converter>,
    to_lonlat: HashMap<u32, Converter>,
}

impl Projector {
    fn new() -> Self {
        let wgs84 = Crs::wgs84();
        let mut to_xy = HashMap::new();
        let mut to_lonlat = HashMap::new();
        for t in Territory::all() {
            let crs = t.crs();
            to_xy.insert(t.epsg(), crs.converter_from(&wgs84));
            to_lonlat.insert(t.epsg(), wgs84.converter_from(&crs));
        }
        Self { to_xy, to_lonlat }
    }

    /// The radius (at most `wanted`) whose disc around (x, y) stays in the territory's boxes.
    fn safe_radius(&self, territory: Territory, x: f64, y: f64, wanted: f64) -> f64 {
        let back = &self.to_lonlat[&territory.epsg()];
        let mut r = wanted;
        while r > 25.0 {
            let inside = [(r, 0.0), (-r, 0.0), (0.0, r), (0.0, -r)]
                .iter()
                .all(|(dx, dy)| {
                    back.convert(x + dx, y + dy)
                        .is_ok_and(|(lon, lat)| Territory::of_lonlat(lon, lat) == Some(territory))
                });
            if inside {
                return r;
            }
            r /= 2.0;
        }
        0.0
    }
}

impl Geography {
    pub(crate) fn new(layer: &QpvLayer) -> Self {
        let cog = cog();
        let projector = Projector::new();
        let mut points: HashMap<String, (f64, f64, f64)> = commune_points_2018()
            .into_iter()
            .map(|p| (p.code, (p.lon, p.lat, p.area_km2)))
            .collect();
        for &(code, lon, lat, area) in EXTRA_POINTS {
            points.insert(code.to_owned(), (lon, lat, area));
        }

        // The COG communes that hold a 2015 QPV, resolved as the observatory resolves them.
        let mut qpv_cog: Vec<Vec<String>> = Vec::with_capacity(layer.len());
        let mut with_qpv: HashSet<String> = HashSet::new();
        for f in &layer.features {
            let dep = f.departement.clone().unwrap_or_default();
            let mut codes: Vec<String> = f.commune_codes.clone();
            codes.extend(
                f.commune_names
                    .iter()
                    .filter_map(|n| cog.commune_by_name(&dep, n).map(|c| c.code.clone())),
            );
            codes.sort_unstable();
            codes.dedup();
            with_qpv.extend(codes.iter().cloned());
            qpv_cog.push(codes);
        }

        let mut departement_codes: Vec<String> = Vec::new();
        let mut departement_of = |dep: &str| -> u16 {
            match departement_codes.iter().position(|d| d == dep) {
                Some(i) => i as u16,
                None => {
                    departement_codes.push(dep.to_owned());
                    (departement_codes.len() - 1) as u16
                }
            }
        };
        let mut communes: Vec<Commune> = Vec::with_capacity(cog.communes.len() + 45);
        let mut weights: Vec<u64> = Vec::with_capacity(cog.communes.len() + 45);
        // COG code → indices of our communes (several for a city with arrondissements).
        let mut by_cog: HashMap<String, Vec<u32>> = HashMap::new();
        for c in &cog.communes {
            let Some(territory) = Territory::of_departement(&c.departement) else {
                continue; // outside SIRENE's territories
            };
            if territory == Territory::Polynesie {
                continue;
            }
            let epsg = territory.epsg();
            let dep = departement_of(&c.departement);
            let has_qpv = with_qpv.contains(&c.code);
            let population = u64::from(c.population.unwrap_or(0));
            let mut place =
                |code: &str, label: String, postcodes: Vec<String>, lon, lat, area: f64, weight| {
                    let (x, y) = projector.to_xy[&epsg]
                        .convert(lon, lat)
                        .expect("commune points project");
                    let wanted = (400.0 * area.max(0.01).sqrt()).clamp(250.0, 4000.0);
                    let radius = projector.safe_radius(territory, x, y, wanted);
                    by_cog
                        .entry(c.code.clone())
                        .or_default()
                        .push(communes.len() as u32);
                    communes.push(Commune {
                        code: code.to_owned(),
                        label,
                        postcodes,
                        departement: dep,
                        epsg,
                        x,
                        y,
                        radius,
                        has_qpv,
                    });
                    weights.push(weight);
                };
            if let Some((_, arrondissements)) = CITIES.iter().find(|(city, _)| *city == c.code) {
                let total: u64 = arrondissements.iter().map(|a| u64::from(a.6)).sum();
                for &(code, label, postcode, lon, lat, area, pop) in arrondissements.iter() {
                    let mut postcodes = vec![postcode.to_owned()];
                    if code == "75116" {
                        postcodes.push("75116".to_owned());
                    }
                    let weight = population * u64::from(pop) / total;
                    place(code, label.to_owned(), postcodes, lon, lat, area, weight);
                }
                continue;
            }
            let Some(&(lon, lat, area)) = points.get(&c.code) else {
                continue; // created after 2018: no inside point (module doc)
            };
            let postcodes = c
                .codes_postaux
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            place(
                &c.code,
                sirene_label(&c.nom),
                postcodes,
                lon,
                lat,
                area,
                population,
            );
        }

        let national = Cumulative::new(weights.iter().copied());
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); departement_codes.len()];
        for (i, c) in communes.iter().enumerate() {
            members[c.departement as usize].push(i as u32);
        }
        let departements = members
            .into_iter()
            .map(|m| {
                let w = Cumulative::new(m.iter().map(|&i| weights[i as usize]));
                (m, w)
            })
            .collect();

        // QPV shapes, weighted by their 2013 population; Polynésie is outside SIRENE.
        let populations = essor_refdata::qpv::qpv_2015_population();
        let mut qpvs = Vec::new();
        let mut qpv_weights = Vec::new();
        for (f, codes) in layer.features.iter().zip(&qpv_cog) {
            if f.territory == Territory::Polynesie {
                continue;
            }
            let cands: Vec<u32> = codes
                .iter()
                .filter_map(|c| by_cog.get(c))
                .flatten()
                .copied()
                .collect();
            let rings: Vec<Vec<[f64; 2]>> = f
                .geometry
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|r| r.0.iter().map(|c| [c.x, c.y]).collect::<Vec<_>>())
                .filter(|r: &Vec<[f64; 2]>| r.len() >= 4)
                .collect();
            if cands.is_empty() || rings.is_empty() {
                continue;
            }
            let mut bbox = [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ];
            for p in rings.iter().flatten() {
                bbox = [
                    bbox[0].min(p[0]),
                    bbox[1].min(p[1]),
                    bbox[2].max(p[0]),
                    bbox[3].max(p[1]),
                ];
            }
            qpv_weights.push(u64::from(
                populations
                    .get(f.code.as_str())
                    .map_or(1000, |p| p.population),
            ));
            qpvs.push(QpvShape {
                rings,
                bbox,
                communes: cands,
            });
        }
        Self {
            communes,
            national,
            departements,
            qpvs,
            qpv_weights: Cumulative::new(qpv_weights),
        }
    }

    /// A commune drawn by population.
    pub(crate) fn draw_commune(&self, rng: &mut BlockRng) -> u32 {
        self.national.draw(rng) as u32
    }

    /// A commune of the same département as `commune`, drawn by population.
    pub(crate) fn draw_in_departement(&self, rng: &mut BlockRng, commune: u32) -> u32 {
        let (members, weights) =
            &self.departements[self.communes[commune as usize].departement as usize];
        if weights.is_empty() {
            return commune;
        }
        members[weights.draw(rng)]
    }

    /// A point around the commune's inside point, uniform in its disc.
    pub(crate) fn around(&self, rng: &mut BlockRng, commune: u32) -> (f64, f64) {
        let c = &self.communes[commune as usize];
        let (dx, dy) = in_unit_disc(rng);
        (c.x + dx * c.radius, c.y + dy * c.radius)
    }

    /// A point inside a QPV drawn by population, and the commune it is in (the QPV's commune
    /// whose inside point is nearest).
    pub(crate) fn in_qpv(&self, rng: &mut BlockRng) -> (u32, f64, f64) {
        let q = &self.qpvs[self.qpv_weights.draw(rng)];
        let [x0, y0, x1, y1] = q.bbox;
        for _ in 0..200 {
            let x = x0 + rng.unit() * (x1 - x0);
            let y = y0 + rng.unit() * (y1 - y0);
            if even_odd(&q.rings, x, y) {
                return (self.nearest(&q.communes, x, y), x, y);
            }
        }
        let [x, y] = q.rings[0][0];
        (self.nearest(&q.communes, x, y), x, y)
    }

    /// A point within `max_m` metres of a QPV's outline (a vertex, moved by up to `max_m`).
    pub(crate) fn near_qpv(&self, rng: &mut BlockRng, max_m: f64) -> (u32, f64, f64) {
        let q = &self.qpvs[self.qpv_weights.draw(rng)];
        let ring = rng.pick(&q.rings);
        let [vx, vy] = *rng.pick(ring);
        let (dx, dy) = in_unit_disc(rng);
        let (x, y) = (vx + dx * max_m, vy + dy * max_m);
        (self.nearest(&q.communes, x, y), x, y)
    }

    fn nearest(&self, candidates: &[u32], x: f64, y: f64) -> u32 {
        *candidates
            .iter()
            .min_by(|&&a, &&b| {
                let d = |i: u32| {
                    let c = &self.communes[i as usize];
                    (c.x - x).powi(2) + (c.y - y).powi(2)
                };
                d(a).total_cmp(&d(b))
            })
            .expect("QPV without a commune are left out")
    }
}

/// A point uniform in the unit disc, by rejection from the square (no trigonometry).
fn in_unit_disc(rng: &mut BlockRng) -> (f64, f64) {
    loop {
        let x = rng.unit() * 2.0 - 1.0;
        let y = rng.unit() * 2.0 - 1.0;
        if x * x + y * y <= 1.0 {
            return (x, y);
        }
    }
}

/// Point in rings by the even-odd rule, as `essor_geo::QpvIndex` decides containment.
fn even_odd(rings: &[Vec<[f64; 2]>], x: f64, y: f64) -> bool {
    let mut inside = false;
    for ring in rings {
        for w in ring.windows(2) {
            let ([xa, ya], [xb, yb]) = (w[0], w[1]);
            if (ya > y) != (yb > y) && x < xa + (y - ya) / (yb - ya) * (xb - xa) {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_sirene_upper_case() {
        assert_eq!(
            sirene_label("L'Abergement-Clémenciat"),
            "L'ABERGEMENT-CLEMENCIAT"
        );
        assert_eq!(
            sirene_label("Saint-Étienne-du-Rouvray"),
            "SAINT-ETIENNE-DU-ROUVRAY"
        );
        assert_eq!(sirene_label("Cœuvres-et-Valsery"), "COEUVRES-ET-VALSERY");
    }

    #[test]
    fn even_odd_leaves_holes_out() {
        let square = |x0: f64, s: f64| {
            vec![
                [x0, x0],
                [x0 + s, x0],
                [x0 + s, x0 + s],
                [x0, x0 + s],
                [x0, x0],
            ]
        };
        let rings = vec![square(0.0, 100.0), square(25.0, 50.0)];
        assert!(even_odd(&rings, 10.0, 10.0));
        assert!(!even_odd(&rings, 50.0, 50.0));
        assert!(!even_odd(&rings, 150.0, 50.0));
    }
}
