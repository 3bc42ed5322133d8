//! Tile addresses (the XYZ scheme of OpenStreetMap, y growing southwards) and Web Mercator
//! (EPSG:3857, metres).

use std::f64::consts::PI;

/// Earth radius of the spherical Mercator, metres.
const R: f64 = 6_378_137.0;
/// Half the width of the Mercator world, metres.
pub const HALF_WORLD: f64 = PI * R;
/// Latitudes beyond this do not exist in Web Mercator.
const MAX_LAT: f64 = 85.051_128_78;
/// Deepest zoom served.
pub const MAX_ZOOM: u8 = 22;

/// One tile: zoom, column, row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    /// `None` unless `z <= MAX_ZOOM` and `x`, `y` are on the grid of that zoom.
    pub fn new(z: u8, x: u32, y: u32) -> Option<Self> {
        let n = 1u64 << z.min(MAX_ZOOM);
        (z <= MAX_ZOOM && u64::from(x) < n && u64::from(y) < n).then_some(Self { z, x, y })
    }

    /// Width of the tile in Mercator metres.
    pub fn size(self) -> f64 {
        2.0 * HALF_WORLD / f64::from(1u32 << self.z)
    }

    /// (left, bottom, right, top) in Mercator metres.
    pub fn bounds(self) -> [f64; 4] {
        let s = self.size();
        let left = -HALF_WORLD + f64::from(self.x) * s;
        let top = HALF_WORLD - f64::from(self.y) * s;
        [left, top - s, left + s, top]
    }
}

/// WGS84 degrees to Web Mercator metres.
pub fn to_mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    (R * lon.to_radians(), R * (PI / 4.0 + lat / 2.0).tan().ln())
}

/// Web Mercator metres to WGS84 degrees.
pub fn to_lonlat(x: f64, y: f64) -> (f64, f64) {
    (
        (x / R).to_degrees(),
        (2.0 * (y / R).exp().atan() - PI / 2.0).to_degrees(),
    )
}

/// WGS84 degrees to the Web Mercator world scaled to `u32` on each axis (`0..2³²`, y
/// downwards as tile rows; clamped to the Mercator latitude range): the packed positions of
/// the actor index, where a tile of zoom z is a run of 2^(32−z) units. Same projection as
/// [`to_mercator`], on the unit square instead of metres.
pub fn to_world_u32(lon: f64, lat: f64) -> (u32, u32) {
    const MAX_LAT: f64 = 85.051_128_779_806_59;
    let scale = 4_294_967_296.0;
    let x = (lon.clamp(-180.0, 180.0) + 180.0) / 360.0;
    let phi = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    let y = (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0;
    let q = |v: f64| (v * scale).clamp(0.0, scale - 1.0) as u32;
    (q(x), q(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saint_denis_is_in_tile_12_2075_1408() {
        // Known answer: lon 2.3815, lat 48.9177 at zoom 12 is tile x = 2075, y = 1408
        // (floor((lon + 180) / 360 * 2^12), the Mercator row formula).
        let (mx, my) = to_mercator(2.3815, 48.9177);
        let t = TileId::new(12, 2075, 1408).unwrap();
        let [l, b, r, tp] = t.bounds();
        assert!(l <= mx && mx < r && b < my && my <= tp);
        let (lon, lat) = to_lonlat(mx, my);
        assert!((lon - 2.3815).abs() < 1e-9 && (lat - 48.9177).abs() < 1e-9);
    }

    #[test]
    fn the_u32_world_agrees_with_the_metres() {
        // Saint-Denis: the u32 position, scaled back to metres, is within a centimetre of
        // to_mercator's; the tile of zoom 12 is the 2^20-unit run holding it.
        let (x, y) = to_world_u32(2.3815, 48.9177);
        let (mx, my) = to_mercator(2.3815, 48.9177);
        let unit = 2.0 * HALF_WORLD / 4_294_967_296.0;
        assert!((f64::from(x) * unit - HALF_WORLD - mx).abs() < 0.01);
        assert!((HALF_WORLD - f64::from(y) * unit - my).abs() < 0.01);
        assert_eq!((x >> 20, y >> 20), (2075, 1408));
        assert_eq!(to_world_u32(0.0, 90.0).1, 0);
        assert_eq!(to_world_u32(180.0, -90.0), (u32::MAX, u32::MAX));
    }

    #[test]
    fn addresses_off_the_grid_are_refused() {
        assert!(TileId::new(0, 0, 0).is_some());
        assert!(TileId::new(1, 2, 0).is_none());
        assert!(TileId::new(23, 0, 0).is_none());
    }
}
