//! essor's application layer: the use cases that the command line and the web server share,
//! with no HTTP and no terminal. The server (`essor-server`) adds routes, extractors, pages,
//! tiles and caches on top; the CLI (`essor-cli`) adds arguments, progress bars and French
//! messages. Neither holds a rule of its own.
//!
//! - [`App`]: what every use case needs — the QPV engine, the territories of the reference
//!   data, the store, the orientation catalogue and the registry — cheap to clone.
//! - [`store`]: the store seam, [`ActorStore`](store::ActorStore), its adapters (empty,
//!   in-memory, the SQLite snapshot) and [`store::sqlite::write_snapshot`], the ingest of an
//!   observatory run into a store.
//! - [`territories`]: naming a territory from the reference data, its breadcrumb, communes,
//!   QPV, children, neighbours and comparison; [`territories::search`], finding one by what
//!   people type.
//! - [`dossier`]: a territory's diagnostic (the figures it compares, its pack), read through
//!   the store seam only.
//! - [`orientation`]: the catalogue, the matcher run with the QPV engine ([`EngineLocator`](orientation::EngineLocator),
//!   also used by `essor orient`), the referral use cases.
//! - [`registry`]: the registry seam, [`ReferralRegistry`](registry::ReferralRegistry), its
//!   SQLite adapter and the disabled registry.
//! - [`mail`]: the invitation and password-reset e-mails, and [`Mailer`](mail::Mailer), which
//!   sends them over SMTP or, without a server, writes them to the log.
//! - [`qpv_shapes`]: the QPV polygons in WGS84, for maps and exports.

/// A territory's diagnostic from the store seam.
pub mod dossier;
/// The e-mails essor sends (invitations, password resets) and the SMTP mailer.
pub mod mail;
/// Orientation: catalogue, matcher with the QPV engine, referral use cases.
pub mod orientation;
/// QPV polygons in WGS84.
pub mod qpv_shapes;
/// The registry seam (referrals).
pub mod registry;
/// The store seam.
pub mod store;
/// Territory names and facts from the reference data.
pub mod territories;

use essor_geo::{Bands, QpvIndex};
use essor_observatory::territories::Territories;
use mail::Mailer;
use orientation::Orientation;
use qpv_shapes::QpvShapes;
use registry::{AccountDirectory, Disabled, ReferralRegistry};
use std::sync::Arc;
use store::{ActorStore, EmptyStore};
use territories::search::TerritorySearch;

/// What the use cases share: the QPV engine, the territories of the reference data, the QPV
/// in WGS84, the store, the orientation catalogue and the registry of referrals. Cheap to
/// clone (every part is shared).
#[derive(Debug, Clone)]
pub struct App {
    pub index: Arc<QpvIndex>,
    /// The COG tables and the communes of each QPV, as the observatory counts them (which
    /// QPV lie in which territory).
    pub places: Arc<Territories>,
    pub shapes: Arc<QpvShapes>,
    pub store: Arc<dyn ActorStore>,
    /// Default proximity bands of a location answer.
    pub bands: Bands,
    /// The catalogue of schemes and the matcher's locator (over `index`).
    pub orientation: Arc<Orientation>,
    /// Referrals; [`Disabled`] unless a store folder was given.
    pub registry: Arc<dyn ReferralRegistry>,
    /// Accounts and sessions; [`Disabled`] unless a registry was given.
    pub accounts: Arc<dyn AccountDirectory>,
    /// Every territory's names, codes and postcodes, for the territory search.
    pub search: Arc<TerritorySearch>,
    /// Where invitations and password-reset links go; the log unless SMTP is configured.
    pub mailer: Arc<Mailer>,
}

impl App {
    /// The use cases over a QPV layer and a store. Builds the index and the WGS84 shapes now
    /// (under a second for the embedded layer).
    pub fn new(index: QpvIndex, store: Arc<dyn ActorStore>) -> Self {
        let shapes = QpvShapes::new(index.layer());
        let index = Arc::new(index);
        Self {
            orientation: Arc::new(Orientation::embedded(index.clone())),
            places: Arc::new(Territories::new(index.layer())),
            search: Arc::new(TerritorySearch::new(
                essor_refdata::cog::cog(),
                index.layer(),
            )),
            index,
            shapes: Arc::new(shapes),
            store,
            bands: Bands::default(),
            registry: Arc::new(Disabled),
            accounts: Arc::new(Disabled),
            mailer: Arc::new(Mailer::log_only()),
        }
    }

    /// The embedded QPV 2015 and no data.
    pub fn embedded() -> Self {
        Self::new(
            QpvIndex::new(essor_refdata::qpv::qpv_2015()),
            Arc::new(EmptyStore),
        )
    }

    /// The same engine over another store.
    pub fn with_store(&self, store: Arc<dyn ActorStore>) -> Self {
        Self {
            store,
            ..self.clone()
        }
    }

    /// The same with referrals kept in `registry`.
    pub fn with_registry(&self, registry: Arc<dyn ReferralRegistry>) -> Self {
        Self {
            registry,
            ..self.clone()
        }
    }

    /// The same sending its e-mails through `mailer`.
    pub fn with_mailer(&self, mailer: Mailer) -> Self {
        Self {
            mailer: Arc::new(mailer),
            ..self.clone()
        }
    }

    /// The same with referrals, accounts and sessions in one SQL registry.
    pub fn with_sql_registry(&self, registry: registry::SqlRegistry) -> Self {
        Self {
            registry: Arc::new(registry.clone()),
            accounts: Arc::new(registry),
            ..self.clone()
        }
    }
}
