//! Turning a profile's place (commune code or lon/lat) into QPV facts, behind a small trait.
//!
//! The geodata engine (`essor-geo`) knows the QPV polygons; this crate must not depend on it,
//! so the matcher asks a [`QpvLocator`]. The CLI and the server implement it with the engine's
//! index (point-in-QPV, distance to the nearest QPV, "does this commune have a QPV").
//! [`CommuneOnly`] is the fallback that needs no geodata: it only reads the département and
//! région from the commune code.
//!
//! Explicit booleans in the profile (`located_in_qpv`…) always win over what a locator says.

use essor_model::{CommuneCode, QpvCode};

/// What a locator knows about a place. Every field is optional: `None` means "cannot say".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocationFacts {
    /// The point lies inside a QPV polygon (boundary counts as inside).
    pub located_in_qpv: Option<bool>,
    /// The point lies in a QPV or within 1 km (metres, geodesic) of one.
    pub near_qpv: Option<bool>,
    /// The commune has at least one QPV of the geography in force.
    pub commune_has_qpv: Option<bool>,
    /// The QPV containing (or nearest to) the point, if any.
    pub qpv: Option<QpvCode>,
    /// Distance to the nearest QPV in metres (0 inside).
    pub distance_m: Option<f64>,
    /// Département code (`93`, `2A`, `976`).
    pub departement: Option<String>,
    /// Région code of the COG (`11`, `53`, `06`).
    pub region: Option<String>,
    /// The only QPV polygons at hand are of the 2015 geography, replaced since 2024: the
    /// facts a point would give (`located_in_qpv`, `near_qpv`) are left unknown, and
    /// `qpv` / `distance_m` describe that old geography only (issue 14). The matcher then says
    /// « à vérifier » with the reason and the official address check.
    pub replaced_geography: bool,
}

/// Answers location questions for the matcher.
pub trait QpvLocator {
    /// Facts for a commune, a WGS84 point (longitude, latitude in degrees), or both.
    fn facts(&self, commune: Option<&CommuneCode>, lonlat: Option<(f64, f64)>) -> LocationFacts;
}

/// A locator without geodata: département and région from the commune code, nothing about QPV.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommuneOnly;

impl QpvLocator for CommuneOnly {
    fn facts(&self, commune: Option<&CommuneCode>, _lonlat: Option<(f64, f64)>) -> LocationFacts {
        let departement = commune.map(|c| c.departement().to_owned());
        let region = departement
            .as_deref()
            .and_then(region_of_departement)
            .map(str::to_owned);
        LocationFacts {
            departement,
            region,
            ..LocationFacts::default()
        }
    }
}

/// The région (COG 2026 code) of a département, or `None` for an unknown code.
///
/// Source: `data/cog/departements_2026.csv` (INSEE COG 2026), column `region`. Overseas
/// collectivités outside any région (975, 977, 978, 984, 986–989) map to their own code, as in
/// that file.
pub fn region_of_departement(dep: &str) -> Option<&'static str> {
    DEP_REGION.iter().find(|(d, _)| *d == dep).map(|(_, r)| *r)
}

/// True for a région code of the COG 2026 (or an overseas collectivité's own code).
pub fn is_region_code(code: &str) -> bool {
    DEP_REGION.iter().any(|(_, r)| *r == code)
}

/// The French name of a région code of the COG 2026 (`84` → `Auvergne-Rhône-Alpes`), for
/// texts shown to users; `None` for a code outside the 18 régions.
pub fn region_name(code: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("01", "Guadeloupe"),
        ("02", "Martinique"),
        ("03", "Guyane"),
        ("04", "La Réunion"),
        ("06", "Mayotte"),
        ("11", "Île-de-France"),
        ("24", "Centre-Val de Loire"),
        ("27", "Bourgogne-Franche-Comté"),
        ("28", "Normandie"),
        ("32", "Hauts-de-France"),
        ("44", "Grand Est"),
        ("52", "Pays de la Loire"),
        ("53", "Bretagne"),
        ("75", "Nouvelle-Aquitaine"),
        ("76", "Occitanie"),
        ("84", "Auvergne-Rhône-Alpes"),
        ("93", "Provence-Alpes-Côte d'Azur"),
        ("94", "Corse"),
    ];
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

const DEP_REGION: &[(&str, &str)] = &[
    ("01", "84"),
    ("02", "32"),
    ("03", "84"),
    ("04", "93"),
    ("05", "93"),
    ("06", "93"),
    ("07", "84"),
    ("08", "44"),
    ("09", "76"),
    ("10", "44"),
    ("11", "76"),
    ("12", "76"),
    ("13", "93"),
    ("14", "28"),
    ("15", "84"),
    ("16", "75"),
    ("17", "75"),
    ("18", "24"),
    ("19", "75"),
    ("21", "27"),
    ("22", "53"),
    ("23", "75"),
    ("24", "75"),
    ("25", "27"),
    ("26", "84"),
    ("27", "28"),
    ("28", "24"),
    ("29", "53"),
    ("2A", "94"),
    ("2B", "94"),
    ("30", "76"),
    ("31", "76"),
    ("32", "76"),
    ("33", "75"),
    ("34", "76"),
    ("35", "53"),
    ("36", "24"),
    ("37", "24"),
    ("38", "84"),
    ("39", "27"),
    ("40", "75"),
    ("41", "24"),
    ("42", "84"),
    ("43", "84"),
    ("44", "52"),
    ("45", "24"),
    ("46", "76"),
    ("47", "75"),
    ("48", "76"),
    ("49", "52"),
    ("50", "28"),
    ("51", "44"),
    ("52", "44"),
    ("53", "52"),
    ("54", "44"),
    ("55", "44"),
    ("56", "53"),
    ("57", "44"),
    ("58", "27"),
    ("59", "32"),
    ("60", "32"),
    ("61", "28"),
    ("62", "32"),
    ("63", "84"),
    ("64", "75"),
    ("65", "76"),
    ("66", "76"),
    ("67", "44"),
    ("68", "44"),
    ("69", "84"),
    ("70", "27"),
    ("71", "27"),
    ("72", "52"),
    ("73", "84"),
    ("74", "84"),
    ("75", "11"),
    ("76", "28"),
    ("77", "11"),
    ("78", "11"),
    ("79", "75"),
    ("80", "32"),
    ("81", "76"),
    ("82", "76"),
    ("83", "93"),
    ("84", "93"),
    ("85", "52"),
    ("86", "75"),
    ("87", "75"),
    ("88", "44"),
    ("89", "27"),
    ("90", "27"),
    ("91", "11"),
    ("92", "11"),
    ("93", "11"),
    ("94", "11"),
    ("95", "11"),
    ("971", "01"),
    ("972", "02"),
    ("973", "03"),
    ("974", "04"),
    ("976", "06"),
    ("975", "975"),
    ("977", "977"),
    ("978", "978"),
    ("984", "984"),
    ("986", "986"),
    ("987", "987"),
    ("988", "988"),
    ("989", "989"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commune_codes_give_departement_and_region() {
        let f = CommuneOnly.facts(Some(&CommuneCode::parse("93072").unwrap()), None);
        assert_eq!(f.departement.as_deref(), Some("93"));
        assert_eq!(f.region.as_deref(), Some("11"));
        assert_eq!(f.located_in_qpv, None);
        let mamoudzou = CommuneOnly.facts(Some(&CommuneCode::parse("97611").unwrap()), None);
        assert_eq!(mamoudzou.region.as_deref(), Some("06"));
        assert_eq!(region_of_departement("2A"), Some("94"));
        assert_eq!(region_of_departement("20"), None);
    }
}
