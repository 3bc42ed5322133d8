//! Orientation: which support and funding schemes fit a project, why, what is still unknown,
//! and who to contact (issue 5).
//!
//! The seed documents' recurring complaint is that the support landscape is unreadable for
//! project holders in the quartiers. This crate holds the answer's core, free of HTTP and
//! terminals:
//!
//! - **The catalogue** ([`catalogue`]): real schemes in `data/dispositifs/catalogue.toml`,
//!   human-edited, versioned, each with its official sources, check date and status
//!   ([`freshness`]), validated at load with French errors naming entry and field.
//! - **The rule language** ([`rule`]): one line of logic per eligibility condition, over named
//!   facts, evaluated with three-valued logic so "unknown" is never mistaken for "no".
//! - **The profile** ([`profile`]) and its **facts** ([`facts`]): what a holder says, and
//!   what follows from it.
//! - **Location** ([`location`]): the [`QpvLocator`] seam through which the geodata engine
//!   turns a commune or a point into QPV facts, without this crate depending on it.
//! - **The matcher** ([`matcher`]): every scheme, ranked, with eligibility, score, reasons and
//!   missing fields.
//! - **Output** ([`output`]): the JSON contract and the French text rendering.
//!
//! # Wiring `essor orient --profile profile.json [--format json|text]`
//!
//! The CLI (in `essor-cli`) reads the file, asks the geodata engine through a [`QpvLocator`]
//! (`essor_app::orientation::EngineLocator`, the same one the server uses, so the command
//! line and `POST /api/v1/orientation` agree; [`CommuneOnly`] needs no QPV geometry), and
//! prints:
//!
//! ```
//! use essor_orientation::{Catalogue, CommuneOnly, MatchOptions, OrientationReport, Profile, orient, render_text};
//!
//! let catalogue = Catalogue::embedded()?; // or Catalogue::from_toml_str(&text, path) for --catalogue
//! let profile = Profile::from_json(r#"{"holder": "person", "informal": true, "stage": "idee"}"#)?;
//! let results = orient(&catalogue, &profile, &CommuneOnly, &MatchOptions::default());
//! let json = OrientationReport::new(results.clone()).to_json_pretty(); // --format json
//! let text = render_text(&catalogue, &results); // --format text
//! assert!(json.starts_with("{\n  \"results\": ["));
//! assert!(text.starts_with("Orientation : "));
//! // Print these before the answer (CLI on stderr, pages as « information vérifiée le … »):
//! let today = essor_orientation::freshness::today_utc();
//! let stale = catalogue.stale_warnings(&today, essor_orientation::freshness::DEFAULT_MAX_AGE_DAYS);
//! assert!(stale.iter().all(|w| w.field == "verifie_le"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Errors ([`ProfileError`], [`CatalogueError`]) are French and name the field; the CLI should
//! print them as they are, with the file path as context. The server does the same with the
//! JSON body of `POST /api/v1/orientation`. A referral (issue 5, point 5) targets a
//! [`ReferralTarget`]: a scheme id and one of its operators' ids.

/// The catalogue of schemes: data model, loading and validation.
pub mod catalogue;
/// From a profile to the facts the rules read.
pub mod facts;
/// Status of a scheme, date of its last check, stale-date warnings.
pub mod freshness;
/// The `QpvLocator` seam and département/région codes.
pub mod location;
/// The matcher: eligibility, score, reasons, missing fields.
pub mod matcher;
/// JSON report and French text rendering.
pub mod output;
/// The project profile (JSON input).
pub mod profile;
/// The eligibility rule language.
pub mod rule;
/// Folding and word splitting for themes and relevance.
pub mod text;
/// The closed vocabularies: holders, legal families, stages, needs, kinds, publics.
pub mod vocab;

pub use catalogue::{
    Catalogue, CatalogueError, Condition, EntryError, Operator, Perimeter, Reference,
    ReferralTarget, Scheme, Source,
};
pub use freshness::Status;
pub use location::{CommuneOnly, LocationFacts, QpvLocator};
pub use matcher::{Effect, Eligibility, MatchOptions, MatchResult, Reason, orient};
pub use output::{OrientationReport, profile_summary, render_text};
pub use profile::{Profile, ProfileError};
