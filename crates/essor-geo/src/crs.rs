//! Coordinate reference systems essor understands, as commented data, and the conversions
//! between them and WGS84 longitude/latitude (degrees).
//!
//! Every official QPV layer and every SIRENE coordinate is in one of the systems of
//! [`KNOWN_CRS`]. The French geodetic systems listed (RGF93, RGAF09, RRAF91, RGFG95, RGR92,
//! RGM04, RGSPM06) are realisations of ITRS that PROJ treats as identical to WGS84 (null datum
//! shift), so a conversion is a projection and nothing else; RGPF (Polynesia) is the exception:
//! PROJ applies the 7-parameter Helmert "RGPF to WGS 84 (1)" (EPSG:15759), about 0.7 m, and so
//! does essor; essor uses proj4rs,
//! a pure-Rust transcription of PROJ's formulas (Lambert conformal conic, Poder/Engsager
//! transverse Mercator). `tests/fixtures/projections/` proves the results match PROJ.

use proj4rs::proj::Proj;
use std::fmt;

/// One supported system: EPSG code, name, and the PROJ string that defines it (the one
/// `pyproj.CRS.from_epsg(code).to_proj4()` gives, with the null datum shift made explicit).
#[derive(Debug, Clone, Copy)]
pub struct KnownCrs {
    pub epsg: u32,
    pub name: &'static str,
    pub proj: &'static str,
}

/// EPSG:15759 "RGPF to WGS 84 (1)", position-vector convention (PROJ's choice for RGPF).
macro_rules! rgpf_towgs84 {
    () => {
        "+towgs84=0.072,-0.507,-0.245,0.0183,-0.0003,0.007,-0.0093"
    };
}

macro_rules! known {
    ($epsg:expr, $name:expr, $proj:expr) => {
        KnownCrs {
            epsg: $epsg,
            name: $name,
            proj: $proj,
        }
    };
}

/// The table. Metropolitan France uses Lambert-93; each overseas territory has its own UTM
/// zone (see [`crate::Territory`] for which territory uses which).
pub const KNOWN_CRS: &[KnownCrs] = &[
    // Geographic systems (degrees).
    known!(4326, "WGS 84", "+proj=longlat +datum=WGS84 +no_defs"),
    known!(
        4171,
        "RGF93 v1 (géographique)",
        "+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs"
    ),
    known!(
        4470,
        "RGM04 (géographique, Mayotte)",
        "+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs"
    ),
    known!(
        4687,
        "RGPF (géographique, Polynésie)",
        concat!("+proj=longlat +ellps=GRS80 ", rgpf_towgs84!(), " +no_defs")
    ),
    // Metropolitan France and Corsica: the system of SIRENE's coordonneeLambert* columns.
    known!(
        2154,
        "RGF93 v1 / Lambert-93",
        concat!(
            "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    // Antilles (Guadeloupe, Martinique), Saint-Martin, Saint-Barthélemy: UTM 20N.
    known!(
        5490,
        "RGAF09 / UTM zone 20N",
        concat!(
            "+proj=utm +zone=20 ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    known!(
        4559,
        "RRAF 1991 / UTM zone 20N",
        concat!(
            "+proj=utm +zone=20 ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    known!(
        32620,
        "WGS 84 / UTM zone 20N",
        "+proj=utm +zone=20 +datum=WGS84 +units=m +no_defs"
    ),
    // Guyane: UTM 22N.
    known!(
        2972,
        "RGFG95 / UTM zone 22N",
        concat!(
            "+proj=utm +zone=22 ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    known!(
        32622,
        "WGS 84 / UTM zone 22N",
        "+proj=utm +zone=22 +datum=WGS84 +units=m +no_defs"
    ),
    // La Réunion: UTM 40S.
    known!(
        2975,
        "RGR92 / UTM zone 40S",
        concat!(
            "+proj=utm +zone=40 +south ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    known!(
        32740,
        "WGS 84 / UTM zone 40S",
        "+proj=utm +zone=40 +south +datum=WGS84 +units=m +no_defs"
    ),
    // Mayotte: UTM 38S.
    known!(
        4471,
        "RGM04 / UTM zone 38S",
        concat!(
            "+proj=utm +zone=38 +south ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    known!(
        32738,
        "WGS 84 / UTM zone 38S",
        "+proj=utm +zone=38 +south +datum=WGS84 +units=m +no_defs"
    ),
    // Saint-Pierre-et-Miquelon: UTM 21N (no QPV, but SIRENE has establishments there).
    known!(
        4467,
        "RGSPM06 / UTM zone 21N",
        concat!(
            "+proj=utm +zone=21 ",
            "+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs"
        )
    ),
    // Polynésie française: UTM 6S (Tahiti, Moorea; the QPV layer's islands are within 5° of
    // its central meridian, where the scale error stays under 0.4 %).
    known!(
        3297,
        "RGPF / UTM zone 6S",
        concat!(
            "+proj=utm +zone=6 +south +ellps=GRS80 ",
            rgpf_towgs84!(),
            " +units=m +no_defs"
        )
    ),
    // Web maps.
    known!(
        3857,
        "WGS 84 / Pseudo-Mercator",
        "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs"
    ),
];

/// Why a coordinate system cannot be used. French: these reach users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CrsError {
    #[error("système de coordonnées inconnu : EPSG:{epsg} (pris en charge : {supported})")]
    UnknownEpsg { epsg: u32, supported: String },
    #[error("« {value} » n'est pas un code EPSG (attendu : un nombre, ex. 2154 ou EPSG:2154)")]
    NotAnEpsgCode { value: String },
    #[error("définition de projection (.prj) illisible : {reason}")]
    UnreadableWkt { reason: String },
    #[error("projection impossible du point ({x}, {y}) : {reason}")]
    Projection { x: f64, y: f64, reason: String },
}

/// A coordinate reference system ready to convert to and from WGS84 lon/lat.
#[derive(Clone)]
pub struct Crs {
    epsg: Option<u32>,
    name: String,
    proj: Proj,
}

impl fmt::Debug for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Crs")
            .field("epsg", &self.epsg)
            .field("name", &self.name)
            .finish()
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.epsg {
            Some(code) => write!(f, "EPSG:{code} ({})", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl PartialEq for Crs {
    fn eq(&self, other: &Self) -> bool {
        match (self.epsg, other.epsg) {
            (Some(a), Some(b)) => a == b,
            _ => self.name == other.name,
        }
    }
}

/// WGS84's definition, parsed once: [`Crs::to_lonlat`] runs for millions of points in an
/// ingest, and parsing the definition each time cost more than the projection itself.
fn wgs84_proj() -> &'static Proj {
    static WGS84: std::sync::LazyLock<Proj> = std::sync::LazyLock::new(|| {
        Proj::from_proj_string(KNOWN_CRS[0].proj).expect("the WGS84 definition is valid")
    });
    &WGS84
}

impl Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326), the system of GeoJSON (RFC 7946).
    pub fn wgs84() -> Self {
        Self::from_epsg(4326).expect("4326 is in the table")
    }

    /// A system of [`KNOWN_CRS`] by EPSG code.
    pub fn from_epsg(epsg: u32) -> Result<Self, CrsError> {
        let known =
            KNOWN_CRS
                .iter()
                .find(|k| k.epsg == epsg)
                .ok_or_else(|| CrsError::UnknownEpsg {
                    epsg,
                    supported: KNOWN_CRS
                        .iter()
                        .map(|k| k.epsg.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        let proj = Proj::from_proj_string(known.proj).expect("table definitions are valid");
        Ok(Self {
            epsg: Some(epsg),
            name: known.name.to_owned(),
            proj,
        })
    }

    /// Parses `2154`, `EPSG:2154`, `epsg:2154` or an OGC URN ending in the code.
    pub fn parse(value: &str) -> Result<Self, CrsError> {
        let v = value.trim();
        let digits = v.rsplit(':').next().unwrap_or(v);
        let epsg: u32 = digits.parse().map_err(|_| CrsError::NotAnEpsgCode {
            value: v.to_owned(),
        })?;
        Self::from_epsg(epsg)
    }

    /// From the WKT of a shapefile's `.prj` (ESRI or OGC flavour). When the parameters match
    /// a system of the table, that system is returned (with its EPSG code); otherwise the WKT
    /// is used as it stands, through proj4wkt.
    pub fn from_wkt(wkt: &str) -> Result<Self, CrsError> {
        let projstring = proj4wkt::wkt_to_projstring(wkt).map_err(|e| CrsError::UnreadableWkt {
            reason: e.to_string(),
        })?;
        let proj = Proj::from_proj_string(&projstring).map_err(|e| CrsError::UnreadableWkt {
            reason: format!("{e} ({projstring})"),
        })?;
        let name = wkt_name(wkt).unwrap_or_else(|| projstring.clone());
        let mut crs = Self {
            epsg: None,
            name,
            proj,
        };
        crs.epsg = crs.matching_epsg();
        Ok(crs)
    }

    pub fn epsg(&self) -> Option<u32> {
        self.epsg
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True for longitude/latitude systems (coordinates in degrees).
    pub fn is_geographic(&self) -> bool {
        self.proj.is_latlong()
    }

    /// Converts a point of this system to WGS84 (lon, lat) in degrees.
    pub fn to_lonlat(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if self.epsg == Some(4326) {
            return Ok((x, y));
        }
        let mut p = if self.is_geographic() {
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        proj4rs::transform::transform(&self.proj, wgs84_proj(), &mut p).map_err(|e| {
            CrsError::Projection {
                x,
                y,
                reason: e.to_string(),
            }
        })?;
        finite(x, y, (p.0.to_degrees(), p.1.to_degrees()))
    }

    /// Converts WGS84 (lon, lat) in degrees to this system.
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
        self.converter_from(&Crs::wgs84()).convert(lon, lat)
    }

    /// A reusable converter from `source` to this system (the fast path for batches).
    pub fn converter_from(&self, source: &Crs) -> Converter {
        Converter {
            identity: source == self,
            src: source.proj.clone(),
            dst: self.proj.clone(),
            src_geographic: source.is_geographic(),
            dst_geographic: self.is_geographic(),
        }
    }

    /// The EPSG code of the table entry this system is numerically identical to.
    fn matching_epsg(&self) -> Option<u32> {
        // Compare the images of three probe points spread over the system's plausible domain;
        // a match to 1 mm means the same projection and ellipsoid.
        let probes = [
            (2.0, 46.0),
            (-61.0, 16.0),
            (55.5, -21.0),
            (45.1, -12.8),
            (-52.3, 4.9),
            (-149.5, -17.6),
        ];
        let wgs = Crs::wgs84();
        KNOWN_CRS
            .iter()
            .filter(|k| k.epsg != 3857 && (k.epsg == 4326 || !k.name.starts_with("WGS 84")))
            .find(|k| {
                let candidate = Crs::from_epsg(k.epsg).expect("table entry");
                if candidate.is_geographic() != self.is_geographic() {
                    return false;
                }
                probes.iter().all(|&(lon, lat)| {
                    let a = self.converter_from(&wgs).convert(lon, lat);
                    let b = candidate.converter_from(&wgs).convert(lon, lat);
                    match (a, b) {
                        (Ok(a), Ok(b)) => close(a.0, b.0) && close(a.1, b.1),
                        _ => false,
                    }
                })
            })
            .map(|k| k.epsg)
    }
}

/// Converts coordinates between two systems; built once per batch with [`Crs::converter_from`].
#[derive(Clone)]
pub struct Converter {
    identity: bool,
    src: Proj,
    dst: Proj,
    src_geographic: bool,
    dst_geographic: bool,
}

impl fmt::Debug for Converter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Converter")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl Converter {
    pub fn convert(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if self.identity {
            return finite(x, y, (x, y));
        }
        let mut p = if self.src_geographic {
            (x.to_radians(), y.to_radians(), 0.0)
        } else {
            (x, y, 0.0)
        };
        proj4rs::transform::transform(&self.src, &self.dst, &mut p).map_err(|e| {
            CrsError::Projection {
                x,
                y,
                reason: e.to_string(),
            }
        })?;
        let out = if self.dst_geographic {
            (p.0.to_degrees(), p.1.to_degrees())
        } else {
            (p.0, p.1)
        };
        finite(x, y, out)
    }
}

fn finite(x: f64, y: f64, out: (f64, f64)) -> Result<(f64, f64), CrsError> {
    if out.0.is_finite() && out.1.is_finite() {
        Ok(out)
    } else {
        Err(CrsError::Projection {
            x,
            y,
            reason: "résultat non fini".into(),
        })
    }
}

/// Equal to 1 mm, relative to the size of the coordinate (probes far from a projection's
/// zone give large numbers where two ellipsoids a tenth of a millimetre apart drift).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-3 + 1e-9 * a.abs().max(b.abs())
}

/// The first quoted name of a WKT (`PROJCS["RGF93_Lambert_93",…` → `RGF93_Lambert_93`).
fn wkt_name(wkt: &str) -> Option<String> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(wkt[start..start + len].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LB93_ESRI: &str = r#"PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;
    const RGM04_GEO: &str = r#"GEOGCS["GCS_RGM_2004",DATUM["D_Reseau_Geodesique_de_Mayotte_2004",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    const UTM40S: &str = r#"PROJCS["RGR_1992_UTM_40S",GEOGCS["GCS_RGR_1992",DATUM["D_RGR_1992",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",10000000.0],PARAMETER["Central_Meridian",57.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    #[test]
    fn esri_prj_files_of_the_official_layers_are_recognised() {
        assert_eq!(Crs::from_wkt(LB93_ESRI).unwrap().epsg(), Some(2154));
        // Mayotte's layer is named UTM38S but its .prj is geographic RGM04 (data/README.md).
        let mayotte = Crs::from_wkt(RGM04_GEO).unwrap();
        assert!(mayotte.is_geographic());
        assert_eq!(Crs::from_wkt(UTM40S).unwrap().epsg(), Some(2975));
    }

    #[test]
    fn lambert93_puts_notre_dame_de_paris_where_proj_does() {
        // Parvis de Notre-Dame, 2.348772 E, 48.853375 N; PROJ 9 (pyproj 3.7,
        // Transformer.from_crs(4326, 2154, always_xy=True)) gives (652214.5485, 6861678.7371).
        let lb93 = Crs::from_epsg(2154).unwrap();
        let (x, y) = lb93.from_lonlat(2.348772, 48.853375).unwrap();
        assert!(
            (x - 652_214.548_5).abs() < 1e-3 && (y - 6_861_678.737_1).abs() < 1e-3,
            "{x} {y}"
        );
        let (lon, lat) = lb93.to_lonlat(x, y).unwrap();
        assert!((lon - 2.348772).abs() < 1e-9 && (lat - 48.853375).abs() < 1e-9);
    }

    #[test]
    fn unknown_codes_are_refused_with_the_supported_list() {
        let e = Crs::parse("EPSG:27572").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("système de coordonnées inconnu : EPSG:27572 (pris en charge : 4326,")
        );
        assert!(matches!(
            Crs::parse("lambert"),
            Err(CrsError::NotAnEpsgCode { .. })
        ));
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:EPSG::2154").unwrap().epsg(),
            Some(2154)
        );
    }
}
