//! The default clustering of a map tile: the points of the tile and its buffer binned into
//! square cells, for stores with no spatial index of their own
//! ([`ActorStore::clusters`](super::ActorStore::clusters)).

use essor_geo::mercator::{TileId, to_lonlat, to_mercator};

/// A tile to cluster, in Mercator metres: what the default
/// [`ActorStore::clusters`](super::ActorStore::clusters) bins points with.
#[derive(Debug, Clone, Copy)]
pub struct TileGrid {
    left: f64,
    top: f64,
    /// Tile units per Mercator metre.
    scale: f64,
    extent: f64,
    buffer: f64,
    cell: f64,
}

impl TileGrid {
    pub fn of(t: &super::TileRequest) -> Self {
        let id = TileId {
            z: t.z,
            x: t.x,
            y: t.y,
        };
        let [left, _, _, top] = id.bounds();
        Self {
            left,
            top,
            scale: f64::from(t.extent) / id.size(),
            extent: f64::from(t.extent),
            buffer: f64::from(t.buffer),
            cell: f64::from(t.cell.max(1)),
        }
    }

    /// The WGS84 box of the tile and its buffer.
    pub fn bbox(&self) -> super::BBox {
        let margin = self.buffer / self.scale;
        let size = self.extent / self.scale;
        let (min_lon, min_lat) = to_lonlat(self.left - margin, self.top - size - margin);
        let (max_lon, max_lat) = to_lonlat(self.left + size + margin, self.top + margin);
        super::BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }
    }

    /// The points of the tile and its buffer, one cluster per occupied cell, by cell.
    pub fn bin(&self, points: Vec<super::ActorPoint>) -> Vec<super::TileCluster> {
        use super::TileCluster;
        let mut cells: std::collections::BTreeMap<(i64, i64), TileCluster> = Default::default();
        for p in points {
            let (mx, my) = to_mercator(p.lon, p.lat);
            let (x, y) = ((mx - self.left) * self.scale, (self.top - my) * self.scale);
            let b = self.buffer;
            if x < -b || y < -b || x >= self.extent + b || y >= self.extent + b {
                continue;
            }
            let key = (
                (x / self.cell).floor() as i64,
                (y / self.cell).floor() as i64,
            );
            let c = cells.entry(key).or_insert(TileCluster {
                count: 0,
                x: 0.0,
                y: 0.0,
                single: None,
            });
            c.count += 1;
            c.x += x;
            c.y += y;
            c.single = (c.count == 1).then_some(p);
        }
        cells
            .into_values()
            .map(|c| TileCluster {
                x: c.x / c.count as f64,
                y: c.y / c.count as f64,
                ..c
            })
            .collect()
    }
}
