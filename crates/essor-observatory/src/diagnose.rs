//! The pipeline of `essor diagnose`, in order (the order matters: each step needs the one
//! before):
//!
//! 1. the QPV layer, indexed (given by the caller);
//! 2. the legal units → a compact SIREN index (ESS flag, legal category, diffusion; names of
//!    ESS units only);
//! 3. the geolocation file, when given → a SIRET-sorted table;
//! 4. the establishments, streamed: each active one is classified ([`Facts`]), placed
//!    ([`Placer`]) and added to the tallies of its territories, on every core, by the thread
//!    that parsed it; the diffusible ESS ones in the requested scope are kept as [`Actor`]s
//!    for maps and lists.

use crate::facts::Facts;
use crate::placement::{GeolocTable, NEAR_M, PlacementIssue, Placer};
use crate::tally::Tally;
use crate::territories::{Territories, TerritoryLevel};
use essor_geo::{QpvId, QpvIndex};
use essor_model::legal::Perimeter;
use essor_sirene::{
    EstablishmentRecord, LegalUnitIndex, Progress, ReadOptions, ReadSummary, SireneError,
    TextPolicy, read_establishments_unordered, read_geoloc,
};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The input files, and the ESS perimeter they are read with.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub etablissements: PathBuf,
    pub unites_legales: PathBuf,
    pub geoloc: Option<PathBuf>,
    /// Which units count as ESS (issue 14): `observatoire` (INSEE / ESS France, the default)
    /// or `sirene` (the SIRENE flag).
    pub perimeter: Perimeter,
}

impl Inputs {
    /// The files on one line, as the méthodologie names them (« Fichiers : … »).
    pub fn describe(&self) -> String {
        format!(
            "{} ; {}{}",
            self.etablissements.display(),
            self.unites_legales.display(),
            self.geoloc
                .as_ref()
                .map(|g| format!(" ; {}", g.display()))
                .unwrap_or_default()
        )
    }
}

impl Inputs {
    /// The same with file names only (no folders): what a public page may show.
    pub fn describe_names(&self) -> String {
        let name = |p: &std::path::Path| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        format!(
            "{} ; {}{}",
            name(&self.etablissements),
            name(&self.unites_legales),
            self.geoloc
                .as_deref()
                .map(|g| format!(" ; {}", name(g)))
                .unwrap_or_default()
        )
    }
}

/// Which diffusible ESS establishments to keep individually.
#[derive(Debug, Clone, PartialEq)]
pub enum ActorScope {
    None,
    All,
    /// Those of a territory (`level:code`), plus those within 500 m of its QPV.
    Territory(TerritoryLevel, String),
}

/// A diffusible, active ESS establishment, as maps and lists show it. Units or
/// establishments with `statutDiffusion = P` never become an `Actor`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Actor {
    pub siret: String,
    pub name: String,
    pub enseigne: Option<String>,
    pub family: essor_model::legal::LegalFamily,
    pub legal_category: Option<String>,
    pub naf: Option<String>,
    pub headcount: Option<String>,
    pub employer: bool,
    pub jobs: f64,
    pub commune: Option<String>,
    pub address: Option<String>,
    pub rna: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub qpv: Option<String>,
    pub nearest_qpv: Option<String>,
    pub distance_m: Option<f64>,
}

/// Tallies of every territory of one run (or one worker).
#[derive(Debug, Clone)]
pub struct Tallies {
    pub france: Tally,
    pub qpv_total: Tally,
    pub hors_qpv: Tally,
    pub qpv_300m_total: Tally,
    pub qpv_500m_total: Tally,
    pub regions: Vec<Tally>,
    pub departements: Vec<Tally>,
    pub epci: Vec<Tally>,
    pub communes: Vec<Tally>,
    /// Codes the COG does not know: counted under their own code, with their département.
    pub unknown_communes: HashMap<String, (Option<usize>, Tally)>,
    pub qpv: Vec<Tally>,
    pub qpv_500m: Vec<Tally>,
    /// On a 2015 layer with a geolocation file: by 2024 QPV of the embedded list
    /// (`essor_refdata::qpv::qpv_2024_codes`), from `plg_qp24`, and all of them together.
    pub qpv_2024: Vec<Tally>,
    pub qpv_2024_total: Tally,
}

impl Tallies {
    fn new(t: &Territories, qpv: usize) -> Self {
        let (r, d, e, c) = t.counts();
        Self {
            france: Tally::default(),
            qpv_total: Tally::default(),
            hors_qpv: Tally::default(),
            qpv_300m_total: Tally::default(),
            qpv_500m_total: Tally::default(),
            regions: vec![Tally::default(); r],
            departements: vec![Tally::default(); d],
            epci: vec![Tally::default(); e],
            communes: vec![Tally::default(); c],
            unknown_communes: HashMap::new(),
            qpv: vec![Tally::default(); qpv],
            qpv_500m: vec![Tally::default(); qpv],
            qpv_2024: vec![Tally::default(); essor_refdata::qpv::qpv_2024_codes().len()],
            qpv_2024_total: Tally::default(),
        }
    }

    fn merge(&mut self, o: &Tallies) {
        let all =
            |a: &mut Vec<Tally>, b: &Vec<Tally>| a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        self.france.merge(&o.france);
        self.qpv_total.merge(&o.qpv_total);
        self.hors_qpv.merge(&o.hors_qpv);
        self.qpv_300m_total.merge(&o.qpv_300m_total);
        self.qpv_500m_total.merge(&o.qpv_500m_total);
        all(&mut self.regions, &o.regions);
        all(&mut self.departements, &o.departements);
        all(&mut self.epci, &o.epci);
        all(&mut self.communes, &o.communes);
        all(&mut self.qpv, &o.qpv);
        all(&mut self.qpv_500m, &o.qpv_500m);
        all(&mut self.qpv_2024, &o.qpv_2024);
        self.qpv_2024_total.merge(&o.qpv_2024_total);
        for (code, (dep, t)) in &o.unknown_communes {
            self.unknown_communes
                .entry(code.clone())
                .or_insert_with(|| (*dep, Tally::default()))
                .1
                .merge(t);
        }
    }
}

/// What the run saw, for the méthodologie and the exit status.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunReport {
    /// The ESS perimeter of every figure of the run.
    pub perimeter: Perimeter,
    pub legal_units: u64,
    pub establishments: u64,
    pub active_establishments: u64,
    /// Active establishments whose SIREN is absent from the legal units (counted non-ESS).
    pub without_legal_unit: u64,
    /// Active establishments placed by the geolocation file or their Lambert coordinates.
    pub located: u64,
    pub located_by_geoloc: u64,
    /// Active establishments with no coordinates: in no QPV figure.
    pub unlocated: u64,
    /// Active establishments whose coordinates fall outside every supported territory.
    pub outside_territories: u64,
    /// Active establishments without a commune code.
    pub without_commune: u64,
    /// Commune codes absent from the COG 2026, with their number of active establishments.
    pub unknown_communes: BTreeMap<String, u64>,
    /// `plg_qp*` codes of the geolocation file absent from the QPV layer.
    pub unknown_qpv_codes: BTreeMap<String, u64>,
    pub geoloc_rows: u64,
    /// The figures by 2024 QPV of the embedded list were made from `plg_qp24` (a 2015 layer
    /// and a geolocation file with that column): rows of its file naming a 2024 QPV.
    pub qpv_2024_rows: Option<u64>,
    /// French lines: anomalies of the input files (reason, file, line, field).
    pub anomalies: Vec<String>,
    pub anomaly_count: u64,
    pub missing_optional_columns: Vec<String>,
    /// What the job estimates of France rest on (issue 14).
    pub jobs: JobsReport,
}

/// The headcount brackets behind the run's job estimates, for France: how many ESS
/// employers, the year of their brackets, and the employers without a bracket.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct JobsReport {
    pub ess_employers: u64,
    pub ess_employers_unknown_bracket: u64,
    /// By [`crate::tally::VINTAGES`].
    pub ess_employers_by_vintage: [u64; crate::tally::VINTAGES.len()],
}

impl JobsReport {
    pub fn of(t: &Tally) -> Self {
        Self {
            ess_employers: t.ess_employer_establishments,
            ess_employers_unknown_bracket: t.ess_employer_unknown_bracket,
            ess_employers_by_vintage: t.ess_employer_by_vintage,
        }
    }
}

/// A completed diagnosis.
#[derive(Debug)]
pub struct Diagnosis {
    pub tallies: Tallies,
    pub actors: Vec<Actor>,
    pub report: RunReport,
    pub territories: Territories,
}

/// Per-worker state, one per rayon thread.
struct Worker {
    tallies: Tallies,
    actors: Vec<Actor>,
    report: RunReport,
}

/// Runs the whole pipeline (module doc).
pub fn diagnose(
    inputs: &Inputs,
    index: &QpvIndex,
    scope: &ActorScope,
    progress: &dyn Progress,
) -> Result<Diagnosis, SireneError> {
    let territories = Territories::new(index.layer());
    let perimeter = inputs.perimeter;
    let mut report = RunReport {
        perimeter,
        ..RunReport::default()
    };

    // 2. Legal units (names kept for the units that are ESS in the perimeter).
    let opts = ReadOptions::default().with_text(TextPolicy::EssIn(perimeter));
    let (units, summary) = LegalUnitIndex::build(&inputs.unites_legales, &opts, progress)?;
    report.legal_units = units.len() as u64;
    note(&mut report, &summary);
    let units = Arc::new(units);

    // 3. Geolocation file.
    let geoloc = match &inputs.geoloc {
        None => None,
        Some(path) => {
            let mut builder = GeolocTable::builder(index);
            let summary = read_geoloc(path, &ReadOptions::default(), progress, |batch| {
                batch.iter().for_each(|r| builder.push(r))
            })?;
            note(&mut report, &summary);
            let table = builder.finish();
            report.geoloc_rows = table.len() as u64;
            if index.layer().geography == essor_model::QpvGeography::Qpv2015
                && !summary.missing_optional.contains(&"plg_qp24")
            {
                report.qpv_2024_rows = Some(table.qpv24_rows);
            }
            report.unknown_qpv_codes = table
                .unknown_codes
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            Some(table)
        }
    };

    // 4. Establishments.
    let placer = Placer::new(index, geoloc.as_ref());
    let text = if *scope == ActorScope::None {
        TextPolicy::None
    } else {
        let units = units.clone();
        TextPolicy::Only(Arc::new(move |siren| {
            units
                .get(siren)
                .is_some_and(|u| u.ess_family(perimeter).is_some())
        }))
    };
    let workers: Vec<Mutex<Worker>> = (0..rayon::current_num_threads().max(1))
        .map(|_| {
            Mutex::new(Worker {
                tallies: Tallies::new(&territories, index.layer().len()),
                actors: Vec::new(),
                report: RunReport::default(),
            })
        })
        .collect();
    let ctx = Ctx {
        territories: &territories,
        placer: &placer,
        units: &units,
        scope,
        perimeter,
    };
    // Each batch is classified, placed and counted by the thread that parsed it, into that
    // thread's own tallies (so the locks are never contended): the figures are sums of
    // counts and of half-integer job estimates, exact in any order.
    let summary = read_establishments_unordered(
        &inputs.etablissements,
        &ReadOptions::default().with_text(text),
        progress,
        |batch| {
            let slot = rayon::current_thread_index().unwrap_or(0) % workers.len();
            let mut w = workers[slot].lock().expect("no worker panics");
            for e in &batch {
                ctx.add(&mut w, e);
            }
        },
    )?;
    note(&mut report, &summary);

    let mut workers = workers
        .into_iter()
        .map(|w| w.into_inner().expect("no worker panics"));
    let first = workers.next().expect("at least one worker");
    let (mut tallies, mut actors) = (first.tallies, first.actors);
    add_counts(&mut report, &first.report);
    for w in workers {
        tallies.merge(&w.tallies);
        actors.extend(w.actors);
        add_counts(&mut report, &w.report);
    }
    report.establishments = summary.records;
    report.jobs = JobsReport::of(&tallies.france);
    actors.sort_by(|a, b| a.siret.cmp(&b.siret));
    Ok(Diagnosis {
        tallies,
        actors,
        report,
        territories,
    })
}

fn note(report: &mut RunReport, summary: &ReadSummary) {
    report.anomaly_count += summary.rejects.rows_dropped + summary.rejects.fields_ignored;
    report.anomalies.extend(
        summary
            .rejects
            .samples
            .iter()
            .take(50)
            .map(|r| r.to_string()),
    );
    report.missing_optional_columns.extend(
        summary
            .missing_optional
            .iter()
            .map(|c| format!("{} : {c}", summary.path.display())),
    );
}

fn add_counts(report: &mut RunReport, w: &RunReport) {
    report.active_establishments += w.active_establishments;
    report.without_legal_unit += w.without_legal_unit;
    report.located += w.located;
    report.located_by_geoloc += w.located_by_geoloc;
    report.unlocated += w.unlocated;
    report.outside_territories += w.outside_territories;
    report.without_commune += w.without_commune;
    for (k, v) in &w.unknown_communes {
        *report.unknown_communes.entry(k.clone()).or_insert(0) += v;
    }
}

struct Ctx<'a> {
    territories: &'a Territories,
    placer: &'a Placer<'a>,
    units: &'a LegalUnitIndex,
    scope: &'a ActorScope,
    perimeter: Perimeter,
}

impl Ctx<'_> {
    fn add(&self, w: &mut Worker, e: &EstablishmentRecord) {
        // Closed establishments count nowhere (`Facts::of` says so too): leave them before the
        // legal-unit lookup, a cache miss per row on the national index.
        if !e.is_active() {
            return;
        }
        let unit = self.units.get(e.siren());
        let Some(facts) = Facts::of(e, unit.as_ref(), self.perimeter) else {
            return;
        };
        w.report.active_establishments += 1;
        if unit.is_none() {
            w.report.without_legal_unit += 1;
        }
        let t = &mut w.tallies;
        t.france.add(&facts);

        // Administrative territories.
        let place = e.commune.as_ref().and_then(|c| self.territories.place(c));
        match (&e.commune, place) {
            (_, Some(p)) => {
                t.communes[p.commune].add(&facts);
                if let Some(i) = p.epci {
                    t.epci[i].add(&facts);
                }
                if let Some(i) = p.departement {
                    t.departements[i].add(&facts);
                }
                if let Some(i) = p.region {
                    t.regions[i].add(&facts);
                }
            }
            (Some(code), None) => {
                let code = code.without_arrondissement();
                let dep = self.territories.departement_of_code(&code);
                t.unknown_communes
                    .entry(code.to_string())
                    .or_insert_with(|| (dep, Tally::default()))
                    .1
                    .add(&facts);
                if let Some(d) = dep {
                    t.departements[d].add(&facts);
                    if let Some(r) = self.territories.region_of_departement(d) {
                        t.regions[r].add(&facts);
                    }
                }
                *w.report
                    .unknown_communes
                    .entry(code.to_string())
                    .or_insert(0) += 1;
            }
            (None, None) => w.report.without_commune += 1,
        }

        // QPV.
        let diffusible = e
            .diffusion
            .combine(unit.map_or(e.diffusion, |u| u.diffusion))
            .may_show_individually();
        let want_actor = facts.ess && diffusible && *self.scope != ActorScope::None;
        let placed = match self
            .placer
            .place(e.siret, e.commune.as_ref(), e.lambert, want_actor)
        {
            Ok(p) => p,
            Err(PlacementIssue::OutsideTerritories | PlacementIssue::UnknownQpvCode(_)) => {
                w.report.outside_territories += 1;
                None
            }
        };
        let Some(placement) = placed else {
            w.report.unlocated += 1;
            if want_actor && self.in_scope(place.map(|p| p.commune), &[]) {
                w.actors.push(self.actor(e, &facts, None));
            }
            return;
        };
        w.report.located += 1;
        if placement.from_geoloc {
            w.report.located_by_geoloc += 1;
        }
        let t = &mut w.tallies;
        if let Some(q) = placement.qpv_2024 {
            t.qpv_2024_total.add(&facts);
            t.qpv_2024[usize::from(q)].add(&facts);
        }
        match placement.qpv {
            Some(q) => {
                t.qpv_total.add(&facts);
                t.qpv[q as usize].add(&facts);
            }
            None => t.hors_qpv.add(&facts),
        }
        let d = placement.distance_m.unwrap_or(f64::INFINITY);
        if d <= 300.0 {
            t.qpv_300m_total.add(&facts);
        }
        if d <= NEAR_M {
            t.qpv_500m_total.add(&facts);
            for &q in &placement.near {
                t.qpv_500m[q as usize].add(&facts);
            }
        }
        if want_actor && self.in_scope(place.map(|p| p.commune), &placement.near) {
            w.actors.push(self.actor(e, &facts, Some(&placement)));
        }
    }

    fn in_scope(&self, commune: Option<usize>, near: &[QpvId]) -> bool {
        match self.scope {
            ActorScope::None => false,
            ActorScope::All => true,
            ActorScope::Territory(level, code) => {
                let layer = self.placer.index().layer();
                let cog = self.territories.cog();
                let c = commune.map(|i| &cog.communes[i]);
                let in_territory = match level {
                    TerritoryLevel::France => true,
                    TerritoryLevel::Region => c.is_some_and(|c| &c.region == code),
                    TerritoryLevel::Departement => c.is_some_and(|c| &c.departement == code),
                    TerritoryLevel::Epci => c.is_some_and(|c| c.code_epci.as_ref() == Some(code)),
                    TerritoryLevel::Commune => c.is_some_and(|c| &c.code == code),
                    _ => false,
                };
                in_territory
                    || near
                        .iter()
                        .any(|&q| self.territories.qpv_in(q, layer, *level, code))
            }
        }
    }

    fn actor(
        &self,
        e: &EstablishmentRecord,
        facts: &Facts,
        p: Option<&crate::placement::Placement>,
    ) -> Actor {
        let layer = self.placer.index().layer();
        let unit = self.units.get(e.siren());
        let details = self.units.details(e.siren());
        let text = e.text.as_deref();
        let name = details
            .and_then(|d| d.name.as_deref())
            .or_else(|| text.and_then(|t| t.denomination_usuelle.as_deref()))
            .unwrap_or("(nom non renseigné)")
            .to_owned();
        let code = |id: Option<QpvId>| id.map(|q| layer.get(q).code.to_string());
        Actor {
            siret: e.siret.to_string(),
            name,
            enseigne: text.and_then(|t| t.enseigne.as_deref()).map(str::to_owned),
            family: facts.family,
            legal_category: unit.and_then(|u| u.legal_category).map(|c| c.to_string()),
            naf: e.naf.as_ref().map(|n| n.as_str().to_owned()),
            headcount: e.headcount.map(|h| h.code().to_owned()),
            employer: facts.employer,
            jobs: facts.jobs,
            commune: e.commune.map(|c| c.to_string()),
            address: text.map(|t| t.address()).filter(|a| !a.is_empty()),
            rna: details.and_then(|d| d.rna.as_ref()).map(|r| r.to_string()),
            lon: p.and_then(|p| p.lonlat).map(|l| l.0),
            lat: p.and_then(|p| p.lonlat).map(|l| l.1),
            qpv: code(p.and_then(|p| p.qpv)),
            nearest_qpv: code(p.and_then(|p| p.nearest)),
            distance_m: p.and_then(|p| p.distance_m),
        }
    }
}
