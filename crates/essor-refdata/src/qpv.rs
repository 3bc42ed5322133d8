use essor_geo::load::build_layer;
use essor_geo::load::shp::{ShapefileBytes, read_bytes};
use essor_geo::{LoadOptions, QpvLayer};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

const SHP: &[u8] = include_bytes!("../../../data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.shp");
const DBF: &[u8] = include_bytes!("../../../data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.dbf");
const PRJ: &[u8] = include_bytes!("../../../data/qpv_2015/QP_METROPOLEOUTREMER_WGS84_EPSG4326.prj");
const POPULATION: &[u8] = include_bytes!("../../../data/qpv_2015/pop_qp_2013.csv");
const CODES_2024: &[u8] = include_bytes!("../../../data/qpv_2024/qpv_2024_codes.csv");

/// How the embedded layer is named in messages and reports.
pub const QPV_2015_SOURCE: &str = "QPV 2015 embarqués (ANCT, QP_METROPOLEOUTREMER_WGS84_EPSG4326)";

/// The 1,514 QPV of the 2015 geography, mainland and overseas, read from the official
/// national WGS84 shapefile (CP1252 DBF) and projected into each territory's system.
pub fn qpv_2015() -> QpvLayer {
    let bytes = ShapefileBytes {
        shp: SHP,
        dbf: DBF,
        prj: Some(PRJ),
        cpg: None,
    };
    let raw = read_bytes(Path::new(QPV_2015_SOURCE), bytes, &LoadOptions::default())
        .expect("embedded QPV shapefile reads");
    let mut layer = build_layer(raw, &LoadOptions::default()).expect("embedded QPV layer is valid");
    layer.source = QPV_2015_SOURCE.to_owned();
    layer
}

/// INSEE's municipal population 2013 of a 2015 QPV, with the EPCI and communes it lists.
#[derive(Debug, Clone, Deserialize)]
pub struct QpvPopulation {
    #[serde(rename = "qp")]
    pub code: String,
    pub nom_qp: String,
    #[serde(rename = "reg")]
    pub region: String,
    pub epci1: String,
    pub epci2: String,
    pub liste_des_communes: String,
    #[serde(rename = "population_municipale_2013")]
    pub population: u32,
}

static POPULATIONS: LazyLock<HashMap<String, QpvPopulation>> = LazyLock::new(|| {
    crate::parse_csv::<QpvPopulation>("pop_qp_2013.csv", POPULATION, b';')
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect()
});

/// Population 2013 of the 2015 QPV, by code.
pub fn qpv_2015_population() -> &'static HashMap<String, QpvPopulation> {
    &POPULATIONS
}

/// A QPV of the 2024 geography as the embedded list gives it: code, name, communes. No
/// polygon (none could be had offline; `data/README.md`).
#[derive(Debug, Clone, Deserialize)]
pub struct Qpv2024 {
    #[serde(rename = "code_qp")]
    pub code: String,
    #[serde(rename = "lib_qp")]
    pub name: String,
    /// INSEE codes of its communes, `;`-separated (Paris, Lyon, Marseille as the whole city).
    #[serde(rename = "insee_com")]
    pub communes: String,
}

static CODES: LazyLock<Vec<Qpv2024>> =
    LazyLock::new(|| crate::parse_csv::<Qpv2024>("qpv_2024_codes.csv", CODES_2024, b','));

/// The 1,493 QPV of the 2024 geography (codes `QN…`), sorted by code.
pub fn qpv_2024_codes() -> &'static [Qpv2024] {
    &CODES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_2024_list_has_its_1493_codes_sorted_with_names_and_communes() {
        // Issue 14, point 3.
        let list = qpv_2024_codes();
        assert_eq!(list.len(), 1493);
        assert!(list.windows(2).all(|w| w[0].code < w[1].code));
        assert!(list.iter().all(|q| {
            essor_model::QpvGeography::of_code(&q.code) == Some(essor_model::QpvGeography::Qpv2024)
                && !q.name.is_empty()
                && !q.communes.is_empty()
        }));
        let first = &list[0];
        assert_eq!(
            (
                first.code.as_str(),
                first.name.as_str(),
                first.communes.as_str()
            ),
            ("QN00101M", "Grande Reyssouze Terre Des Fleurs", "01053")
        );
    }

    #[test]
    fn the_embedded_layer_has_every_2015_qpv_with_accented_names() {
        let layer = qpv_2015();
        assert_eq!(layer.len(), 1514);
        let franc_moisin = layer.get(layer.find("QP093028").unwrap());
        assert_eq!(
            franc_moisin.name,
            "Franc Moisin - Cosmonautes - Cristino Garcia - Landy"
        );
        assert_eq!(
            franc_moisin.commune_names,
            ["Aubervilliers", "La Courneuve", "Saint-Denis"]
        );
        // CP1252 DBF: names with accents and typographic apostrophes decode.
        let name = |code: &str| layer.get(layer.find(code).unwrap()).name.clone();
        assert_eq!(name("QP033017"), "Génicart Est");
        assert!(layer.features.iter().any(|f| f.name == "Sœurs Janin"));
        assert!(layer.features.iter().any(|f| f.name == "Bois D’Olives"));
        assert!(
            !layer
                .features
                .iter()
                .any(|f| f.name.contains('\u{FFFD}') || f.name.contains('\u{0092}'))
        );
    }

    #[test]
    fn populations_cover_the_layer_and_sum_as_published() {
        let pops = qpv_2015_population();
        assert_eq!(pops.len(), 1514);
        assert_eq!(
            pops.values().map(|p| u64::from(p.population)).sum::<u64>(),
            5_435_060
        );
        let layer = qpv_2015();
        assert!(
            layer
                .features
                .iter()
                .all(|f| pops.contains_key(f.code.as_str()))
        );
    }
}
