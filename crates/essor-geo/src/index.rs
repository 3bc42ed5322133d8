//! [`QpvIndex`]: is this point in a QPV, and if not, which QPV is nearest and how far?
//!
//! Use it whenever more than a handful of points are located against a layer: building it
//! costs a few tens of milliseconds for the 1,514 QPV of 2015, then a query costs about a
//! microsecond. Distances are Euclidean in the projected system of the point's territory
//! (Lambert-93 on the mainland, the local UTM zone overseas), in metres; the nearest QPV is
//! searched among the QPV of the same zone only ([`crate::Territory`]).
//!
//! ## Boundary and defect semantics
//!
//! - A point on a QPV's boundary is in that QPV (distance 0): "covers", not "contains".
//! - Containment uses the **even-odd rule** over all the rings of a QPV, as published. That is
//!   what GEOS (GeoPandas, shapely) and PostGIS compute for point-in-polygon, and what a
//!   `make_valid` repair gives for the self-intersections of the official files (34 of the
//!   1,514 polygons of the 2015 WGS84 layer): a ring that crosses itself leaves a bow-tie, whose
//!   two lobes are both inside; a spike that folds back encloses nothing. The defects are a
//!   few square metres at the crossings; everywhere else the answer is that of the valid
//!   polygon. `tests/fixtures/qpv_defects/` checks this against shapely's `make_valid`.
//! - Distances are measured to the boundary segments, so they do not depend on the defects.
//! - QPV do not overlap; if a faulty file makes them, the first QPV in file order wins.

use crate::{Converter, Crs, CrsError, QpvId, QpvLayer, Territory};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

/// Why a point cannot be located. French: these reach users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PointError {
    #[error(
        "point ({lon:.6}, {lat:.6}) hors des territoires pris en charge (France métropolitaine et Corse, Guadeloupe, Martinique, Guyane, La Réunion, Mayotte, Saint-Martin, Saint-Barthélemy, Saint-Pierre-et-Miquelon, Polynésie française)"
    )]
    OutsideTerritories { lon: f64, lat: f64 },
    #[error("coordonnées non numériques ou infinies")]
    NotFinite,
    #[error(transparent)]
    Projection(#[from] CrsError),
}

/// The answer for one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub territory: Territory,
    /// The QPV that covers the point.
    pub qpv: Option<QpvId>,
    /// The nearest QPV (the covering one when inside); `None` when the territory's zone has
    /// no QPV (Saint-Pierre-et-Miquelon).
    pub nearest: Option<QpvId>,
    /// Metres to `nearest`'s boundary; 0 inside.
    pub distance_m: Option<f64>,
}

type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, QpvId>;

/// The QPV of the territories that share one projected system, indexed by bounding box.
/// Nearest-QPV queries walk the boxes in order of distance and measure the exact distance
/// to each QPV's edges until the next box is farther than the best edge found: with a few
/// hundred edges per QPV this beats a tree over all edges several times over.
struct Zone {
    epsg: u32,
    crs: Crs,
    boxes: RTree<BoxEntry>,
    /// Per territory of the zone, in the table's order: rectangles of the zone's system that
    /// lie inside the territory's lon/lat boxes (see [`inner_rectangle`]). A point already in
    /// the zone's system that falls in one needs no projection to find its territory.
    inner: Vec<(Territory, [f64; 4])>,
}

/// The largest axis-aligned rectangle of `crs` found inside the projection of a lon/lat box:
/// the box's edges are sampled, the rectangle kept inside every sample, and shrunk by a
/// metre. `None` when the box does not project. A point inside it is inside the box; points
/// outside it take the exact path (projection to lon/lat, box test).
fn inner_rectangle(crs: &Crs, (x0, y0, x1, y1): (f64, f64, f64, f64)) -> Option<[f64; 4]> {
    const SAMPLES: usize = 256;
    let to = crs.converter_from(&Crs::wgs84());
    let edge = |from: (f64, f64), to_: (f64, f64)| -> Option<Vec<(f64, f64)>> {
        (0..=SAMPLES)
            .map(|i| {
                let t = i as f64 / SAMPLES as f64;
                to.convert(from.0 + t * (to_.0 - from.0), from.1 + t * (to_.1 - from.1))
                    .ok()
            })
            .collect()
    };
    let left = edge((x0, y0), (x0, y1))?;
    let right = edge((x1, y0), (x1, y1))?;
    let bottom = edge((x0, y0), (x1, y0))?;
    let top = edge((x0, y1), (x1, y1))?;
    // The region is bounded by the four projected edges; a rectangle right of every point
    // of the left edge, left of every point of the right edge, above the bottom one and
    // below the top one crosses none of them.
    let x_lo = left.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max) + 1.0;
    let x_hi = right.iter().map(|p| p.0).fold(f64::INFINITY, f64::min) - 1.0;
    let y_lo = bottom.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max) + 1.0;
    let y_hi = top.iter().map(|p| p.1).fold(f64::INFINITY, f64::min) - 1.0;
    (x_lo < x_hi && y_lo < y_hi).then_some([x_lo, y_lo, x_hi, y_hi])
}

/// The rings of one QPV cut into horizontal slabs, for even-odd point-in-polygon tests that
/// look at a few edges only, and its edges for distances.
struct Shape {
    /// (ax, ay, bx, by) in the zone's system.
    edges: Vec<[f64; 4]>,
    /// Per edge: (bx - ax, by - ay, 1 / squared length), for point-segment distances.
    spans: Vec<[f64; 3]>,
    y_min: f64,
    y_max: f64,
    slab_height: f64,
    /// CSR layout: the edges of slab `s` are `slab_edges[slab_start[s]..slab_start[s + 1]]`.
    slab_start: Vec<u32>,
    slab_edges: Vec<u32>,
}

impl Shape {
    fn new(rings: impl Iterator<Item = Vec<[f64; 2]>>) -> Self {
        let mut edges = Vec::new();
        for ring in rings {
            for w in ring.windows(2) {
                if w[0] != w[1] {
                    edges.push([w[0][0], w[0][1], w[1][0], w[1][1]]);
                }
            }
        }
        let spans = edges
            .iter()
            .map(|e| {
                let (dx, dy) = (e[2] - e[0], e[3] - e[1]);
                [dx, dy, 1.0 / (dx * dx + dy * dy)]
            })
            .collect();
        let y_min = edges
            .iter()
            .map(|e| e[1].min(e[3]))
            .fold(f64::INFINITY, f64::min);
        let y_max = edges
            .iter()
            .map(|e| e[1].max(e[3]))
            .fold(f64::NEG_INFINITY, f64::max);
        let slabs = (edges.len() / 4).clamp(1, 4096);
        let slab_height = ((y_max - y_min) / slabs as f64).max(f64::MIN_POSITIVE);
        let slab_of = |y: f64| (((y - y_min) / slab_height) as usize).min(slabs - 1);
        let mut buckets = vec![Vec::new(); slabs];
        for (i, e) in edges.iter().enumerate() {
            for bucket in &mut buckets[slab_of(e[1].min(e[3]))..=slab_of(e[1].max(e[3]))] {
                bucket.push(i as u32);
            }
        }
        let mut slab_start = Vec::with_capacity(slabs + 1);
        let mut slab_edges = Vec::new();
        for b in buckets {
            slab_start.push(slab_edges.len() as u32);
            slab_edges.extend(b);
        }
        slab_start.push(slab_edges.len() as u32);
        Self {
            edges,
            spans,
            y_min,
            y_max,
            slab_height,
            slab_start,
            slab_edges,
        }
    }

    /// Squared distance from a point to the nearest edge (metres²).
    fn distance_2(&self, x: f64, y: f64) -> f64 {
        let mut best = f64::INFINITY;
        for (e, s) in self.edges.iter().zip(&self.spans) {
            let (px, py) = (x - e[0], y - e[1]);
            let t = ((px * s[0] + py * s[1]) * s[2]).clamp(0.0, 1.0);
            let (cx, cy) = (px - t * s[0], py - t * s[1]);
            best = best.min(cx * cx + cy * cy);
        }
        best
    }

    /// Even-odd crossing test (a horizontal ray towards +x). Points exactly on an edge may
    /// go either way; [`QpvIndex`] settles them by their zero distance.
    fn contains(&self, x: f64, y: f64) -> bool {
        if y < self.y_min || y > self.y_max {
            return false;
        }
        let slabs = self.slab_start.len() - 1;
        let s = (((y - self.y_min) / self.slab_height) as usize).min(slabs - 1);
        let mut inside = false;
        for &i in &self.slab_edges[self.slab_start[s] as usize..self.slab_start[s + 1] as usize] {
            let [ax, ay, bx, by] = self.edges[i as usize];
            if (ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay) {
                inside = !inside;
            }
        }
        inside
    }
}

/// A QPV layer indexed for point queries. See the module documentation.
pub struct QpvIndex {
    layer: QpvLayer,
    zones: Vec<Zone>,
    shapes: Vec<Shape>,
}

impl std::fmt::Debug for QpvIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QpvIndex")
            .field("geography", &self.layer.geography)
            .field("qpv", &self.layer.len())
            .field(
                "zones",
                &self.zones.iter().map(|z| z.epsg).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl QpvIndex {
    pub fn new(layer: QpvLayer) -> Self {
        let shapes: Vec<Shape> = layer
            .features
            .par_iter()
            .map(|f| {
                Shape::new(
                    f.geometry
                        .0
                        .iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                        .map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect()),
                )
            })
            .collect();
        let mut epsgs: Vec<u32> = Territory::all().map(Territory::epsg).collect();
        epsgs.sort_unstable();
        epsgs.dedup();
        let zones = epsgs
            .into_iter()
            .map(|epsg| {
                let members: Vec<QpvId> = (0..layer.len() as QpvId)
                    .filter(|&id| layer.get(id).territory.epsg() == epsg)
                    .collect();
                let boxes = members
                    .iter()
                    .filter(|&&id| !shapes[id as usize].edges.is_empty())
                    .map(|&id| {
                        let e = &shapes[id as usize].edges;
                        let (x0, x1) = e
                            .iter()
                            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
                                (a.min(e[0]).min(e[2]), b.max(e[0]).max(e[2]))
                            });
                        let s = &shapes[id as usize];
                        GeomWithData::new(Rectangle::from_corners([x0, s.y_min], [x1, s.y_max]), id)
                    })
                    .collect();
                let crs = Crs::from_epsg(epsg).expect("territory systems are known");
                let inner = Territory::all()
                    .filter(|t| t.epsg() == epsg)
                    .flat_map(|t| t.boxes().iter().map(move |b| (t, *b)))
                    .filter_map(|(t, b)| inner_rectangle(&crs, b).map(|r| (t, r)))
                    .collect();
                Zone {
                    epsg,
                    crs,
                    boxes: RTree::bulk_load(boxes),
                    inner,
                }
            })
            .collect();
        Self {
            layer,
            zones,
            shapes,
        }
    }

    pub fn layer(&self) -> &QpvLayer {
        &self.layer
    }

    /// A locator for points given in `crs` (WGS84 lon/lat, Lambert-93, a UTM zone…).
    pub fn locator(&self, crs: &Crs) -> Locator<'_> {
        let wgs84 = Crs::wgs84();
        Locator {
            index: self,
            source_is_wgs84: *crs == wgs84,
            to_lonlat: wgs84.converter_from(crs),
            to_zone: self
                .zones
                .iter()
                .map(|z| z.crs.converter_from(crs))
                .collect(),
            native_zone: self.zones.iter().position(|z| z.crs == *crs),
        }
    }

    /// Locates one WGS84 point. For many points, build a [`Locator`] once.
    pub fn locate_lonlat(&self, lon: f64, lat: f64) -> Result<Location, PointError> {
        self.locator(&Crs::wgs84()).locate(lon, lat)
    }

    fn zone_of(&self, territory: Territory) -> usize {
        self.zones
            .iter()
            .position(|z| z.epsg == territory.epsg())
            .expect("a zone per territory system")
    }

    fn locate_in_zone(&self, territory: Territory, zone: usize, x: f64, y: f64) -> Location {
        let z = &self.zones[zone];
        let p = [x, y];
        let covering = z
            .boxes
            .locate_all_at_point(p)
            .map(|b| b.data)
            .filter(|&id| self.shapes[id as usize].contains(x, y))
            .min();
        if let Some(id) = covering {
            return Location {
                territory,
                qpv: Some(id),
                nearest: Some(id),
                distance_m: Some(0.0),
            };
        }
        let mut best: Option<(QpvId, f64)> = None;
        for (entry, box_d2) in z.boxes.nearest_neighbor_iter_with_distance_2(p) {
            if best.is_some_and(|(_, d2)| box_d2 > d2) {
                break; // every remaining QPV is farther than the best one found
            }
            let d2 = self.shapes[entry.data as usize].distance_2(x, y);
            if best.is_none_or(|(id, best_d2)| d2 < best_d2 || (d2 == best_d2 && entry.data < id)) {
                best = Some((entry.data, d2));
            }
        }
        match best {
            None => Location {
                territory,
                qpv: None,
                nearest: None,
                distance_m: None,
            },
            Some((id, d2)) => {
                let on_boundary = d2 == 0.0;
                Location {
                    territory,
                    qpv: on_boundary.then_some(id),
                    nearest: Some(id),
                    distance_m: Some(d2.sqrt()),
                }
            }
        }
    }

    /// Every QPV within `max_m` metres of a point of the zone, with its distance (0 inside),
    /// ordered by distance then id.
    fn within_in_zone(&self, zone: usize, x: f64, y: f64, max_m: f64) -> Vec<(QpvId, f64)> {
        let z = &self.zones[zone];
        let p = [x, y];
        let mut found: Vec<(QpvId, f64)> = z
            .boxes
            .locate_all_at_point(p)
            .map(|b| b.data)
            .filter(|&id| self.shapes[id as usize].contains(x, y))
            .map(|id| (id, 0.0))
            .collect();
        for entry in z.boxes.locate_within_distance(p, max_m * max_m) {
            if found.iter().any(|(id, _)| *id == entry.data) {
                continue;
            }
            let d = self.shapes[entry.data as usize].distance_2(x, y).sqrt();
            if d <= max_m {
                found.push((entry.data, d));
            }
        }
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        found
    }
}

/// Locates points given in one coordinate system; cheap to build, `Sync`.
pub struct Locator<'a> {
    index: &'a QpvIndex,
    source_is_wgs84: bool,
    to_lonlat: Converter,
    to_zone: Vec<Converter>,
    /// The zone whose system the points are given in, if any (Lambert-93, a local UTM):
    /// their territory is then found without projecting them.
    native_zone: Option<usize>,
}

/// The QPV around a point, up to a distance: what the "QPV and surroundings" figures need,
/// cheaper than [`Location`] for points far from every QPV.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    pub territory: Territory,
    /// The QPV that covers the point (on its boundary included).
    pub qpv: Option<QpvId>,
    /// Every QPV within the distance asked, with its distance in metres (0 inside), nearest
    /// first then by id: the first is the nearest QPV when it is that close.
    pub within: Vec<(QpvId, f64)>,
}

impl std::fmt::Debug for Locator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator")
            .field("source_is_wgs84", &self.source_is_wgs84)
            .finish_non_exhaustive()
    }
}

impl Locator<'_> {
    /// The territory of a point and its coordinates in that territory's zone.
    fn place(&self, x: f64, y: f64) -> Result<(Territory, usize, f64, f64), PointError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(PointError::NotFinite);
        }
        if let Some(zone) = self.native_zone {
            let inner = &self.index.zones[zone].inner;
            if let Some((territory, _)) = inner
                .iter()
                .find(|(_, [x0, y0, x1, y1])| x >= *x0 && x <= *x1 && y >= *y0 && y <= *y1)
            {
                return Ok((*territory, zone, x, y));
            }
        }
        let (lon, lat) = if self.source_is_wgs84 {
            (x, y)
        } else {
            self.to_lonlat.convert(x, y)?
        };
        let territory =
            Territory::of_lonlat(lon, lat).ok_or(PointError::OutsideTerritories { lon, lat })?;
        let zone = self.index.zone_of(territory);
        let (zx, zy) = self.to_zone[zone].convert(x, y)?;
        Ok((territory, zone, zx, zy))
    }

    /// Locates one point.
    pub fn locate(&self, x: f64, y: f64) -> Result<Location, PointError> {
        let (territory, zone, zx, zy) = self.place(x, y)?;
        Ok(self.index.locate_in_zone(territory, zone, zx, zy))
    }

    /// Locates many points on every core, answers in input order.
    pub fn locate_batch(&self, points: &[(f64, f64)]) -> Vec<Result<Location, PointError>> {
        points
            .par_iter()
            .with_min_len(1024)
            .map(|&(x, y)| self.locate(x, y))
            .collect()
    }

    /// Every QPV within `max_m` metres of the point (0 for the covering one), nearest first.
    pub fn within(&self, x: f64, y: f64, max_m: f64) -> Result<Vec<(QpvId, f64)>, PointError> {
        let (_, zone, zx, zy) = self.place(x, y)?;
        Ok(self.index.within_in_zone(zone, zx, zy, max_m))
    }

    /// The covering QPV and every QPV within `max_m` metres, in one query. For a point
    /// farther than `max_m` from every QPV this costs one empty tree search, where
    /// [`locate`](Self::locate) walks to the nearest QPV however far.
    pub fn near(&self, x: f64, y: f64, max_m: f64) -> Result<Near, PointError> {
        let (territory, zone, zx, zy) = self.place(x, y)?;
        let within = self.index.within_in_zone(zone, zx, zy, max_m);
        Ok(Near {
            territory,
            qpv: within.first().filter(|(_, d)| *d == 0.0).map(|(id, _)| *id),
            within,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> Vec<[f64; 2]> {
        vec![
            [x0, y0],
            [x0 + size, y0],
            [x0 + size, y0 + size],
            [x0, y0 + size],
            [x0, y0],
        ]
    }

    #[test]
    fn the_inner_rectangles_hold_the_cities_of_their_territory() {
        // Issue 3: most points given in Lambert-93 or a local UTM find their territory from
        // these rectangles, without a projection to lon/lat.
        let cases = [
            (
                Territory::Metropole,
                [
                    (2.35, 48.86),
                    (-4.49, 48.39),
                    (7.26, 43.70),
                    (7.75, 48.58),
                    (3.06, 50.63),
                    (-1.55, 43.48),
                ],
            ),
            (
                Territory::Guadeloupe,
                [
                    (-61.53, 16.24),
                    (-61.0, 16.3),
                    (-61.75, 16.0),
                    (-61.3, 15.9),
                    (-61.5, 16.5),
                    (-61.6, 16.2),
                ],
            ),
            (
                Territory::Reunion,
                [
                    (55.45, -20.88),
                    (55.28, -21.33),
                    (55.72, -21.1),
                    (55.25, -21.0),
                    (55.5, -21.38),
                    (55.8, -21.2),
                ],
            ),
        ];
        for (territory, cities) in cases {
            let (epsg, b) = (territory.epsg(), territory.boxes()[0]);
            let crs = Crs::from_epsg(epsg).unwrap();
            let [x0, y0, x1, y1] = inner_rectangle(&crs, b).unwrap();
            let to = crs.converter_from(&Crs::wgs84());
            for (lon, lat) in cities {
                let (x, y) = to.convert(lon, lat).unwrap();
                assert!(
                    x >= x0 && x <= x1 && y >= y0 && y <= y1,
                    "EPSG:{epsg} ({lon}, {lat})"
                );
            }
            // And never outside the box: the rectangle's corners are in it.
            for (x, y) in [(x0, y0), (x0, y1), (x1, y0), (x1, y1)] {
                let (lon, lat) = crs.to_lonlat(x, y).unwrap();
                assert!(
                    lon >= b.0 && lon <= b.2 && lat >= b.1 && lat <= b.3,
                    "EPSG:{epsg} ({lon}, {lat})"
                );
            }
        }
    }

    #[test]
    fn a_hole_is_outside_and_its_island_inside() {
        let shape = Shape::new(
            [
                square(0.0, 0.0, 100.0),
                square(25.0, 25.0, 50.0),
                square(40.0, 40.0, 20.0),
            ]
            .into_iter(),
        );
        assert!(shape.contains(10.0, 10.0));
        assert!(!shape.contains(30.0, 30.0)); // in the hole
        assert!(shape.contains(50.0, 50.0)); // on the island in the hole
        assert!(!shape.contains(150.0, 50.0));
        assert!(!shape.contains(50.0, -1.0));
    }

    #[test]
    fn both_lobes_of_a_bow_tie_are_inside() {
        // A ring that crosses itself at (50, 50), as some official polygons do.
        let bow_tie = vec![
            [0.0, 0.0],
            [100.0, 100.0],
            [100.0, 0.0],
            [0.0, 100.0],
            [0.0, 0.0],
        ];
        let shape = Shape::new(std::iter::once(bow_tie));
        assert!(shape.contains(10.0, 50.0));
        assert!(shape.contains(90.0, 50.0));
        assert!(!shape.contains(50.0, 10.0));
        assert!(!shape.contains(50.0, 90.0));
    }

    #[test]
    fn many_edges_use_many_slabs_and_agree_with_a_plain_scan() {
        // A 400-gon approximating a circle of radius 1000 m.
        let ring: Vec<[f64; 2]> = (0..=400)
            .map(|i| {
                let a = (i % 400) as f64 / 400.0 * std::f64::consts::TAU;
                [1000.0 * a.cos(), 1000.0 * a.sin()]
            })
            .collect();
        let shape = Shape::new(std::iter::once(ring));
        assert!(shape.slab_start.len() > 50);
        for (x, y, inside) in [
            (0.0, 0.0, true),
            (995.0, 0.0, true),
            (0.0, -995.0, true),
            (1001.0, 0.0, false),
            (700.0, 720.0, false),
        ] {
            assert_eq!(shape.contains(x, y), inside, "{x} {y}");
        }
    }
}
