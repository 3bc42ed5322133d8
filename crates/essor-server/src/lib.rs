//! essor's web server: the open-data API, vector tiles, the map and the pages, in French
//! and in the look of the État design system (DSFR), all served from one binary with no
//! external service.
//!
//! - [`router`]: every route in one file.
//! - [`api`]: one module per resource, one file per action, each with its OpenAPI description.
//! - [`pages`]: the HTML pages (askama templates in `templates/`).
//! - [`dossier`]: a territory's diagnostic (the figures it compares, its pack), read
//!   through the store seam only.
//! - [`store`]: the store seam, [`ActorStore`](store::ActorStore), and its empty and in-memory
//!   implementations.
//! - [`tiles`]: Mapbox Vector Tiles of the outlines and QPV (cached) and of the actors
//!   (clustered on the server), made on the server.
//! - [`orientation`]: the scheme catalogue, the matcher run with the server's QPV engine, and
//!   the referral use cases shared by the API and the pages.
//! - [`registry`]: the registry seam, [`ReferralRegistry`](registry::ReferralRegistry), with
//!   its SQLite adapter and the disabled registry of a server without `--store`.
//! - [`error`]: the JSON error envelope (RFC 9457 problem details).
//! - [`security`]: headers, CORS, cross-site writes, caps and rate limit, errors in French
//!   whatever made them; the configured public address.
//! - [`assets`]: the vendored DSFR and MapLibre files and essor's own scripts, embedded.
//! - [`state`]: [`AppState`], what every handler shares.
//! - [`cache`]: bounded caches of base-map tiles and of territory pages (the latter per
//!   generation of the store's data).
//!
//! `README.md` beside this crate lists the routes and the conventions.

/// The open-data API handlers.
pub mod api;
/// Embedded static files.
pub mod assets;
/// Bounded caches of tiles and pages.
pub mod cache;
/// A territory's diagnostic from the store seam.
pub mod dossier;
/// The JSON error envelope.
pub mod error;
/// Orientation: catalogue, matcher with the QPV engine, referral use cases.
pub mod orientation;
/// HTML pages.
pub mod pages;
/// QPV polygons in WGS84.
pub mod qpv_shapes;
/// The registry seam (referrals).
pub mod registry;
/// The routes.
pub mod router;
/// The layers around every route: headers, writes, caps, error contract.
pub mod security;
/// Starting and stopping the server.
pub mod serve;
/// The state shared by handlers.
pub mod state;
/// The store seam.
pub mod store;
/// Territory names and facts from the reference data.
pub mod territories;
/// Vector tiles.
pub mod tiles;

pub use router::{openapi, router};
pub use serve::{Server, ServerConfig, stop_signal};
pub use state::AppState;
