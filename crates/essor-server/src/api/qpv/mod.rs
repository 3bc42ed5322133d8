//! QPV outlines as GeoJSON (WGS84), with `code` and `name` properties.

/// `GET /api/v1/qpv/{code}`.
pub mod get;
/// `GET /api/v1/qpv?bbox=…`.
pub mod list;

use serde::Serialize;

/// Documentation shape of a QPV GeoJSON Feature.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QpvFeature {
    #[schema(example = "Feature")]
    pub r#type: String,
    #[schema(example = "QP093028")]
    pub id: String,
    pub properties: QpvProperties,
    /// GeoJSON MultiPolygon, WGS84 (RFC 7946).
    #[schema(value_type = Object)]
    pub geometry: serde_json::Value,
}

/// Properties of a QPV feature.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QpvProperties {
    #[schema(example = "QP093028")]
    pub code: String,
    #[schema(example = "Franc Moisin - Cosmonautes - Cristino Garcia - Landy")]
    pub name: String,
    /// Communes as the official file lists them.
    pub communes: Vec<String>,
}

/// Documentation shape of the collection.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QpvFeatureCollection {
    #[schema(example = "FeatureCollection")]
    pub r#type: String,
    pub features: Vec<QpvFeature>,
}
