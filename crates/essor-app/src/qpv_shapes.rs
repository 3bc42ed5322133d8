//! The QPV polygons back in WGS84 lon/lat, indexed by bounding box, for GeoJSON answers and
//! tiles. The engine keeps them in each territory's metric system (for distances); maps want
//! degrees. Built once at start-up (a few hundred milliseconds for the 1,514 QPV of 2015).

use essor_geo::{Crs, QpvLayer};
use geo::{BoundingRect, Simplify};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

/// One QPV in WGS84.
#[derive(Debug, Clone)]
pub struct QpvShape {
    pub code: String,
    pub name: String,
    pub communes: Vec<String>,
    pub geometry: MultiPolygon<f64>,
}

/// Every QPV of the served layer in WGS84, with a box index.
#[derive(Debug)]
pub struct QpvShapes {
    pub shapes: Vec<QpvShape>,
    boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl QpvShapes {
    pub fn new(layer: &QpvLayer) -> Self {
        let wgs84 = Crs::wgs84();
        let shapes: Vec<QpvShape> = layer
            .features
            .iter()
            .map(|f| {
                let to_lonlat = wgs84.converter_from(&f.territory.crs());
                let ring = |r: &LineString<f64>| {
                    LineString(
                        r.0.iter()
                            .filter_map(|c| to_lonlat.convert(c.x, c.y).ok())
                            .map(|(x, y)| Coord { x, y })
                            .collect(),
                    )
                };
                let geometry = MultiPolygon(
                    f.geometry
                        .0
                        .iter()
                        .map(|p| {
                            Polygon::new(
                                ring(p.exterior()),
                                p.interiors().iter().map(ring).collect(),
                            )
                        })
                        .collect(),
                );
                QpvShape {
                    code: f.code.as_str().to_owned(),
                    name: f.name.clone(),
                    communes: f.commune_names.clone(),
                    geometry,
                }
            })
            .collect();
        let boxes = RTree::bulk_load(
            shapes
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let r = s.geometry.bounding_rect()?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    ))
                })
                .collect(),
        );
        Self { shapes, boxes }
    }

    /// The QPV whose box meets the given WGS84 box, in layer order.
    pub fn in_bbox(&self, min: [f64; 2], max: [f64; 2]) -> Vec<&QpvShape> {
        let envelope = rstar::AABB::from_corners(min, max);
        let mut ids: Vec<usize> = self
            .boxes
            .locate_in_envelope_intersecting(envelope)
            .map(|b| b.data)
            .collect();
        ids.sort_unstable();
        ids.into_iter().map(|i| &self.shapes[i]).collect()
    }

    pub fn get(&self, code: &str) -> Option<&QpvShape> {
        self.shapes.iter().find(|s| s.code == code)
    }
}

/// A GeoJSON Feature for a QPV, simplified with `tolerance` degrees (0: as published) and
/// rounded to 6 decimals (about 10 cm).
pub fn feature_json(shape: &QpvShape, tolerance: f64) -> serde_json::Value {
    let geometry = if tolerance > 0.0 {
        shape.geometry.simplify(tolerance)
    } else {
        shape.geometry.clone()
    };
    let ring = |r: &LineString<f64>| -> Vec<[f64; 2]> {
        r.0.iter().map(|c| [round6(c.x), round6(c.y)]).collect()
    };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = geometry
        .0
        .iter()
        .filter(|p| p.exterior().0.len() >= 4)
        .map(|p| {
            std::iter::once(ring(p.exterior()))
                .chain(p.interiors().iter().filter(|r| r.0.len() >= 4).map(ring))
                .collect()
        })
        .collect();
    serde_json::json!({
        "type": "Feature",
        "id": shape.code,
        "properties": { "code": shape.code, "name": shape.name, "communes": shape.communes },
        "geometry": { "type": "MultiPolygon", "coordinates": polygons },
    })
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
