//! Points and outlines for maps and coarse lookups (IGN Admin Express COG 2018, simplified).
//! Outlines are stored gzip-compressed and inflated on demand.

use serde::Deserialize;
use std::io::Read;

const COMMUNE_POINTS: &[u8] = include_bytes!("../../../data/contours/communes_centroids_2018.csv");
const COMMUNES_GZ: &[u8] =
    include_bytes!("../../../data/contours/communes_2018_simplified.geojson.gz");
const DEPARTEMENTS_GZ: &[u8] =
    include_bytes!("../../../data/contours/departements_2018.geojson.gz");
const REGIONS_GZ: &[u8] = include_bytes!("../../../data/contours/regions_2018.geojson.gz");

/// A point strictly inside a commune of the 2018 geography (pole of inaccessibility), WGS84.
#[derive(Debug, Clone, Deserialize)]
pub struct CommunePoint {
    #[serde(rename = "code_insee")]
    pub code: String,
    pub nom: String,
    pub departement: String,
    pub lon: f64,
    pub lat: f64,
    pub area_km2: f64,
}

/// The 35,357 commune inside points of 2018 (mainland, Corsica, five DROM).
pub fn commune_points_2018() -> Vec<CommunePoint> {
    crate::parse_csv("communes_centroids_2018.csv", COMMUNE_POINTS, b',')
}

fn inflate(name: &str, gz: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut out)
        .unwrap_or_else(|e| panic!("embedded {name}: {e}"));
    out
}

/// Simplified commune outlines 2018, GeoJSON (one feature per line; `code`, `nom`).
pub fn communes_2018_geojson() -> String {
    inflate("communes_2018_simplified.geojson.gz", COMMUNES_GZ)
}

/// Département outlines 2018 including overseas, GeoJSON (`code`, `nom`).
pub fn departements_2018_geojson() -> String {
    inflate("departements_2018.geojson.gz", DEPARTEMENTS_GZ)
}

/// Région outlines 2018 including overseas, GeoJSON (`code`, `nom`).
pub fn regions_2018_geojson() -> String {
    inflate("regions_2018.geojson.gz", REGIONS_GZ)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_and_outlines_are_complete() {
        let points = commune_points_2018();
        assert_eq!(points.len(), 35_357);
        assert_eq!(
            points
                .iter()
                .filter(|p| p.departement.starts_with("97"))
                .count(),
            129
        );
        assert!(communes_2018_geojson().contains("\"code\":\"93066\""));
        assert!(departements_2018_geojson().contains("\"code\":\"93\""));
        assert!(regions_2018_geojson().contains("La R\\u00e9union"));
    }
}
