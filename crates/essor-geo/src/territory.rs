//! The territories essor locates points in, as commented data: each one's départements, the
//! projected system distances are measured in, and boxes (WGS84 lon/lat) that a point must
//! fall in. The box check runs on every point (ingest and `locate`): a point outside every
//! box is an error, not a silent miss.
//!
//! Territories that share a projected system form one search zone: the nearest QPV of a point
//! in Saint-Barthélemy is searched among the QPV of Saint-Martin and the Antilles, all in
//! UTM 20N; it is never searched across zones.

use crate::Crs;

/// A territory with its own projection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Territory {
    Metropole,
    Guadeloupe,
    Martinique,
    Guyane,
    Reunion,
    SaintPierreEtMiquelon,
    Mayotte,
    SaintBarthelemy,
    SaintMartin,
    Polynesie,
}

/// (lon_min, lat_min, lon_max, lat_max), generous by a few kilometres around the coasts.
type LonLatBox = (f64, f64, f64, f64);

struct TerritoryDef {
    territory: Territory,
    name: &'static str,
    /// INSEE département (or collectivité) codes; the metropolitan list is implicit.
    departements: &'static [&'static str],
    /// The projected system distances are computed in (EPSG).
    epsg: u32,
    boxes: &'static [LonLatBox],
}

const TERRITORIES: &[TerritoryDef] = &[
    // Mainland and Corsica: Lambert-93, as SIRENE's coordonneeLambert* columns.
    TerritoryDef {
        territory: Territory::Metropole,
        name: "France métropolitaine",
        departements: &[],
        epsg: 2154,
        boxes: &[(-5.5, 42.25, 8.3, 51.2), (8.5, 41.3, 9.6, 43.1)],
    },
    // SIRENE: EPSG 5490 for 971, 972, 977, 978 (RGAF09 / UTM 20N).
    TerritoryDef {
        territory: Territory::Guadeloupe,
        name: "Guadeloupe",
        departements: &["971"],
        epsg: 5490,
        boxes: &[(-61.9, 15.8, -60.95, 16.55)],
    },
    TerritoryDef {
        territory: Territory::Martinique,
        name: "Martinique",
        departements: &["972"],
        epsg: 5490,
        boxes: &[(-61.25, 14.35, -60.75, 14.9)],
    },
    // SIRENE: EPSG 2972 (RGFG95 / UTM 22N).
    TerritoryDef {
        territory: Territory::Guyane,
        name: "Guyane",
        departements: &["973"],
        epsg: 2972,
        boxes: &[(-54.65, 2.1, -51.5, 5.85)],
    },
    // SIRENE: EPSG 2975 (RGR92 / UTM 40S).
    TerritoryDef {
        territory: Territory::Reunion,
        name: "La Réunion",
        departements: &["974"],
        epsg: 2975,
        boxes: &[(55.2, -21.42, 55.87, -20.85)],
    },
    TerritoryDef {
        territory: Territory::SaintPierreEtMiquelon,
        name: "Saint-Pierre-et-Miquelon",
        departements: &["975"],
        epsg: 4467,
        boxes: &[(-56.45, 46.7, -56.1, 47.15)],
    },
    // SIRENE: EPSG 4471 (RGM04 / UTM 38S).
    TerritoryDef {
        territory: Territory::Mayotte,
        name: "Mayotte",
        departements: &["976"],
        epsg: 4471,
        boxes: &[(44.95, -13.05, 45.35, -12.6)],
    },
    TerritoryDef {
        territory: Territory::SaintBarthelemy,
        name: "Saint-Barthélemy",
        departements: &["977"],
        epsg: 5490,
        boxes: &[(-62.96, 17.86, -62.77, 17.98)],
    },
    TerritoryDef {
        territory: Territory::SaintMartin,
        name: "Saint-Martin",
        departements: &["978"],
        epsg: 5490,
        boxes: &[(-63.16, 18.0, -62.96, 18.13)],
    },
    // Polynesia: not in SIRENE, but the 2015 QPV layer has 76 QPV there.
    TerritoryDef {
        territory: Territory::Polynesie,
        name: "Polynésie française",
        departements: &["987"],
        epsg: 3297,
        boxes: &[(-155.0, -28.0, -134.0, -7.0)],
    },
];

impl Territory {
    /// Every territory, in table order.
    pub fn all() -> impl Iterator<Item = Territory> {
        TERRITORIES.iter().map(|d| d.territory)
    }

    fn def(self) -> &'static TerritoryDef {
        TERRITORIES
            .iter()
            .find(|d| d.territory == self)
            .expect("every territory is in the table")
    }

    /// French name, for messages and reports.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// EPSG code of the projected system distances are measured in.
    pub fn epsg(self) -> u32 {
        self.def().epsg
    }

    /// The projected system distances are measured in.
    pub fn crs(self) -> Crs {
        Crs::from_epsg(self.epsg()).expect("territory systems are in the CRS table")
    }

    /// The territory whose box holds this WGS84 point, if any.
    pub fn of_lonlat(lon: f64, lat: f64) -> Option<Territory> {
        TERRITORIES
            .iter()
            .find(|d| {
                d.boxes
                    .iter()
                    .any(|&(x0, y0, x1, y1)| lon >= x0 && lon <= x1 && lat >= y0 && lat <= y1)
            })
            .map(|d| d.territory)
    }

    /// The territory of an INSEE département or overseas collectivité code (`93`, `2A`, `974`).
    pub fn of_departement(dep: &str) -> Option<Territory> {
        if let Some(d) = TERRITORIES.iter().find(|d| d.departements.contains(&dep)) {
            return Some(d.territory);
        }
        let metropolitan = matches!(dep, "2A" | "2B")
            || (dep.len() == 2
                && dep
                    .parse::<u8>()
                    .is_ok_and(|n| (1..=95).contains(&n) && n != 20));
        metropolitan.then_some(Territory::Metropole)
    }

    /// The boxes, for error messages and tests.
    pub fn boxes(self) -> &'static [(f64, f64, f64, f64)] {
        self.def().boxes
    }
}

impl std::fmt::Display for Territory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_places_fall_in_their_territory() {
        let cases = [
            ((2.3488, 48.8534), Territory::Metropole),         // Paris
            ((9.4500, 42.7000), Territory::Metropole),         // Bastia
            ((-4.4861, 48.3904), Territory::Metropole),        // Brest
            ((7.7521, 48.5734), Territory::Metropole),         // Strasbourg
            ((-61.5331, 16.2411), Territory::Guadeloupe),      // Pointe-à-Pitre
            ((-61.0588, 14.6161), Territory::Martinique),      // Fort-de-France
            ((-52.3260, 4.9372), Territory::Guyane),           // Cayenne
            ((55.4481, -20.8821), Territory::Reunion),         // Saint-Denis
            ((45.2279, -12.7806), Territory::Mayotte),         // Mamoudzou
            ((-63.0822, 18.0678), Territory::SaintMartin),     // Marigot
            ((-62.8497, 17.8962), Territory::SaintBarthelemy), // Gustavia
            ((-56.1773, 46.7811), Territory::SaintPierreEtMiquelon),
            ((-149.5585, -17.5516), Territory::Polynesie), // Papeete
        ];
        for ((lon, lat), expected) in cases {
            assert_eq!(
                Territory::of_lonlat(lon, lat),
                Some(expected),
                "{lon} {lat}"
            );
        }
        assert_eq!(Territory::of_lonlat(0.0, 0.0), None);
        assert_eq!(Territory::of_lonlat(13.4, 52.5), None); // Berlin
    }

    #[test]
    fn departements_map_to_the_projection_sirene_uses() {
        assert_eq!(Territory::of_departement("93").unwrap().epsg(), 2154);
        assert_eq!(Territory::of_departement("2A").unwrap().epsg(), 2154);
        for dep in ["971", "972", "977", "978"] {
            assert_eq!(
                Territory::of_departement(dep).unwrap().epsg(),
                5490,
                "{dep}"
            );
        }
        assert_eq!(Territory::of_departement("973").unwrap().epsg(), 2972);
        assert_eq!(Territory::of_departement("974").unwrap().epsg(), 2975);
        assert_eq!(Territory::of_departement("976").unwrap().epsg(), 4471);
        assert_eq!(Territory::of_departement("20"), None);
        assert_eq!(Territory::of_departement("988"), None);
    }
}
