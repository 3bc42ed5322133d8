//! A [`MemoryStore`] filled from a run of the observatory (`essor_observatory::diagnose`):
//! its diffusible ESS actors, the figures of every territory of `indicators.csv`, and the
//! run's provenance. What the tests and small demonstrations serve; the SQLite store of
//! `essor ingest` holds the same things on disk. The conversions both ways live here, next
//! to each other: the server gives the diagnostic pack its actors back in the observatory's
//! terms ([`observatory_actor`]).

use super::{
    Actor, ActorRecord, Diffusion, Indicator, MemoryStore, Provenance, SourceFile, TerritoryRef,
};
use essor_geo::{Bands, QpvLayer};
use essor_model::Siret;
use essor_model::headcount::HeadcountBracket;
use essor_observatory::{Diagnosis, IndicatorRow, Inputs, methodology};

impl MemoryStore {
    /// Every diffusible actor the run kept (run it with `ActorScope::All`) and the figures of
    /// every row. `description` is what the pages say of the data.
    pub fn from_run(
        d: &Diagnosis,
        rows: &[IndicatorRow],
        layer: &QpvLayer,
        inputs: &Inputs,
        description: impl Into<String>,
        synthetic: bool,
    ) -> Self {
        let bands = Bands::default();
        let store = d.actors.iter().filter_map(|a| actor(a, &bands)).fold(
            MemoryStore::new(description, synthetic),
            MemoryStore::with_actor,
        );
        rows.iter()
            .fold(store, |s, r| s.with_figures(reference(r), indicators(r)))
            .with_provenance(provenance(d, layer, inputs))
    }
}

/// The territory of a row.
pub fn reference(row: &IndicatorRow) -> TerritoryRef {
    TerritoryRef::new(row.level, row.code.clone())
}

/// A row's figures as the seam gives them: every numeric column, by name.
pub fn indicators(row: &IndicatorRow) -> Vec<Indicator> {
    row.values()
        .into_iter()
        .map(|(name, value)| Indicator { name, value })
        .collect()
}

/// The provenance of a run: its files, today's date, the geography and the run's facts.
pub fn provenance(d: &Diagnosis, layer: &QpvLayer, inputs: &Inputs) -> Provenance {
    let mut sources = vec![
        SourceFile::of_path(
            "Établissements (StockEtablissement)",
            &inputs.etablissements,
        ),
        SourceFile::of_path("Unités légales (StockUniteLegale)", &inputs.unites_legales),
    ];
    if let Some(g) = &inputs.geoloc {
        sources.push(SourceFile::of_path(
            "Géolocalisation des établissements (INSEE)",
            g,
        ));
    }
    Provenance {
        computed_on: methodology::today(),
        sources,
        qpv_geography: layer.geography.to_string(),
        perimeter: inputs.perimeter,
        // File names only: the folders of the machine that ran the ingest are not public.
        run_facts: methodology::run_facts(&d.report, layer, &inputs.describe_names()),
    }
}

/// An observatory actor as the server holds it. The observatory keeps diffusible
/// establishments only (its `Actor` is never built for `statutDiffusion = P`), hence
/// [`Diffusion::Diffusible`]; `None` for a SIRET that does not parse or a family outside
/// the ESS.
pub fn actor(a: &essor_observatory::Actor, bands: &Bands) -> Option<Actor> {
    let located = a.qpv.is_some() || a.distance_m.is_some();
    let record = ActorRecord {
        siret: Siret::parse(&a.siret).ok()?,
        name: a.name.clone(),
        enseigne: a.enseigne.clone(),
        legal_family: a.family.ess()?,
        categorie_juridique: a.legal_category.clone().unwrap_or_default(),
        naf: a.naf.clone(),
        tranche_effectifs: a.headcount.clone(),
        employer: a.employer,
        address: a.address.clone(),
        commune: a.commune.clone(),
        rna: a.rna.clone(),
        lon_lat: a.lon.zip(a.lat),
        qpv_code: a.qpv.clone(),
        nearest_qpv_code: a.nearest_qpv.clone(),
        distance_m: a.distance_m,
        band: located.then(|| bands.classify(a.qpv.is_some(), a.distance_m)),
    };
    Actor::new(record, Diffusion::Diffusible)
}

/// A server actor in the observatory's terms, for the diagnostic pack.
pub fn observatory_actor(a: &Actor) -> essor_observatory::Actor {
    let bracket = a
        .tranche_effectifs
        .as_deref()
        .and_then(HeadcountBracket::parse);
    essor_observatory::Actor {
        siret: a.siret.to_string(),
        name: a.name.clone(),
        enseigne: a.enseigne.clone(),
        family: a.legal_family,
        legal_category: (!a.categorie_juridique.is_empty()).then(|| a.categorie_juridique.clone()),
        naf: a.naf.clone(),
        headcount: a.tranche_effectifs.clone(),
        employer: a.employer,
        jobs: bracket
            .filter(|b| b.is_employer())
            .map_or(0.0, HeadcountBracket::estimated_jobs),
        commune: a.commune.clone(),
        address: a.address.clone(),
        rna: a.rna.clone(),
        lon: a.lon_lat.map(|p| p.0),
        lat: a.lon_lat.map(|p| p.1),
        qpv: a.qpv_code.clone(),
        nearest_qpv: a.nearest_qpv_code.clone(),
        distance_m: a.distance_m,
    }
}
