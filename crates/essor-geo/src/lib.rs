//! essor's geodata engine: the QPV polygons, the systems they come in, and the answer to
//! "is this point in a QPV, and if not, how far is it?" for one point or tens of millions.
//!
//! - [`crs`]: coordinate systems (EPSG table, `.prj` detection) and conversions, via proj4rs.
//! - [`territory`]: which territory a point is in and which projected system measures it.
//! - [`qpv`]: a QPV layer and its features, polygons in metres.
//! - [`load`]: readers for the official files (shapefile, GeoJSON; 2015 and 2024 layouts).
//! - [`index`]: [`QpvIndex`], containment, nearest QPV and distance, within-distance queries.
//! - proximity bands (`in`, ≤300 m, ≤500 m, ≤1 km, `out`) are vocabulary:
//!   [`essor_model::band`], re-exported here as [`Band`] and [`Bands`].
//! - [`mercator`]: Web Mercator (EPSG:3857) and the XYZ tile grid of web maps.

/// Coordinate systems and conversions.
pub mod crs;
/// The spatial index over a QPV layer.
pub mod index;
/// Loading QPV layers from official files.
pub mod load;
/// Web Mercator and map tile addresses.
pub mod mercator;
/// QPV layers and features.
pub mod qpv;
/// Territories, their projected systems and bounding boxes.
pub mod territory;

pub use crs::{Converter, Crs, CrsError};
pub use essor_model::band::{Band, Bands};
/// The geometry types QPV polygons come in.
pub use geo_types;
pub use index::{Location, Locator, Near, PointError, QpvIndex};
pub use load::{LoadError, LoadOptions, load_file, load_files};
pub use qpv::{QpvFeature, QpvId, QpvLayer};
pub use territory::Territory;
