//! ESRI shapefiles: `.shp` geometry, `.dbf` attributes (CP1252 unless a `.cpg` or the caller
//! says otherwise: the official QPV DBF are CP1252 with no `.cpg`), `.prj` system.

use super::{LoadError, LoadOptions, RawFeature, RawLayer};
use crate::Crs;
use dbase::FieldValue;
use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};

/// The bytes of a shapefile's parts, for layers embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct ShapefileBytes<'a> {
    pub shp: &'a [u8],
    pub dbf: &'a [u8],
    pub prj: Option<&'a [u8]>,
    pub cpg: Option<&'a [u8]>,
}

/// Reads `path` (`.shp`) and its companions.
pub fn read_path(path: &Path, options: &LoadOptions) -> Result<RawLayer, LoadError> {
    let companion = |ext: &str| -> Option<PathBuf> {
        // Accept the companion's extension in either case (.dbf / .DBF).
        [ext.to_owned(), ext.to_ascii_uppercase()]
            .into_iter()
            .map(|e| path.with_extension(e))
            .find(|p| p.exists())
    };
    let read = |p: &Path| {
        std::fs::read(p).map_err(|source| LoadError::Io {
            path: p.to_owned(),
            source,
        })
    };
    let shp = read(path)?;
    let dbf_path = companion("dbf").ok_or(LoadError::MissingCompanion {
        path: path.to_owned(),
        missing: ".dbf",
    })?;
    let dbf = read(&dbf_path)?;
    let prj = companion("prj").map(|p| read(&p)).transpose()?;
    let cpg = companion("cpg").map(|p| read(&p)).transpose()?;
    read_bytes(
        path,
        ShapefileBytes {
            shp: &shp,
            dbf: &dbf,
            prj: prj.as_deref(),
            cpg: cpg.as_deref(),
        },
        options,
    )
}

/// Reads a shapefile held in memory; `path` names it in messages.
pub fn read_bytes(
    path: &Path,
    bytes: ShapefileBytes<'_>,
    options: &LoadOptions,
) -> Result<RawLayer, LoadError> {
    let crs = match (&options.crs, bytes.prj) {
        (Some(crs), _) => crs.clone(),
        (None, Some(prj)) => {
            let wkt = String::from_utf8_lossy(prj);
            Crs::from_wkt(&wkt).map_err(|source| LoadError::Crs {
                path: path.with_extension("prj"),
                source,
            })?
        }
        (None, None) => {
            return Err(LoadError::MissingPrj {
                path: path.to_owned(),
            });
        }
    };
    let encoding = encoding(path, options, bytes.cpg)?;
    let shp_err = |e: shapefile::Error| LoadError::Shapefile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let shapes = shapefile::ShapeReader::new(Cursor::new(bytes.shp)).map_err(shp_err)?;
    let dbf = dbase::ReaderBuilder::new()
        .with_encoding(dbase::encoding::EncodingRs::from(encoding))
        .build(Cursor::new(bytes.dbf))
        .map_err(|e| LoadError::Shapefile {
            path: path.with_extension("dbf"),
            reason: e.to_string(),
        })?;
    let fields: Vec<String> = dbf.fields().iter().map(|f| f.name().to_owned()).collect();
    read_features(path, crs, fields, shapefile::Reader::new(shapes, dbf))
}

fn encoding(
    path: &Path,
    options: &LoadOptions,
    cpg: Option<&[u8]>,
) -> Result<&'static encoding_rs::Encoding, LoadError> {
    let label = match (&options.encoding, cpg) {
        (Some(label), _) => label.clone(),
        (None, Some(cpg)) => String::from_utf8_lossy(cpg).trim().to_owned(),
        (None, None) => return Ok(encoding_rs::WINDOWS_1252),
    };
    // .cpg files often hold a bare Windows code page number ("1252", "65001").
    let normalised = match label.to_ascii_lowercase().as_str() {
        "65001" | "utf8" => "utf-8".to_owned(),
        n if n.chars().all(|c| c.is_ascii_digit()) => format!("windows-{n}"),
        n if n.starts_with("cp") && n[2..].chars().all(|c| c.is_ascii_digit()) => {
            format!("windows-{}", &n[2..])
        }
        n => n.to_owned(),
    };
    encoding_rs::Encoding::for_label(normalised.as_bytes()).ok_or_else(|| {
        LoadError::UnknownEncoding {
            path: path.to_owned(),
            label,
        }
    })
}

fn read_features<S: Read + Seek, D: Read + Seek>(
    path: &Path,
    crs: Crs,
    fields: Vec<String>,
    mut reader: shapefile::Reader<S, D>,
) -> Result<RawLayer, LoadError> {
    let mut features = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let feature = i + 1;
        let (shape, record) = item.map_err(|e| LoadError::Shapefile {
            path: path.to_owned(),
            reason: format!("entité {feature} : {e}"),
        })?;
        let polygon = match shape {
            shapefile::Shape::Polygon(p) => p,
            other => {
                return Err(LoadError::NotAPolygon {
                    path: path.to_owned(),
                    feature,
                    kind: other.shapetype().to_string(),
                });
            }
        };
        let geometry = geo_types::MultiPolygon::<f64>::try_from(polygon).map_err(|e| {
            LoadError::Shapefile {
                path: path.to_owned(),
                reason: format!("entité {feature} : {e}"),
            }
        })?;
        let attributes = fields
            .iter()
            .map(|name| (name.clone(), record.get(name).map(text).unwrap_or_default()))
            .collect();
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

fn text(value: &FieldValue) -> String {
    match value {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => s.clone(),
        FieldValue::Numeric(Some(n)) if n.fract() == 0.0 => format!("{n:.0}"),
        FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n) => {
            n.to_string()
        }
        FieldValue::Float(Some(n)) => n.to_string(),
        FieldValue::Integer(n) => n.to_string(),
        FieldValue::Logical(Some(b)) => b.to_string(),
        _ => String::new(),
    }
}
