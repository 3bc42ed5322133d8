//! Orientation on the server: the catalogue, the matcher run with the server's QPV engine,
//! and the referral use cases. The API handlers (`api/orientation`, `api/schemes`,
//! `api/referrals`) and the pages (`/orientation`, `/dispositifs`, `/mises-en-relation`) both
//! go through this module, so a page and the API always give the same answer.

/// The QPV engine behind the matcher's location questions.
pub mod locator;
/// Creating, reading, moving on and listing referrals.
pub mod referral;
/// Filtering the catalogue (API and `/dispositifs`).
pub mod schemes;

pub use locator::EngineLocator;

use essor_geo::QpvIndex;
use essor_orientation::{Catalogue, LocationFacts, MatchOptions, MatchResult, Profile, QpvLocator};
use std::sync::Arc;

/// The catalogue and the locator, shared by handlers.
#[derive(Debug)]
pub struct Orientation {
    pub catalogue: Catalogue,
    pub locator: EngineLocator,
}

impl Orientation {
    /// The embedded catalogue over the server's QPV index.
    pub fn embedded(index: Arc<QpvIndex>) -> Self {
        Self {
            // The embedded catalogue is validated by essor-orientation's tests.
            catalogue: Catalogue::embedded().expect("the embedded catalogue loads"),
            locator: EngineLocator::new(index),
        }
    }

    /// Every scheme for a profile, best first: `essor orient`'s answer.
    pub fn run(&self, profile: &Profile) -> Vec<MatchResult> {
        essor_orientation::orient(
            &self.catalogue,
            profile,
            &self.locator,
            &MatchOptions::default(),
        )
    }

    /// What the engine says about the profile's place (nothing when it gives none).
    pub fn place(&self, profile: &Profile) -> LocationFacts {
        if profile.commune.is_none() && profile.lonlat().is_none() {
            return LocationFacts::default();
        }
        self.locator
            .facts(profile.commune.as_ref(), profile.lonlat())
    }
}
