//! The place names of the map (issue 12: at Rennes zoom, red polygons on a blank background).
//! The map style has no text layer (essor serves no glyphs), so the map script writes names as
//! small HTML labels, choosing by zoom and population among these points: the régions and
//! départements at the population-weighted mean of their communes' inside points, and the
//! communes of at least [`COMMUNE_MIN_POPULATION`] inhabitants at their inside point
//! (IGN 2018, populations of the COG 2026). QPV names come from the QPV tiles themselves.

use crate::store::TerritoryLevel;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Communes smaller than this are not labelled (2,250 communes remain).
pub const COMMUNE_MIN_POPULATION: u32 = 5_000;

/// A place name and where to write it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Label {
    /// region, departement ou commune.
    #[schema(value_type = String, example = "commune")]
    pub level: TerritoryLevel,
    #[schema(example = "35238")]
    pub code: String,
    #[schema(example = "Rennes")]
    pub name: String,
    /// Longitude WGS84 (degrés).
    #[schema(example = -1.66972)]
    pub lon: f64,
    /// Latitude WGS84 (degrés).
    #[schema(example = 48.11399)]
    pub lat: f64,
    /// Population municipale (COG 2026).
    #[schema(example = 227_830)]
    pub population: u64,
}

fn build() -> Vec<Label> {
    let cog = essor_refdata::cog::cog();
    let points: HashMap<String, (f64, f64)> = essor_refdata::contours::commune_points_2018()
        .into_iter()
        .map(|p| (p.code, (p.lon, p.lat)))
        .collect();
    // (Σ population × lon, Σ population × lat, Σ population) per région and département.
    let mut sums: HashMap<(TerritoryLevel, &str), (f64, f64, f64)> = HashMap::new();
    let mut labels = Vec::new();
    for c in &cog.communes {
        let (Some(&(lon, lat)), Some(p)) = (points.get(&c.code), c.population) else {
            continue;
        };
        let w = f64::from(p.max(1));
        for key in [
            (TerritoryLevel::Region, c.region.as_str()),
            (TerritoryLevel::Departement, c.departement.as_str()),
        ] {
            let s = sums.entry(key).or_default();
            s.0 += w * lon;
            s.1 += w * lat;
            s.2 += w;
        }
        if p >= COMMUNE_MIN_POPULATION {
            labels.push(Label {
                level: TerritoryLevel::Commune,
                code: c.code.clone(),
                name: c.nom.clone(),
                lon,
                lat,
                population: u64::from(p),
            });
        }
    }
    let mut place = |level, code: &str, name: &str| {
        if let Some(&(x, y, w)) = sums.get(&(level, code)) {
            labels.push(Label {
                level,
                code: code.to_owned(),
                name: name.to_owned(),
                lon: (x / w * 1e5).round() / 1e5,
                lat: (y / w * 1e5).round() / 1e5,
                population: w as u64,
            });
        }
    };
    for r in cog.regions.iter().filter(|r| r.is_region()) {
        place(TerritoryLevel::Region, &r.code, &r.nom);
    }
    for d in &cog.departements {
        place(TerritoryLevel::Departement, &d.code, &d.nom);
    }
    labels
}

/// Every label, built on first use.
pub fn labels() -> &'static [Label] {
    static LABELS: LazyLock<Vec<Label>> = LazyLock::new(build);
    &LABELS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_departements_and_large_communes_have_a_label_where_they_are() {
        let all = labels();
        let find = |level, code: &str| {
            all.iter()
                .find(|l| l.level == level && l.code == code)
                .unwrap_or_else(|| panic!("{code}"))
        };
        // Bretagne's weighted centre lies inland of Saint-Brieuc, around 2.8° W, 48.1° N.
        let bretagne = find(TerritoryLevel::Region, "53");
        assert!((-3.6..-2.0).contains(&bretagne.lon) && (47.7..48.5).contains(&bretagne.lat));
        let rennes = find(TerritoryLevel::Commune, "35238");
        assert_eq!(rennes.name, "Rennes");
        assert!(rennes.population > 200_000);
        assert_eq!(
            all.iter()
                .filter(|l| l.level == TerritoryLevel::Region)
                .count(),
            18
        );
        let communes = all
            .iter()
            .filter(|l| l.level == TerritoryLevel::Commune)
            .count();
        assert!((1_000..4_000).contains(&communes), "{communes}");
    }
}
