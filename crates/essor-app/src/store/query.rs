//! What the API asks for: filters, paging, and pages of answers.

use super::{Actor, ActorPoint, LegalFamily, TerritoryRef};
use essor_geo::Band;
use essor_model::sector::EssSector;

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
    /// ESS sector groups of the actors' NAF codes.
    pub sectors: Vec<EssSector>,
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
            sectors: Vec::new(),
            territory: None,
            employer: None,
            page: 1,
            per_page: 20,
        }
    }
}

impl ActorQuery {
    /// A canonical text of the whole query, equal for equal queries: what caches of answers
    /// to a query are keyed on (a box by the bits of its bounds).
    pub fn key(&self) -> String {
        let list = |items: Vec<String>| items.join(",");
        format!(
            "f={};b={};s={};t={};e={};q={};box={};p={};n={}",
            list(
                self.families
                    .iter()
                    .map(|f| f.as_str().to_owned())
                    .collect()
            ),
            list(self.bands.iter().map(ToString::to_string).collect()),
            list(self.sectors.iter().map(|s| s.as_str().to_owned()).collect()),
            self.territory
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.employer.map(|e| e.to_string()).unwrap_or_default(),
            self.text.as_deref().unwrap_or_default().replace(';', ";;"),
            self.bbox
                .map(|b| {
                    [b.min_lon, b.min_lat, b.max_lon, b.max_lat]
                        .map(|v| format!("{:x}", v.to_bits()))
                        .join(",")
                })
                .unwrap_or_default(),
            self.page,
            self.per_page,
        )
    }

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

/// Counts of a selection by facet; each facet counts under every *other* filter of the query
/// (see [`ActorStore::facets`](super::ActorStore::facets)).
#[derive(Debug, Clone, PartialEq)]
pub struct ActorFacets {
    /// Size of the selection itself.
    pub total: u64,
    pub families: Vec<(LegalFamily, u64)>,
    /// Band codes (`in`, `300`, `500`, `1000`, `out`) in that order.
    pub bands: Vec<(String, u64)>,
    pub sectors: Vec<(EssSector, u64)>,
    /// Non-employer, employer.
    pub employer: [u64; 2],
}

/// The band codes facets list, in order.
pub const BAND_CODES: [&str; 5] = ["in", "300", "500", "1000", "out"];

impl ActorFacets {
    /// Every value at zero.
    pub fn empty() -> Self {
        Self {
            total: 0,
            families: LegalFamily::ESS.iter().map(|f| (*f, 0)).collect(),
            bands: BAND_CODES.iter().map(|b| ((*b).to_owned(), 0)).collect(),
            sectors: EssSector::ALL.iter().map(|s| (*s, 0)).collect(),
            employer: [0, 0],
        }
    }

    /// Counts `actor` in facet `facet` (0 family, 1 band, 2 sector, 3 employer); `actor`
    /// matches `query` without that facet's own filter. The family pass also counts the total.
    pub(crate) fn count(&mut self, facet: usize, actor: &Actor, query: &ActorQuery) {
        match facet {
            0 => {
                if let Some(slot) = self.families.iter_mut().find(|f| f.0 == actor.legal_family) {
                    slot.1 += 1;
                }
                if query.families.is_empty() || query.families.contains(&actor.legal_family) {
                    self.total += 1;
                }
            }
            1 => {
                if let Some(slot) = actor
                    .band
                    .and_then(|b| self.bands.iter_mut().find(|x| x.0 == b.to_string()))
                {
                    slot.1 += 1;
                }
            }
            2 => {
                let sector = actor.sector();
                if let Some(slot) = self.sectors.iter_mut().find(|s| s.0 == sector) {
                    slot.1 += 1;
                }
            }
            _ => self.employer[usize::from(actor.employer)] += 1,
        }
    }
}

/// One occupied cell of a clustered map tile: its actors' number, their mean position in tile
/// units, and the actor itself when it is alone.
#[derive(Debug, Clone, PartialEq)]
pub struct TileCluster {
    pub count: u64,
    pub x: f64,
    pub y: f64,
    pub single: Option<ActorPoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_queries_have_one_key_and_every_filter_changes_it() {
        // Issue 10: caches were keyed on `Debug` strings.
        let base = ActorQuery::default();
        assert_eq!(base.key(), ActorQuery::default().key());
        let variants = [
            ActorQuery {
                families: vec![LegalFamily::Cooperative],
                ..base.clone()
            },
            ActorQuery {
                bands: vec![Band::In],
                ..base.clone()
            },
            ActorQuery {
                text: Some("jardin".into()),
                ..base.clone()
            },
            ActorQuery {
                text: Some("jardin;p=1".into()),
                ..base.clone()
            },
            ActorQuery {
                employer: Some(true),
                ..base.clone()
            },
            ActorQuery {
                bbox: Some(BBox {
                    min_lon: 2.0,
                    min_lat: 48.0,
                    max_lon: 2.5,
                    max_lat: 49.0,
                }),
                ..base.clone()
            },
            ActorQuery {
                page: 2,
                ..base.clone()
            },
        ];
        let mut keys: Vec<String> = variants.iter().map(ActorQuery::key).collect();
        keys.push(base.key());
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n, "{keys:?}");
    }
}
