//! Polygon layers: each feature is kept in Web Mercator with a box index; a tile takes the
//! features whose box meets it, clips their rings to the tile plus a buffer (so the cut edges
//! fall outside the drawn area), simplifies them to the tile's resolution, and encodes them
//! with geozero. Exterior rings are written clockwise in tile space (positive area, y down)
//! and holes anticlockwise, as the MVT 2.1 specification asks.

use super::{TileId, TileSource, grid};
use crate::store::{ActorQuery, StoreError};
use geo::{BoundingRect, Simplify};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use geozero::ToMvt;
use geozero::mvt::{Message, TagsBuilder, Tile, TileValue, tile};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::{Arc, OnceLock};

/// Tile units per tile side.
const EXTENT: f64 = 4096.0;
/// Tile units drawn beyond each side, so that clipped edges stay out of sight.
const BUFFER: f64 = 64.0;

/// A feature: its properties and its polygons in Web Mercator metres.
#[derive(Debug)]
struct Feature {
    properties: Vec<(&'static str, String)>,
    geometry: MultiPolygon<f64>,
}

#[derive(Debug)]
struct Data {
    features: Vec<Feature>,
    boxes: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    /// Each feature's box (Web Mercator), `None` for an empty geometry.
    rects: Vec<Option<geo_types::Rect<f64>>>,
    /// Features by their `code` property: a territory page asks for the box of a few
    /// communes among 35,000, once per request.
    by_code: HashMap<String, Vec<usize>>,
}

type Loader = fn() -> Vec<Feature>;

/// A polygon layer, loaded on first use (the commune outlines take about a second to read).
#[derive(Debug)]
pub struct PolygonSource {
    name: &'static str,
    zooms: RangeInclusive<u8>,
    loader: Option<Loader>,
    /// Shared so that a blocking task can load and render without borrowing the source.
    data: Arc<OnceLock<Arc<Data>>>,
}

impl PolygonSource {
    pub fn regions() -> Self {
        Self::lazy("regions", 0..=grid::MAX_ZOOM, || {
            outlines(&essor_refdata::contours::regions_2018_geojson())
        })
    }

    pub fn departements() -> Self {
        Self::lazy("departements", 0..=grid::MAX_ZOOM, || {
            outlines(&essor_refdata::contours::departements_2018_geojson())
        })
    }

    /// Communes from zoom 7: below, one tile would hold thousands of them.
    pub fn communes() -> Self {
        Self::lazy("communes", 7..=grid::MAX_ZOOM, || {
            outlines(&essor_refdata::contours::communes_2018_geojson())
        })
    }

    /// The QPV of the served layer, with `code` and `name`.
    pub fn qpv(shapes: &crate::qpv_shapes::QpvShapes) -> Self {
        let features = shapes
            .shapes
            .iter()
            .map(|s| Feature {
                properties: vec![("code", s.code.clone()), ("name", s.name.clone())],
                geometry: mercator(&s.geometry),
            })
            .collect();
        let source = Self::lazy("qpv", 0..=grid::MAX_ZOOM, Vec::new);
        let _ = source.data.set(Arc::new(Data::new(features)));
        source
    }

    fn lazy(name: &'static str, zooms: RangeInclusive<u8>, loader: Loader) -> Self {
        Self {
            name,
            zooms,
            loader: Some(loader),
            data: Arc::new(OnceLock::new()),
        }
    }

    /// Loads the layer now (the server warms its layers in the background at start-up).
    pub fn warm(&self) {
        self.data();
    }

    fn data(&self) -> &Arc<Data> {
        load(&self.data, self.loader)
    }

    /// The WGS84 box `[minLon, minLat, maxLon, maxLat]` of the features whose `code` is one
    /// of `codes`; `None` when none is there. Blocking: loads the layer on first use.
    pub fn bounds(&self, codes: &[&str]) -> Option<[f64; 4]> {
        let data = self.data();
        let mut features: Vec<usize> = codes
            .iter()
            .filter_map(|c| data.by_code.get(*c))
            .flatten()
            .copied()
            .collect();
        features.sort_unstable();
        features.dedup();
        let mut out: Option<[f64; 4]> = None;
        for i in features {
            let Some(r) = data.rects[i] else {
                continue;
            };
            let (x0, y0) = grid::to_lonlat(r.min().x, r.min().y);
            let (x1, y1) = grid::to_lonlat(r.max().x, r.max().y);
            out = Some(match out {
                None => [x0, y0, x1, y1],
                Some(b) => [b[0].min(x0), b[1].min(y0), b[2].max(x1), b[3].max(y1)],
            });
        }
        out
    }

    /// Encodes one tile (blocking: clipping and simplification are CPU work).
    pub fn render(&self, id: TileId) -> Vec<u8> {
        render(self.name, self.data(), id)
    }
}

fn load(cell: &OnceLock<Arc<Data>>, loader: Option<Loader>) -> &Arc<Data> {
    cell.get_or_init(|| {
        let load = loader.expect("a loader for a lazy layer");
        Arc::new(Data::new(load()))
    })
}

/// Encodes one tile of a layer.
fn render(name: &'static str, data: &Data, id: TileId) -> Vec<u8> {
    let [left, bottom, right, top] = id.bounds();
    let scale = EXTENT / id.size();
    let margin = BUFFER / scale;
    let envelope = rstar::AABB::from_corners(
        [left - margin, bottom - margin],
        [right + margin, top + margin],
    );
    let mut ids: Vec<usize> = data
        .boxes
        .locate_in_envelope_intersecting(envelope)
        .map(|b| b.data)
        .collect();
    ids.sort_unstable();
    let to_tile = |c: &Coord<f64>| Coord {
        x: (c.x - left) * scale,
        y: (top - c.y) * scale,
    };
    let mut tags = TagsBuilder::new();
    let mut features = Vec::new();
    for i in ids {
        let f = &data.features[i];
        let polygons: Vec<Polygon<f64>> = f
            .geometry
            .0
            .iter()
            .filter_map(|p| {
                let exterior = tile_ring(p.exterior(), &to_tile, true)?;
                let holes = p
                    .interiors()
                    .iter()
                    .filter_map(|r| tile_ring(r, &to_tile, false))
                    .collect();
                Some(Polygon::new(exterior, holes))
            })
            .collect();
        if polygons.is_empty() {
            continue;
        }
        let Ok(mut feature) = Geometry::MultiPolygon(MultiPolygon(polygons)).to_mvt_unscaled()
        else {
            continue;
        };
        feature.id = Some(i as u64);
        for (key, value) in &f.properties {
            let (k, v) = tags.insert_ref(key, TileValue::Str(value.clone()));
            feature.tags.extend([k, v]);
        }
        features.push(feature);
    }
    if features.is_empty() {
        return Vec::new();
    }
    let (keys, values) = tags.into_tags();
    Tile {
        layers: vec![tile::Layer {
            version: 2,
            name: name.to_owned(),
            features,
            keys,
            values: values.into_iter().map(Into::into).collect(),
            extent: Some(EXTENT as u32),
        }],
    }
    .encode_to_vec()
}

#[async_trait::async_trait]
impl TileSource for PolygonSource {
    fn zooms(&self) -> RangeInclusive<u8> {
        self.zooms.clone()
    }

    async fn tile(&self, id: TileId, _filters: &ActorQuery) -> Result<Vec<u8>, StoreError> {
        // Reading the outlines (first call) and clipping are CPU work: keep them off the
        // async workers.
        let (cell, loader, name) = (self.data.clone(), self.loader, self.name);
        tokio::task::spawn_blocking(move || render(name, load(&cell, loader), id))
            .await
            .map_err(|e| StoreError::Backend(format!("tile task: {e}")))
    }
}

impl Data {
    fn new(features: Vec<Feature>) -> Self {
        let rects: Vec<_> = features
            .iter()
            .map(|f| f.geometry.bounding_rect())
            .collect();
        let boxes = RTree::bulk_load(
            rects
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let r = r.as_ref()?;
                    Some(GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    ))
                })
                .collect(),
        );
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in features.iter().enumerate() {
            if let Some((_, code)) = f.properties.iter().find(|(k, _)| *k == "code") {
                by_code.entry(code.clone()).or_default().push(i);
            }
        }
        Self {
            features,
            boxes,
            rects,
            by_code,
        }
    }
}

/// A ring in tile units: clipped to the tile and its buffer, simplified to a tile unit,
/// rounded, oriented (exterior clockwise on screen). `None` when nothing visible is left.
fn tile_ring(
    ring: &LineString<f64>,
    to_tile: &impl Fn(&Coord<f64>) -> Coord<f64>,
    exterior: bool,
) -> Option<LineString<f64>> {
    let points: Vec<Coord<f64>> = ring.0.iter().map(to_tile).collect();
    let clipped = clip(points, -BUFFER, EXTENT + BUFFER);
    if clipped.len() < 3 {
        return None;
    }
    let mut closed = LineString(clipped);
    closed.close();
    let simplified = closed.simplify(0.5);
    let mut rounded: Vec<Coord<f64>> = Vec::with_capacity(simplified.0.len());
    for c in &simplified.0 {
        let c = Coord {
            x: c.x.round(),
            y: c.y.round(),
        };
        if rounded.last() != Some(&c) {
            rounded.push(c);
        }
    }
    if rounded.len() < 4 {
        return None;
    }
    let area = signed_area(&rounded);
    if area.abs() < 1.0 {
        return None;
    }
    if (area > 0.0) != exterior {
        rounded.reverse();
    }
    Some(LineString(rounded))
}

/// Shoelace area; positive for a ring clockwise on screen (y pointing down).
fn signed_area(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

/// Sutherland–Hodgman clipping of a ring to the square [min, max]².
fn clip(mut points: Vec<Coord<f64>>, min: f64, max: f64) -> Vec<Coord<f64>> {
    type Edge = (
        fn(&Coord<f64>, f64) -> bool,
        fn(&Coord<f64>, &Coord<f64>, f64) -> Coord<f64>,
    );
    let lerp_x = |a: &Coord<f64>, b: &Coord<f64>, x: f64| Coord {
        x,
        y: a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x),
    };
    let lerp_y = |a: &Coord<f64>, b: &Coord<f64>, y: f64| Coord {
        x: a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y),
        y,
    };
    let edges: [(Edge, f64); 4] = [
        ((|c, v| c.x >= v, lerp_x), min),
        ((|c, v| c.x <= v, lerp_x), max),
        ((|c, v| c.y >= v, lerp_y), min),
        ((|c, v| c.y <= v, lerp_y), max),
    ];
    if points
        .iter()
        .all(|c| (min..=max).contains(&c.x) && (min..=max).contains(&c.y))
    {
        return points;
    }
    for ((inside, cut), v) in edges {
        if points.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(points.len());
        let mut prev = *points.last().expect("non-empty");
        for c in &points {
            match (inside(c, v), inside(&prev, v)) {
                (true, true) => out.push(*c),
                (true, false) => {
                    out.push(cut(&prev, c, v));
                    out.push(*c);
                }
                (false, true) => out.push(cut(&prev, c, v)),
                (false, false) => {}
            }
            prev = *c;
        }
        points = out;
    }
    points
}

/// WGS84 polygons to Web Mercator.
fn mercator(geometry: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let ring = |r: &LineString<f64>| {
        LineString(
            r.0.iter()
                .map(|c| {
                    let (x, y) = grid::to_mercator(c.x, c.y);
                    Coord { x, y }
                })
                .collect(),
        )
    };
    MultiPolygon(
        geometry
            .0
            .iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
}

/// Features of an embedded outline file (`code`, `nom`), in Web Mercator.
fn outlines(text: &str) -> Vec<Feature> {
    let collection: geojson::FeatureCollection = text
        .parse()
        .expect("embedded outlines are a FeatureCollection");
    collection
        .features
        .into_iter()
        .filter_map(|f| {
            let prop = |k: &str| {
                f.property(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let properties = vec![("code", prop("code")), ("nom", prop("nom"))];
            let geometry = match Geometry::<f64>::try_from(f.geometry?).ok()? {
                Geometry::Polygon(p) => MultiPolygon(vec![p]),
                Geometry::MultiPolygon(m) => m,
                _ => return None,
            };
            Some(Feature {
                properties,
                geometry: mercator(&geometry),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_a_square_larger_than_the_tile_gives_the_buffered_tile() {
        let big = vec![
            Coord { x: -1e4, y: -1e4 },
            Coord { x: 1e4, y: -1e4 },
            Coord { x: 1e4, y: 1e4 },
            Coord { x: -1e4, y: 1e4 },
        ];
        let out = clip(big, -64.0, 4160.0);
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|c| c.x.abs() == 64.0 || c.x == 4160.0));
    }

    #[test]
    fn exterior_rings_come_out_clockwise_on_screen_and_holes_anticlockwise() {
        let ring = LineString::from(vec![
            (0.0, 0.0),
            (0.0, 100.0),
            (100.0, 100.0),
            (100.0, 0.0),
            (0.0, 0.0),
        ]);
        let id = |c: &Coord<f64>| *c;
        let ext = tile_ring(&ring, &id, true).unwrap();
        assert!(signed_area(&ext.0) > 0.0);
        let hole = tile_ring(&ring, &id, false).unwrap();
        assert!(signed_area(&hole.0) < 0.0);
    }

    #[test]
    fn the_box_of_seine_saint_denis_holds_saint_denis() {
        let deps = PolygonSource::departements();
        let b = deps.bounds(&["93"]).unwrap();
        assert!(
            b[0] < 2.36 && 2.36 < b[2] && b[1] < 48.93 && 48.93 < b[3],
            "{b:?}"
        );
        assert!(
            b[2] - b[0] < 0.5 && b[3] - b[1] < 0.3,
            "one département: {b:?}"
        );
        assert!(deps.bounds(&["00"]).is_none());
    }

    #[test]
    fn the_box_of_several_communes_is_the_union_of_their_boxes() {
        // The territory pages ask for it on every request (an EPCI's communes, a commune).
        let communes = PolygonSource::communes();
        let saint_denis = communes.bounds(&["93066"]).unwrap();
        let aubervilliers = communes.bounds(&["93001"]).unwrap();
        let both = communes
            .bounds(&["93066", "93001", "00000", "93066"])
            .unwrap();
        assert_eq!(
            both,
            [
                saint_denis[0].min(aubervilliers[0]),
                saint_denis[1].min(aubervilliers[1]),
                saint_denis[2].max(aubervilliers[2]),
                saint_denis[3].max(aubervilliers[3]),
            ]
        );
        assert!(saint_denis[0] < 2.36 && 2.36 < saint_denis[2]);
        assert!(communes.bounds(&[]).is_none());
    }

    #[test]
    fn the_qpv_tile_over_saint_denis_holds_qp093028() {
        // Guards issue 4: the map's QPV layer is drawn from these tiles.
        let layer = essor_refdata::qpv::qpv_2015();
        let shapes = crate::qpv_shapes::QpvShapes::new(&layer);
        let source = PolygonSource::qpv(&shapes);
        let bytes = source.render(TileId::new(12, 2075, 1408).unwrap());
        let tile = Tile::decode(bytes.as_slice()).unwrap();
        let layer = &tile.layers[0];
        assert_eq!(layer.name, "qpv");
        assert!(
            layer
                .values
                .iter()
                .any(|v| v.string_value.as_deref() == Some("QP093028"))
        );
        // An ocean tile is empty.
        assert!(source.render(TileId::new(12, 0, 0).unwrap()).is_empty());
    }
}
