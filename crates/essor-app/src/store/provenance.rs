//! Where a store's figures come from: the files of the run that built it, its date, the QPV
//! geography, and the run's own facts (rows read, located, anomalies), so that every page
//! and every pack can say how its numbers were made.

use serde::{Deserialize, Serialize};

/// The provenance of a store's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Provenance {
    /// Day the figures were computed (AAAA-MM-JJ, UTC).
    #[schema(example = "2026-03-02")]
    pub computed_on: String,
    /// The input files, in the order of the run.
    pub sources: Vec<SourceFile>,
    /// QPV geography of the figures.
    #[schema(example = "QPV 2015")]
    pub qpv_geography: String,
    /// The ESS perimeter of the figures (issue 14): `observatoire` (INSEE / ESS France) or
    /// `sirene` (the SIRENE flag). Stores written before it counted the SIRENE flag.
    #[serde(default = "flag_perimeter")]
    #[schema(value_type = String, example = "observatoire")]
    pub perimeter: essor_model::legal::Perimeter,
    /// The facts of the run in Markdown, as `essor diagnose` writes them under « Données de
    /// ce calcul » in `methodologie.md` (files, rows read, located, anomalies).
    pub run_facts: String,
}

fn flag_perimeter() -> essor_model::legal::Perimeter {
    essor_model::legal::Perimeter::Sirene
}

/// One input file of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SourceFile {
    /// What the file is, in French.
    #[schema(example = "Établissements (StockEtablissement)")]
    pub role: String,
    /// File name, without its folder.
    #[schema(example = "StockEtablissement_utf8.csv")]
    pub name: String,
    /// Last modification day of the file (AAAA-MM-JJ), when known: the date of the stock.
    pub modified_on: Option<String>,
    /// Size in bytes, when known.
    pub bytes: Option<u64>,
}

impl SourceFile {
    /// Describes a file from its path and metadata.
    pub fn of_path(role: impl Into<String>, path: &std::path::Path) -> Self {
        let meta = std::fs::metadata(path).ok();
        Self {
            role: role.into(),
            name: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            modified_on: meta
                .as_ref()
                .and_then(|m| m.modified().ok())
                .map(essor_observatory::methodology::date),
            bytes: meta.map(|m| m.len()),
        }
    }
}
