//! A QPV layer: the features of one geography, each with its attributes and its polygons in
//! the projected system of its territory (metres).

use crate::Territory;
use essor_model::{QpvCode, QpvGeography};
use geo_types::MultiPolygon;

/// One priority neighbourhood as read from an official file.
#[derive(Debug, Clone)]
pub struct QpvFeature {
    pub code: QpvCode,
    pub name: String,
    /// Commune names as the file gives them (2015: `COMMUNE_QP`, split on commas; 2024: `lib_com`).
    pub commune_names: Vec<String>,
    /// INSEE commune codes when the file has them (2024 layout: `insee_com`).
    pub commune_codes: Vec<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub epci_siren: Option<String>,
    pub epci_name: Option<String>,
    pub territory: Territory,
    /// Polygons in `territory.crs()`, metres. Rings are kept as published, including the
    /// self-intersecting ones (see [`crate::QpvIndex`] for how containment treats them).
    pub geometry: MultiPolygon<f64>,
}

/// Every QPV of one geography, in file order. `QpvId` indexes `features`.
#[derive(Debug, Clone)]
pub struct QpvLayer {
    pub geography: QpvGeography,
    /// Where the layer came from (file paths, or "données embarquées").
    pub source: String,
    pub features: Vec<QpvFeature>,
}

/// Index of a feature in its layer.
pub type QpvId = u32;

impl QpvLayer {
    pub fn get(&self, id: QpvId) -> &QpvFeature {
        &self.features[id as usize]
    }

    pub fn len(&self) -> usize {
        self.features.len()
    }

    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    pub fn find(&self, code: &str) -> Option<QpvId> {
        self.features
            .iter()
            .position(|f| f.code.as_str() == code)
            .map(|i| i as QpvId)
    }

    /// Number of vertices over all rings (for reports and benchmarks).
    pub fn vertex_count(&self) -> usize {
        self.features
            .iter()
            .flat_map(|f| f.geometry.0.iter())
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum()
    }
}
