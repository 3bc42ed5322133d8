//! essor's web server: the open-data API, vector tiles, the map and the pages, in French
//! and in the look of the État design system (DSFR), all served from one binary with no
//! external service. HTTP only: the use cases (the store seam, territories and dossiers,
//! orientation, referrals) are the application layer's, [`essor_app`].
//!
//! - [`router`]: every route in one file.
//! - [`api`]: one module per resource, one file per action, each with its OpenAPI description.
//! - [`pages`]: the HTML pages (askama templates in `templates/`).
//! - [`tiles`]: Mapbox Vector Tiles of the outlines and QPV (cached) and of the actors
//!   (clustered on the server), made on the server.
//! - [`error`]: the JSON error envelope (RFC 9457 problem details).
//! - [`security`]: headers, CORS, cross-site writes, caps and rate limit, errors in French
//!   whatever made them; the configured public address.
//! - [`assets`]: the vendored DSFR and MapLibre files and essor's own scripts, embedded.
//! - [`state`]: [`AppState`], what every handler shares: the application ([`essor_app::App`])
//!   and the web layer's own tiles and caches.
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
/// The JSON error envelope.
pub mod error;
/// HTML pages.
pub mod pages;
/// The routes.
pub mod router;
/// The layers around every route: headers, writes, caps, error contract.
pub mod security;
/// Starting and stopping the server.
pub mod serve;
/// The state shared by handlers.
pub mod state;
/// Vector tiles.
pub mod tiles;

// The application's modules under their old paths inside this crate (`crate::store::…`).
use essor_app::{dossier, orientation, qpv_shapes, registry, store, territories};

pub use router::{openapi, router};
pub use serve::{Server, ServerConfig, stop_signal};
pub use state::AppState;
