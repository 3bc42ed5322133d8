//! Which territory a commune belongs to, the projection SIRENE uses for its Lambert
//! coordinates there, and the box those coordinates must fall in.
//!
//! `coordonneeLambertAbscisseEtablissement` / `…OrdonneeEtablissement` are metres in each
//! territory's own projected system (issue 3, point 2). The table below is that rule as data;
//! the boxes are the territory's extent (lon/lat rectangle projected with PROJ, then widened
//! by 5 km for coastal geocoding), so a point outside its commune's box is a wrong
//! coordinate or a wrong EPSG, and the ingest discards it instead of placing an establishment
//! in the sea or on the wrong continent.
//!
//! | territory | départements | EPSG | box (x min, y min, x max, y max), metres |
//! | --- | --- | --- | --- |
//! | metropole (incl. Corse) | 01–95, 2A, 2B | 2154 RGF93 / Lambert-93 | −1 000, 6 017 000, 1 259 000, 7 147 000 |
//! | Guadeloupe | 971 | 5490 RGAF09 / UTM 20N | 618 000, 1 745 000, 725 000, 1 833 000 |
//! | Martinique | 972 | 5490 | 683 000, 1 585 000, 742 000, 1 651 000 |
//! | Saint-Barthélemy | 977 | 5490 | 500 000, 1 969 000, 528 000, 1 992 000 |
//! | Saint-Martin | 978 | 5490 | 478 000, 1 990 000, 509 000, 2 010 000 |
//! | Guyane | 973 | 2972 RGFG95 / UTM 22N | 92 000, 228 000, 437 000, 645 000 |
//! | La Réunion | 974 | 2975 RGR92 / UTM 40S | 309 000, 7 628 000, 385 000, 7 697 000 |
//! | Mayotte | 976 | 4471 RGM04 / UTM 38S | 490 000, 8 556 000, 539 000, 8 609 000 |
//!
//! Saint-Pierre-et-Miquelon (975) and the collectivities of the Pacific (986–988) are not in
//! the issue's table: [`Territory::of_commune`](crate::territory::Territory::of_commune) answers `None` and no check is made.

use crate::ids::CommuneCode;
use serde::{Deserialize, Serialize};

/// A territory with its own projected coordinate system in SIRENE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Territory {
    Metropole,
    Guadeloupe,
    Martinique,
    SaintBarthelemy,
    SaintMartin,
    Guyane,
    Reunion,
    Mayotte,
}

/// (territory, EPSG, [x min, y min, x max, y max] in metres, French name). The module table.
const TABLE: [(Territory, u32, [f64; 4], &str); 8] = [
    (
        Territory::Metropole,
        2154,
        [-1_000.0, 6_017_000.0, 1_259_000.0, 7_147_000.0],
        "France métropolitaine",
    ),
    (
        Territory::Guadeloupe,
        5490,
        [618_000.0, 1_745_000.0, 725_000.0, 1_833_000.0],
        "Guadeloupe",
    ),
    (
        Territory::Martinique,
        5490,
        [683_000.0, 1_585_000.0, 742_000.0, 1_651_000.0],
        "Martinique",
    ),
    (
        Territory::SaintBarthelemy,
        5490,
        [500_000.0, 1_969_000.0, 528_000.0, 1_992_000.0],
        "Saint-Barthélemy",
    ),
    (
        Territory::SaintMartin,
        5490,
        [478_000.0, 1_990_000.0, 509_000.0, 2_010_000.0],
        "Saint-Martin",
    ),
    (
        Territory::Guyane,
        2972,
        [92_000.0, 228_000.0, 437_000.0, 645_000.0],
        "Guyane",
    ),
    (
        Territory::Reunion,
        2975,
        [309_000.0, 7_628_000.0, 385_000.0, 7_697_000.0],
        "La Réunion",
    ),
    (
        Territory::Mayotte,
        4471,
        [490_000.0, 8_556_000.0, 539_000.0, 8_609_000.0],
        "Mayotte",
    ),
];

impl Territory {
    /// The territory of a commune, from its département; `None` for 975 and 984–989.
    pub fn of_commune(commune: &CommuneCode) -> Option<Self> {
        Some(match commune.departement() {
            "971" => Self::Guadeloupe,
            "972" => Self::Martinique,
            "973" => Self::Guyane,
            "974" => Self::Reunion,
            "976" => Self::Mayotte,
            "977" => Self::SaintBarthelemy,
            "978" => Self::SaintMartin,
            d if d.len() == 3 => return None,
            _ => Self::Metropole,
        })
    }

    fn row(self) -> &'static (Territory, u32, [f64; 4], &'static str) {
        &TABLE[self as usize]
    }

    /// The EPSG code of SIRENE's Lambert coordinates in this territory.
    pub fn epsg(self) -> u32 {
        self.row().1
    }

    /// [x min, y min, x max, y max], metres, in [`Territory::epsg`].
    pub fn bounds(self) -> [f64; 4] {
        self.row().2
    }

    /// Whether projected coordinates (metres, in this territory's EPSG) fall in its box.
    pub fn contains(self, x: f64, y: f64) -> bool {
        let [x0, y0, x1, y1] = self.bounds();
        (x0..=x1).contains(&x) && (y0..=y1).contains(&y)
    }

    pub fn name(self) -> &'static str {
        self.row().3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(code: &str) -> Option<Territory> {
        Territory::of_commune(&CommuneCode::parse(code).unwrap())
    }

    #[test]
    fn table_rows_are_in_enum_order() {
        for (i, row) in TABLE.iter().enumerate() {
            assert_eq!(row.0 as usize, i);
        }
    }

    #[test]
    fn each_territory_has_the_epsg_of_issue_3() {
        // Issue 3, point 2: 2154 mainland; 5490 for 971/972/977/978; 2972 for 973; 2975 for
        // 974; 4471 for 976.
        let epsg = |c| of(c).unwrap().epsg();
        assert_eq!(
            (epsg("93066"), epsg("2A004"), epsg("75111")),
            (2154, 2154, 2154)
        );
        assert_eq!(
            (epsg("97120"), epsg("97209"), epsg("97701"), epsg("97801")),
            (5490, 5490, 5490, 5490)
        );
        assert_eq!(
            (epsg("97302"), epsg("97411"), epsg("97611")),
            (2972, 2975, 4471)
        );
        assert_eq!(
            of("97502"),
            None,
            "Saint-Pierre-et-Miquelon is not in the table"
        );
        assert_eq!(of("98735"), None);
    }

    #[test]
    fn known_points_fall_in_their_box_and_not_in_the_others() {
        // Commune inside points (data/contours/communes_centroids_2018.csv) projected with
        // PROJ 9, to the metre: Saint-Denis (93), Pointe-à-Pitre, Cayenne, Saint-Denis (974),
        // Mamoudzou.
        let points = [
            (Territory::Metropole, 653_102.0, 6_870_746.0),
            (Territory::Guadeloupe, 656_645.0, 1_795_951.0),
            (Territory::Guyane, 353_738.0, 544_900.0),
            (Territory::Reunion, 338_756.0, 7_684_991.0),
            (Territory::Mayotte, 520_701.0, 8_586_186.0),
        ];
        for (t, x, y) in points {
            assert!(t.contains(x, y), "{t:?}");
            for other in TABLE.iter().map(|r| r.0).filter(|o| *o != t) {
                assert!(!other.contains(x, y), "{t:?} point also in {other:?}");
            }
        }
        // Lambert-93 coordinates given for an overseas commune are refused.
        assert!(!Territory::Reunion.contains(653_102.0, 6_870_746.0));
    }
}
