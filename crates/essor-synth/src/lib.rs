#![doc = include_str!("../README.md")]

mod arrondissements;
mod block;
/// The distributions, as commented data (calibrations, not data).
mod calibration;
mod date;
mod error;
mod generate;
mod geography;
mod ids;
mod names;
mod output;
mod parquet;
mod rng;
mod rows;

pub use error::SynthError;

use essor_sirene::Progress;
use std::path::PathBuf;

/// The names of the files a stock is written to, as INSEE names its downloads.
pub mod files {
    pub const UNITES_LEGALES_CSV: &str = "StockUniteLegale_utf8.csv";
    pub const ETABLISSEMENTS_CSV: &str = "StockEtablissement_utf8.csv";
    pub const UNITES_LEGALES_PARQUET: &str = "StockUniteLegale_utf8.parquet";
    pub const ETABLISSEMENTS_PARQUET: &str = "StockEtablissement_utf8.parquet";
    pub const GEOLOC_CSV: &str =
        "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv";
}

/// The largest stock: about twice the national one, and well within the 10⁸ SIREN the
/// generator can number.
pub const MAX_ESTABLISHMENTS: u64 = 80_000_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// Exactly this many establishments (the legal units follow, about 1 per 1.19).
    pub establishments: u64,
    /// Same seed and count ⇒ byte-identical files, whatever the number of threads.
    pub seed: u64,
    /// Created if missing; existing files of the same names are replaced at the end.
    pub out_dir: PathBuf,
    /// Also write the Parquet twins of the two stocks.
    pub parquet: bool,
    /// Also write INSEE's geolocation file, QPV 2015 codes computed by `essor_geo`.
    pub geoloc: bool,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SynthSummary {
    pub legal_units: u64,
    pub establishments: u64,
    /// `etatAdministratifEtablissement = A`.
    pub active_establishments: u64,
    /// `statutDiffusionUniteLegale = P`.
    pub non_diffusible_units: u64,
    /// `economieSocialeSolidaireUniteLegale = O`.
    pub ess_units: u64,
    /// Open establishments of diffusible ESS units: the actors a directory shows.
    pub ess_active_diffusible_establishments: u64,
    /// Open establishments with a bracket from 01 to 53.
    pub employer_active_establishments: u64,
    /// Placed inside a QPV on purpose (others land in one by chance).
    pub placed_in_qpv: u64,
    /// Placed within a few hundred metres of a QPV on purpose.
    pub placed_near_qpv: u64,
    /// Blank Lambert coordinates (not geocoded, or abroad).
    pub without_coordinates: u64,
    pub abroad: u64,
    /// Rows of the geolocation file with a QPV code (0 without `geoloc`).
    pub geoloc_in_qpv: u64,
    /// The files written, in their final place.
    pub files: Vec<PathBuf>,
}

impl SynthSummary {
    fn add(&mut self, o: &SynthSummary) {
        self.legal_units += o.legal_units;
        self.establishments += o.establishments;
        self.active_establishments += o.active_establishments;
        self.non_diffusible_units += o.non_diffusible_units;
        self.ess_units += o.ess_units;
        self.ess_active_diffusible_establishments += o.ess_active_diffusible_establishments;
        self.employer_active_establishments += o.employer_active_establishments;
        self.placed_in_qpv += o.placed_in_qpv;
        self.placed_near_qpv += o.placed_near_qpv;
        self.without_coordinates += o.without_coordinates;
        self.abroad += o.abroad;
        self.geoloc_in_qpv += o.geoloc_in_qpv;
    }
}

/// Writes a synthetic stock into `config.out_dir` (see the crate doc). Draws on the current
/// rayon pool; reports rows through `progress` (`&()` for none).
pub fn generate(config: &SynthConfig, progress: &dyn Progress) -> Result<SynthSummary, SynthError> {
    generate::run(config, progress)
}
