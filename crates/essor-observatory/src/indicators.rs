//! The rows of `indicators.csv` / `indicators.json`: one per territory, every count over
//! active establishments, shares as decimals (6 decimals; empty when the denominator is 0).

use crate::diagnose::Diagnosis;
use crate::tally::{FAMILIES, SECTIONS, Tally, VINTAGES};
use crate::territories::TerritoryLevel;
use essor_geo::QpvLayer;
use essor_model::QpvGeography;
use essor_model::csv_line::{line, spreadsheet_text};
use essor_model::sector::EssSector;
use serde_json::{Map, Value};
use std::io::Write;

/// The code of the row of all 2024 QPV counted from `plg_qp24` on a 2015 layer (level
/// `qpv_total`; the layer's own total is `QPV`).
pub const QPV_2024_TOTAL: &str = "QPV_2024";

/// One territory's figures.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub level: TerritoryLevel,
    pub code: String,
    pub name: String,
    /// Municipal population (COG 2026 for communes and their groupings; INSEE 2013 for the
    /// QPV of the 2015 geography); `None` when unknown.
    pub population: Option<u64>,
    pub tally: Tally,
}

/// A cell: an integer count, a number of jobs, a share, or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(u64),
    Jobs(f64),
    Share(Option<f64>),
}

fn share(num: f64, den: f64) -> Cell {
    Cell::Share((den > 0.0).then(|| num / den))
}

/// The column names, in order. The first 17 after `population` are the contract of issue 3.
pub fn columns() -> Vec<String> {
    let mut c: Vec<String> = [
        "level",
        "code",
        "name",
        "population",
        "establishments",
        "employer_establishments",
        "jobs",
        "private_jobs",
        "ess_establishments",
        "ess_employer_establishments",
        "ess_jobs",
        "ess_jobs_share",
        "ess_private_jobs_share",
        "ess_employer_associations",
        "ess_employer_cooperatives",
        "ess_employer_mutuelles",
        "ess_employer_fondations",
        "ess_employer_societes_commerciales",
        "jobs_low",
        "jobs_high",
        "ess_jobs_low",
        "ess_jobs_high",
        "ess_employer_share",
    ]
    .map(str::to_owned)
    .to_vec();
    for f in FAMILIES {
        c.push(format!("ess_employer_{}_share", f.column_key()));
    }
    for f in FAMILIES {
        c.push(format!("ess_jobs_{}", f.column_key()));
    }
    for s in EssSector::ALL {
        let k = s.as_str();
        c.extend([
            format!("jobs_{k}"),
            format!("ess_jobs_{k}"),
            format!("ess_jobs_share_{k}"),
            format!("ess_jobs_part_{k}"),
            format!("ess_employer_{k}"),
        ]);
    }
    for i in 0..SECTIONS {
        c.push(format!(
            "ess_establishments_naf_{}",
            (b'A' + i as u8) as char
        ));
    }
    c.extend(
        [
            "ess_establishments_per_10k_inhabitants",
            "ess_employer_per_10k_inhabitants",
            "ess_jobs_per_1k_inhabitants",
            "employer_unknown_bracket",
            "ess_employer_unknown_bracket",
        ]
        .map(str::to_owned),
    );
    for (k, _) in VINTAGES {
        c.push(format!("ess_employer_vintage_{k}"));
    }
    for (k, _) in VINTAGES {
        c.push(format!("ess_jobs_vintage_{k}"));
    }
    c
}

impl IndicatorRow {
    /// The cells, in [`columns`] order.
    pub fn cells(&self) -> Vec<Cell> {
        let t = &self.tally;
        let mut c = vec![
            Cell::Text(self.level.code().to_owned()),
            Cell::Text(self.code.clone()),
            Cell::Text(self.name.clone()),
            self.population
                .map_or(Cell::Text(String::new()), Cell::Count),
            Cell::Count(t.establishments),
            Cell::Count(t.employer_establishments),
            Cell::Jobs(t.jobs),
            Cell::Jobs(t.private_jobs),
            Cell::Count(t.ess_establishments),
            Cell::Count(t.ess_employer_establishments),
            Cell::Jobs(t.ess_jobs),
            share(t.ess_jobs, t.jobs),
            share(t.ess_jobs, t.private_jobs),
        ];
        c.extend(t.ess_employer_by_family.iter().map(|&n| Cell::Count(n)));
        c.extend([
            Cell::Jobs(t.jobs_low),
            Cell::Jobs(t.jobs_high),
            Cell::Jobs(t.ess_jobs_low),
            Cell::Jobs(t.ess_jobs_high),
        ]);
        c.push(share(
            t.ess_employer_establishments as f64,
            t.employer_establishments as f64,
        ));
        c.extend(
            t.ess_employer_by_family
                .iter()
                .map(|&n| share(n as f64, t.ess_employer_establishments as f64)),
        );
        c.extend(t.ess_jobs_by_family.iter().map(|&j| Cell::Jobs(j)));
        for i in 0..EssSector::ALL.len() {
            c.extend([
                Cell::Jobs(t.jobs_by_sector[i]),
                Cell::Jobs(t.ess_jobs_by_sector[i]),
                share(t.ess_jobs_by_sector[i], t.jobs_by_sector[i]),
                share(t.ess_jobs_by_sector[i], t.ess_jobs),
                Cell::Count(t.ess_employer_by_sector[i]),
            ]);
        }
        c.extend(
            t.ess_establishments_by_section
                .iter()
                .map(|&n| Cell::Count(n)),
        );
        let pop = self.population.unwrap_or(0) as f64;
        c.extend([
            share(t.ess_establishments as f64 * 10_000.0, pop),
            share(t.ess_employer_establishments as f64 * 10_000.0, pop),
            share(t.ess_jobs * 1_000.0, pop),
            Cell::Count(t.employer_unknown_bracket),
            Cell::Count(t.ess_employer_unknown_bracket),
        ]);
        c.extend(t.ess_employer_by_vintage.iter().map(|&n| Cell::Count(n)));
        c.extend(t.ess_jobs_by_vintage.iter().map(|&j| Cell::Jobs(j)));
        c
    }

    /// A value by column name (for reports and tests).
    pub fn get(&self, column: &str) -> Option<Cell> {
        let i = columns().iter().position(|c| c == column)?;
        self.cells().into_iter().nth(i)
    }

    /// The row back from its published values, read by column name (`get` answers `None`
    /// for a value that is absent or not published): what a store gives back of a row of
    /// `indicators.json`. Shares and densities are not read, they follow from the counts.
    /// Every count and number of jobs must be there; `population` may be missing.
    pub fn from_values(
        level: TerritoryLevel,
        code: &str,
        name: &str,
        get: impl Fn(&str) -> Option<f64>,
    ) -> Result<Self, MissingValue> {
        let need = |column: String| {
            get(&column).ok_or(MissingValue {
                level,
                code: code.to_owned(),
                column,
            })
        };
        let count = |column: String| need(column).map(|v| v.max(0.0).round() as u64);
        let mut t = Tally {
            establishments: count("establishments".into())?,
            employer_establishments: count("employer_establishments".into())?,
            jobs: need("jobs".into())?,
            jobs_low: need("jobs_low".into())?,
            jobs_high: need("jobs_high".into())?,
            private_jobs: need("private_jobs".into())?,
            ess_establishments: count("ess_establishments".into())?,
            ess_employer_establishments: count("ess_employer_establishments".into())?,
            ess_jobs: need("ess_jobs".into())?,
            ess_jobs_low: need("ess_jobs_low".into())?,
            ess_jobs_high: need("ess_jobs_high".into())?,
            ..Tally::default()
        };
        for (i, f) in FAMILIES.iter().enumerate() {
            let k = f.column_key();
            t.ess_employer_by_family[i] = count(format!("ess_employer_{k}"))?;
            t.ess_jobs_by_family[i] = need(format!("ess_jobs_{k}"))?;
        }
        for (i, s) in EssSector::ALL.iter().enumerate() {
            let k = s.as_str();
            t.jobs_by_sector[i] = need(format!("jobs_{k}"))?;
            t.ess_jobs_by_sector[i] = need(format!("ess_jobs_{k}"))?;
            t.ess_employer_by_sector[i] = count(format!("ess_employer_{k}"))?;
        }
        for i in 0..SECTIONS {
            t.ess_establishments_by_section[i] = count(format!(
                "ess_establishments_naf_{}",
                (b'A' + i as u8) as char
            ))?;
        }
        // Issue 14's columns: absent from the stores written before them, read as 0 there.
        let newer = |column: String| get(&column).unwrap_or(0.0).max(0.0);
        t.employer_unknown_bracket = newer("employer_unknown_bracket".into()).round() as u64;
        t.ess_employer_unknown_bracket =
            newer("ess_employer_unknown_bracket".into()).round() as u64;
        for (i, (k, _)) in VINTAGES.iter().enumerate() {
            t.ess_employer_by_vintage[i] =
                newer(format!("ess_employer_vintage_{k}")).round() as u64;
            t.ess_jobs_by_vintage[i] = newer(format!("ess_jobs_vintage_{k}"));
        }
        Ok(Self {
            level,
            code: code.to_owned(),
            name: name.to_owned(),
            population: get("population").map(|p| p.max(0.0).round() as u64),
            tally: t,
        })
    }

    /// The published values by column name (the numeric columns of `indicators.json`;
    /// `None` for an empty cell), in [`columns`] order.
    pub fn values(&self) -> Vec<(String, Option<f64>)> {
        columns()
            .into_iter()
            .zip(self.cells())
            .filter_map(|(name, cell)| match cell {
                Cell::Text(s) if name == "population" && s.is_empty() => Some((name, None)),
                Cell::Text(_) => None,
                Cell::Count(n) => Some((name, Some(n as f64))),
                Cell::Jobs(j) => Some((name, Some(j))),
                Cell::Share(s) => Some((name, s.map(|s| (s * 1e6).round() / 1e6))),
            })
            .collect()
    }
}

/// A count a row cannot be rebuilt without. French: it reaches users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("valeur « {column} » absente pour le territoire {}:{code}", level.code())]
pub struct MissingValue {
    pub level: TerritoryLevel,
    pub code: String,
    pub column: String,
}

fn csv_cell(c: &Cell) -> String {
    match c {
        // Territory names come from the reference data; still, a text cell never reaches a
        // spreadsheet as a formula.
        Cell::Text(s) => spreadsheet_text(s).into_owned(),
        Cell::Count(n) => n.to_string(),
        Cell::Jobs(j) => format!("{j:.1}"),
        Cell::Share(Some(s)) => format!("{s:.6}"),
        Cell::Share(None) => String::new(),
    }
}

fn json_cell(c: &Cell) -> Value {
    match c {
        Cell::Text(s) if s.is_empty() => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Count(n) => Value::from(*n),
        Cell::Jobs(j) => Value::from(*j),
        Cell::Share(Some(s)) => Value::from((s * 1e6).round() / 1e6),
        Cell::Share(None) => Value::Null,
    }
}

pub fn write_csv<'a>(
    rows: impl IntoIterator<Item = &'a IndicatorRow>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    out.write_all(line(columns()).as_bytes())?;
    for r in rows {
        out.write_all(line(r.cells().iter().map(csv_cell)).as_bytes())?;
    }
    Ok(())
}

/// One JSON object per row, keys as in the CSV.
pub fn to_json(rows: &[IndicatorRow]) -> Value {
    let cols = columns();
    Value::Array(rows.iter().map(|r| row_json(&cols, r)).collect())
}

fn row_json(cols: &[String], r: &IndicatorRow) -> Value {
    Value::Object(
        cols.iter()
            .cloned()
            .zip(r.cells().iter().map(json_cell))
            .collect::<Map<_, _>>(),
    )
}

/// [`to_json`] as compact JSON bytes, the rows serialised on every core: the same bytes as
/// `serde_json::to_vec(&to_json(rows))`, without one tree of 37,000 objects built, written
/// and freed on one core.
pub fn write_json(rows: &[IndicatorRow]) -> serde_json::Result<Vec<u8>> {
    use rayon::prelude::*;
    let cols = columns();
    let parts = rows
        .par_iter()
        .map(|r| serde_json::to_vec(&row_json(&cols, r)))
        .collect::<serde_json::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    out.push(b']');
    Ok(out)
}

/// Every territory's row, in level order, then in COG or layer order.
pub fn rows(d: &Diagnosis, layer: &QpvLayer) -> Vec<IndicatorRow> {
    let cog = d.territories.cog();
    let t = &d.tallies;
    let commune_pop = |i: usize| cog.communes[i].population.map(u64::from);
    let sum_pop = |f: &dyn Fn(&essor_refdata::cog::Commune) -> bool| -> u64 {
        cog.communes
            .iter()
            .filter(|c| f(c))
            .filter_map(|c| c.population.map(u64::from))
            .sum()
    };
    let qpv_pop: Vec<Option<u64>> = layer
        .features
        .iter()
        .map(|f| match layer.geography {
            QpvGeography::Qpv2015 => essor_refdata::qpv::qpv_2015_population()
                .get(f.code.as_str())
                .map(|p| u64::from(p.population)),
            QpvGeography::Qpv2024 => None,
        })
        .collect();
    let france_pop = sum_pop(&|_| true);
    let qpv_total_pop = qpv_pop.iter().try_fold(0u64, |acc, p| p.map(|p| acc + p));
    let row = |level, code: &str, name: &str, population, tally: &Tally| IndicatorRow {
        level,
        code: code.to_owned(),
        name: name.to_owned(),
        population,
        tally: tally.clone(),
    };
    let mut out = vec![
        row(
            TerritoryLevel::France,
            "FR",
            "France",
            Some(france_pop),
            &t.france,
        ),
        row(
            TerritoryLevel::QpvTotal,
            "QPV",
            &format!("Ensemble des QPV ({})", layer.geography),
            qpv_total_pop,
            &t.qpv_total,
        ),
        row(
            TerritoryLevel::HorsQpv,
            "HORS_QPV",
            "Hors QPV",
            qpv_total_pop.map(|q| france_pop.saturating_sub(q)),
            &t.hors_qpv,
        ),
        row(
            TerritoryLevel::Qpv300mTotal,
            "QPV_300M",
            "QPV et abords à 300 m",
            None,
            &t.qpv_300m_total,
        ),
        row(
            TerritoryLevel::Qpv500mTotal,
            "QPV_500M",
            "QPV et abords à 500 m",
            None,
            &t.qpv_500m_total,
        ),
    ];
    for (i, r) in cog.regions.iter().enumerate() {
        out.push(row(
            TerritoryLevel::Region,
            &r.code,
            &r.nom,
            Some(sum_pop(&|c| c.region == r.code)),
            &t.regions[i],
        ));
    }
    for (i, dep) in cog.departements.iter().enumerate() {
        out.push(row(
            TerritoryLevel::Departement,
            &dep.code,
            &dep.nom,
            Some(sum_pop(&|c| c.departement == dep.code)),
            &t.departements[i],
        ));
    }
    // EPCI and communes without any active establishment are left out (35,000 empty rows on
    // a small file); régions, départements and QPV are always all there.
    for (i, e) in cog
        .epci
        .iter()
        .enumerate()
        .filter(|(i, _)| t.epci[*i].establishments > 0)
    {
        out.push(row(
            TerritoryLevel::Epci,
            &e.code,
            &e.nom,
            Some(u64::from(e.population)),
            &t.epci[i],
        ));
    }
    for (i, c) in cog
        .communes
        .iter()
        .enumerate()
        .filter(|(i, _)| t.communes[*i].establishments > 0)
    {
        out.push(row(
            TerritoryLevel::Commune,
            &c.code,
            &c.nom,
            commune_pop(i),
            &t.communes[i],
        ));
    }
    let mut unknown: Vec<_> = t.unknown_communes.iter().collect();
    unknown.sort_by(|a, b| a.0.cmp(b.0));
    for (code, (_, tally)) in unknown {
        out.push(row(
            TerritoryLevel::Commune,
            code,
            "Code commune absent du COG 2026",
            None,
            tally,
        ));
    }
    // Issue 14: on the 2015 layer, with `plg_qp24` from the geolocation file, every 2024 QPV
    // of the embedded list (membership from INSEE; no polygons, so no 500 m rows).
    if d.report.qpv_2024_rows.is_some() {
        out.push(row(
            TerritoryLevel::QpvTotal,
            QPV_2024_TOTAL,
            "Ensemble des QPV (QPV 2024, d'après plg_qp24)",
            None,
            &t.qpv_2024_total,
        ));
        for (i, q) in essor_refdata::qpv::qpv_2024_codes().iter().enumerate() {
            out.push(row(
                TerritoryLevel::Qpv,
                &q.code,
                &q.name,
                None,
                &t.qpv_2024[i],
            ));
        }
    }
    for (i, f) in layer.features.iter().enumerate() {
        out.push(row(
            TerritoryLevel::Qpv,
            f.code.as_str(),
            &f.name,
            qpv_pop[i],
            &t.qpv[i],
        ));
    }
    for (i, f) in layer.features.iter().enumerate() {
        out.push(row(
            TerritoryLevel::Qpv500m,
            f.code.as_str(),
            &format!("{} et abords (500 m)", f.name),
            None,
            &t.qpv_500m[i],
        ));
    }
    out
}
