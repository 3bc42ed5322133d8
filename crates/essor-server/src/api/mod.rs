//! The open-data API, one module per resource and one file per action. Every handler carries
//! its OpenAPI description (`#[utoipa::path]`); [`crate::router`] collects them.
//!
//! Conventions: JSON (GeoJSON for geometries), French messages, English field names as in
//! the CSV outputs (`qpv_code`, `distance_m`, `band`); bad parameters give a 400 with the
//! envelope of [`crate::error`]; nothing non-diffusible ever leaves the server.

/// `/api/v1/actors`.
pub mod actors;
/// `/api/v1/locate`.
pub mod locate;
/// The OpenAPI document's frame (title, tags).
pub mod openapi;
/// A signed-in person's API: who they are, the referrals their organisation receives.
pub mod organisations;
/// `/api/v1/orientation`.
pub mod orientation;
/// Query-string parsing with French errors.
pub mod params;
/// `/api/v1/qpv`.
pub mod qpv;
/// `/api/v1/referrals`.
pub mod referrals;
/// `/api/v1/schemes`.
pub mod schemes;
/// `/api/v1/status`.
pub mod status;
/// `/api/v1/territories`.
pub mod territories;
/// `/tiles`.
pub mod tiles;
