//! What the API asks for: filters, paging, and pages of answers.

use super::{LegalFamily, TerritoryRef};
use essor_geo::Band;

/// A WGS84 box: (min lon, min lat, max lon, max lat), degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        (self.min_lon..=self.max_lon).contains(&lon) && (self.min_lat..=self.max_lat).contains(&lat)
    }
}

/// Filters on actors; every filter present must hold (lists: any of the values).
#[derive(Debug, Clone, PartialEq)]
pub struct ActorQuery {
    pub bbox: Option<BBox>,
    /// Full-text search (the backend decides how: accents, case, stemming).
    pub text: Option<String>,
    pub families: Vec<LegalFamily>,
    pub bands: Vec<Band>,
    pub territory: Option<TerritoryRef>,
    pub employer: Option<bool>,
    /// 1-based page number.
    pub page: u32,
    pub per_page: u32,
}

impl Default for ActorQuery {
    fn default() -> Self {
        Self {
            bbox: None,
            text: None,
            families: Vec::new(),
            bands: Vec::new(),
            territory: None,
            employer: None,
            page: 1,
            per_page: 20,
        }
    }
}

impl ActorQuery {
    /// Rows to skip for this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// One page of a selection and the selection's size.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub total: u64,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    pub fn empty() -> Self {
        Self {
            total: 0,
            items: Vec::new(),
        }
    }
}
