//! Loading QPV layers from official files.
//!
//! Two readers ([`shp`], [`geojson`]) turn a file into [`RawFeature`]s: attributes as text and
//! polygons in the file's own system. One builder ([`build_layer`]) then does what every
//! format needs: map the fields of the 2015 or 2024 layout ([`layout`]), check codes, find each
//! QPV's territory, and project its polygons into that territory's metric system.

pub mod geojson;
pub mod layout;
pub mod shp;

use crate::{Crs, CrsError, QpvFeature, QpvLayer, Territory};
use essor_model::{QpvCode, QpvGeography};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use layout::{FieldMap, Layout};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a QPV file cannot be loaded. Every variant names the file; those about one feature
/// give its number (1-based, file order) and field. French: these reach users.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    #[error("{path} : lecture impossible : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} : format non reconnu (attendu : .shp, .geojson ou .json)")]
    UnknownFormat { path: PathBuf },
    #[error("{path} : fichier compagnon {missing} introuvable à côté du .shp")]
    MissingCompanion {
        path: PathBuf,
        missing: &'static str,
    },
    #[error(
        "{path} : pas de fichier .prj, système de coordonnées inconnu ; précisez-le (option --qpv-crs, ex. 2154)"
    )]
    MissingPrj { path: PathBuf },
    #[error("{path} : shapefile illisible : {reason}")]
    Shapefile { path: PathBuf, reason: String },
    #[error("{path} : GeoJSON illisible : {reason}")]
    GeoJson { path: PathBuf, reason: String },
    #[error("{path} : encodage « {label} » inconnu (ex. attendus : CP1252, UTF-8, ISO-8859-1)")]
    UnknownEncoding { path: PathBuf, label: String },
    #[error("{path} : {source}")]
    Crs { path: PathBuf, source: CrsError },
    #[error(
        "{path} : ni la structure 2015 (CODE_QP, NOM_QP) ni la structure 2024 (code_qp, lib_qp) ; champs disponibles : {available} (précisez --qpv-code-field et --qpv-name-field)"
    )]
    UnknownLayout { path: PathBuf, available: String },
    #[error("{path} : champ « {field} » introuvable ; champs disponibles : {available}")]
    MissingField {
        path: PathBuf,
        field: String,
        available: String,
    },
    #[error("{path}, entité {feature}, champ « {field} » : {reason}")]
    BadValue {
        path: PathBuf,
        feature: usize,
        field: String,
        reason: String,
    },
    #[error("{path}, entité {feature} : géométrie {kind}, polygone attendu")]
    NotAPolygon {
        path: PathBuf,
        feature: usize,
        kind: String,
    },
    #[error(
        "{path}, entité {feature} ({code}) : hors des territoires pris en charge (sommet {lon:.5}, {lat:.5})"
    )]
    OutsideTerritories {
        path: PathBuf,
        feature: usize,
        code: String,
        lon: f64,
        lat: f64,
    },
    #[error("{path}, entité {feature} ({code}) : {source}")]
    Projection {
        path: PathBuf,
        feature: usize,
        code: String,
        source: CrsError,
    },
    #[error(
        "{path}, entité {feature} : le code {code} figure déjà (entité {first} de la couche précédente ou du même fichier)"
    )]
    DuplicateCode {
        path: PathBuf,
        feature: usize,
        code: String,
        first: usize,
    },
    #[error(
        "{path} : codes de géographies différentes ({first} puis {other}) ; chargez une géographie à la fois"
    )]
    MixedGeographies {
        path: PathBuf,
        first: String,
        other: String,
    },
    #[error("{path} : aucune entité")]
    Empty { path: PathBuf },
}

/// Overrides for files that stray from the official layouts. Everything is optional: the
/// default detects the layout from field names, the system from the `.prj` or the GeoJSON
/// `crs` member, and the DBF encoding from the `.cpg` (else CP1252).
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub layout: Option<Layout>,
    pub code_field: Option<String>,
    pub name_field: Option<String>,
    pub crs: Option<Crs>,
    pub encoding: Option<String>,
}

/// One feature as a reader gives it: text attributes and polygons in the file's system.
#[derive(Debug, Clone)]
pub struct RawFeature {
    pub attributes: Vec<(String, String)>,
    pub geometry: MultiPolygon<f64>,
}

/// A file read but not yet interpreted.
#[derive(Debug)]
pub struct RawLayer {
    pub path: PathBuf,
    pub fields: Vec<String>,
    pub crs: Crs,
    pub features: Vec<RawFeature>,
}

/// Loads a QPV file (`.shp` with its `.dbf`/`.prj`/`.cpg`, or GeoJSON) from disk.
pub fn load_file(path: &Path, options: &LoadOptions) -> Result<QpvLayer, LoadError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let raw = match ext.as_deref() {
        Some("shp") => shp::read_path(path, options)?,
        Some("geojson" | "json") => geojson::read_path(path, options)?,
        _ => {
            return Err(LoadError::UnknownFormat {
                path: path.to_owned(),
            });
        }
    };
    build_layer(raw, options)
}

/// Loads several files as one layer (e.g. the mainland Lambert-93 layer plus the overseas
/// layers in their UTM systems). They must belong to the same geography.
pub fn load_files(paths: &[PathBuf], options: &LoadOptions) -> Result<QpvLayer, LoadError> {
    let mut layers = paths.iter().map(|p| load_file(p, options));
    let mut merged = layers.next().expect("at least one path")?;
    for layer in layers {
        let layer = layer?;
        if layer.geography != merged.geography {
            return Err(LoadError::MixedGeographies {
                path: PathBuf::from(&layer.source),
                first: merged.geography.to_string(),
                other: layer.geography.to_string(),
            });
        }
        let known: HashMap<QpvCode, usize> = merged
            .features
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code, i + 1))
            .collect();
        for (i, f) in layer.features.into_iter().enumerate() {
            if let Some(&first) = known.get(&f.code) {
                return Err(LoadError::DuplicateCode {
                    path: PathBuf::from(&layer.source),
                    feature: i + 1,
                    code: f.code.to_string(),
                    first,
                });
            }
            merged.features.push(f);
        }
        merged.source = format!("{} + {}", merged.source, layer.source);
    }
    Ok(merged)
}

/// Interprets a raw layer: fields, codes, territories, projection.
pub fn build_layer(raw: RawLayer, options: &LoadOptions) -> Result<QpvLayer, LoadError> {
    let path = &raw.path;
    if raw.features.is_empty() {
        return Err(LoadError::Empty { path: path.clone() });
    }
    let map = FieldMap::resolve(&raw.fields, options)
        .map_err(|e| e.into_load_error(path, &raw.fields))?;
    let mut geography: Option<(QpvGeography, String)> = None;
    let mut seen = HashMap::new();
    let mut features = Vec::with_capacity(raw.features.len());
    for (i, rf) in raw.features.into_iter().enumerate() {
        let n = i + 1;
        let get = |field: &Option<String>| -> Option<String> {
            let field = field.as_ref()?;
            rf.attributes
                .iter()
                .find(|(k, _)| k == field)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let code_text = get(&Some(map.code.clone())).unwrap_or_default();
        let code = QpvCode::parse(&code_text).map_err(|e| LoadError::BadValue {
            path: path.clone(),
            feature: n,
            field: map.code.clone(),
            reason: e.to_string(),
        })?;
        match &geography {
            None => geography = Some((code.geography(), code.to_string())),
            Some((g, first)) if *g != code.geography() => {
                return Err(LoadError::MixedGeographies {
                    path: path.clone(),
                    first: first.clone(),
                    other: code.to_string(),
                });
            }
            Some(_) => {}
        }
        if let Some(first) = seen.insert(code, n) {
            return Err(LoadError::DuplicateCode {
                path: path.clone(),
                feature: n,
                code: code.to_string(),
                first,
            });
        }
        let name = get(&Some(map.name.clone())).ok_or_else(|| LoadError::BadValue {
            path: path.clone(),
            feature: n,
            field: map.name.clone(),
            reason: "nom vide".into(),
        })?;
        let split = |v: Option<String>| -> Vec<String> {
            v.map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
        };
        let territory = territory_of(&rf.geometry, &raw.crs).map_err(|(lon, lat)| {
            LoadError::OutsideTerritories {
                path: path.clone(),
                feature: n,
                code: code.to_string(),
                lon,
                lat,
            }
        })?;
        let geometry = project(&rf.geometry, &raw.crs, &territory.crs()).map_err(|source| {
            LoadError::Projection {
                path: path.clone(),
                feature: n,
                code: code.to_string(),
                source,
            }
        })?;
        features.push(QpvFeature {
            code,
            name,
            commune_names: split(get(&map.communes)),
            commune_codes: split(get(&map.commune_codes)),
            departement: get(&map.departement).or_else(|| departement_of_code(&code)),
            region: get(&map.region),
            epci_siren: get(&map.epci_siren),
            epci_name: get(&map.epci_name),
            territory,
            geometry,
        });
    }
    let (geography, _) = geography.expect("at least one feature");
    Ok(QpvLayer {
        geography,
        source: path.display().to_string(),
        features,
    })
}

/// The département in a QPV code: `QP093028` → `93`, `QP971001` → `971`, `QP02A001` → `2A`.
fn departement_of_code(code: &QpvCode) -> Option<String> {
    let dep = &code.as_str()[2..5];
    let dep = if dep.starts_with('9') && (dep.starts_with("97") || dep.starts_with("98")) {
        dep
    } else {
        &dep[1..]
    };
    Some(dep.to_owned())
}

/// The territory of a feature, from its first vertex. Err gives that vertex in lon/lat.
fn territory_of(geometry: &MultiPolygon<f64>, crs: &Crs) -> Result<Territory, (f64, f64)> {
    let first = geometry
        .0
        .iter()
        .flat_map(|p| p.exterior().0.first())
        .next()
        .ok_or((f64::NAN, f64::NAN))?;
    let (lon, lat) = crs
        .to_lonlat(first.x, first.y)
        .map_err(|_| (first.x, first.y))?;
    Territory::of_lonlat(lon, lat).ok_or((lon, lat))
}

/// Projects every vertex from `from` to `to`.
pub fn project(
    geometry: &MultiPolygon<f64>,
    from: &Crs,
    to: &Crs,
) -> Result<MultiPolygon<f64>, CrsError> {
    let conv = to.converter_from(from);
    let ring = |r: &LineString<f64>| -> Result<LineString<f64>, CrsError> {
        r.0.iter()
            .map(|c| conv.convert(c.x, c.y).map(|(x, y)| Coord { x, y }))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    };
    geometry
        .0
        .iter()
        .map(|p| {
            let exterior = ring(p.exterior())?;
            let interiors = p
                .interiors()
                .iter()
                .map(ring)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Polygon::new(exterior, interiors))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(MultiPolygon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn departement_comes_from_the_code() {
        let d = |c: &str| departement_of_code(&QpvCode::parse(c).unwrap()).unwrap();
        assert_eq!(d("QP093028"), "93");
        assert_eq!(d("QP971001"), "971");
        assert_eq!(d("QP02A001"), "2A");
        assert_eq!(d("QN09301M"), "93");
    }
}
