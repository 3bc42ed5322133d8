//! GeoJSON QPV files: RFC 7946 files (WGS84 lon/lat, no `crs` member) and legacy files that
//! name their system in a `crs` member (`"EPSG:2154"`, `"urn:ogc:def:crs:EPSG::2154"`).

use super::{LoadError, LoadOptions, RawFeature, RawLayer};
use crate::Crs;
use geojson::{FeatureCollection, GeoJson, GeometryValue};
use std::path::Path;

pub fn read_path(path: &Path, options: &LoadOptions) -> Result<RawLayer, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_str(path, &text, options)
}

/// Reads GeoJSON text; `path` names it in messages.
pub fn read_str(path: &Path, text: &str, options: &LoadOptions) -> Result<RawLayer, LoadError> {
    let err = |reason: String| LoadError::GeoJson {
        path: path.to_owned(),
        reason,
    };
    let collection: FeatureCollection =
        match text.parse::<GeoJson>().map_err(|e| err(e.to_string()))? {
            GeoJson::FeatureCollection(fc) => fc,
            _ => return Err(err("une FeatureCollection est attendue".into())),
        };
    let crs = match (&options.crs, legacy_crs_name(&collection)) {
        (Some(crs), _) => crs.clone(),
        (None, Some(name)) => Crs::parse(&name).map_err(|source| LoadError::Crs {
            path: path.to_owned(),
            source,
        })?,
        (None, None) => Crs::wgs84(),
    };
    let mut fields: Vec<String> = Vec::new();
    let mut features = Vec::with_capacity(collection.features.len());
    for (i, feature) in collection.features.into_iter().enumerate() {
        let n = i + 1;
        let attributes: Vec<(String, String)> = feature
            .properties
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect();
        for (k, _) in &attributes {
            if !fields.contains(k) {
                fields.push(k.clone());
            }
        }
        let geometry = feature.geometry.ok_or_else(|| LoadError::NotAPolygon {
            path: path.to_owned(),
            feature: n,
            kind: "absente".into(),
        })?;
        let geometry = match geometry.value {
            v @ (GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. }) => {
                let g: geo_types::Geometry<f64> = v
                    .try_into()
                    .map_err(|e: geojson::Error| err(format!("entité {n} : {e}")))?;
                match g {
                    geo_types::Geometry::Polygon(p) => geo_types::MultiPolygon(vec![p]),
                    geo_types::Geometry::MultiPolygon(mp) => mp,
                    _ => unreachable!("polygonal GeoJSON converts to a polygonal geometry"),
                }
            }
            other => {
                return Err(LoadError::NotAPolygon {
                    path: path.to_owned(),
                    feature: n,
                    kind: other.type_name().to_owned(),
                });
            }
        };
        features.push(RawFeature {
            attributes,
            geometry,
        });
    }
    Ok(RawLayer {
        path: path.to_owned(),
        fields,
        crs,
        features,
    })
}

/// `crs.properties.name` of a pre-RFC 7946 file.
fn legacy_crs_name(collection: &FeatureCollection) -> Option<String> {
    collection
        .foreign_members
        .as_ref()?
        .get("crs")?
        .get("properties")?
        .get("name")?
        .as_str()
        .map(str::to_owned)
}
