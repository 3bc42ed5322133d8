//! The store seam over the SQLite snapshot that `essor ingest` builds
//! (`essor_store::snapshot`): queries become snapshot filters, snapshot rows become
//! [`Actor`]s, and every call runs on the blocking pool. The snapshot is followed
//! ([`Live`]): when an ingest renames a new `essor.sqlite` in, the next requests answer from
//! it, while those in flight finish on the old one.
//!
//! [`write_snapshot`] is the other direction: the snapshot of an observatory run, next to
//! [`super::observatory`], which fills a memory store from the same run.

use super::observatory::{indicators, provenance};
use super::{
    Actor, ActorFacets, ActorPoint, ActorQuery, ActorRecord, ActorStore, ActorStream, DataStatus,
    Diffusion, Indicator, Page, Provenance, StoreError, TerritoryLevel, TerritoryRef, TileCluster,
    TileRequest,
};
use essor_geo::{Bands, QpvLayer};
use essor_model::Siret;
use essor_observatory::{Diagnosis, IndicatorRow, Inputs};
use essor_store::snapshot::{
    ActorRow, Facets, FigureRow, Filter, Live, LiveEvent, Meta, Place, Places, Snapshot,
    SnapshotError, SnapshotWriter,
};
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How often the store folder is looked at for a new snapshot.
const WATCH_EVERY: Duration = Duration::from_secs(2);

/// Rows read from SQLite per step of an export.
const EXPORT_BATCH: usize = 2_000;

/// The snapshot of a store folder, as the web layer sees it.
#[derive(Debug)]
pub struct SqliteStore {
    live: Live,
}

impl SqliteStore {
    /// Follows `DIR/essor.sqlite` (there may be none yet: the store is then empty until an
    /// ingest brings one). `observer` hears of swaps and of new files that fail to open.
    pub fn open(
        dir: &Path,
        observer: impl Fn(LiveEvent<'_>) + Send + Sync + 'static,
    ) -> Result<Self, SnapshotError> {
        Self::open_watching(dir, WATCH_EVERY, observer)
    }

    /// The same, looking at the folder every `every` (tests give an hour and call
    /// [`refresh`](Self::refresh) themselves, so that what they see does not depend on when
    /// the watcher ticks).
    pub fn open_watching(
        dir: &Path,
        every: Duration,
        observer: impl Fn(LiveEvent<'_>) + Send + Sync + 'static,
    ) -> Result<Self, SnapshotError> {
        Ok(Self {
            live: Live::open(dir, every, observer)?,
        })
    }

    /// The folder followed.
    pub fn dir(&self) -> &Path {
        self.live.dir()
    }

    /// Looks for a new snapshot now rather than at the next tick (tests).
    pub fn refresh(&self) -> Result<bool, SnapshotError> {
        self.live.refresh()
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.live.current()
    }
}

/// Runs `f` on the current snapshot on the blocking pool; `empty` when there is none yet.
async fn on_snapshot<T: Send + 'static>(
    snapshot: Option<Arc<Snapshot>>,
    empty: T,
    f: impl FnOnce(&Snapshot) -> Result<T, SnapshotError> + Send + 'static,
) -> Result<T, StoreError> {
    let Some(s) = snapshot else {
        return Ok(empty);
    };
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .map_err(|e| StoreError::Backend(format!("blocking task: {e}")))?
        .map_err(|e| StoreError::Backend(e.to_string()))
}

/// The snapshot filter of a query; `None` when nothing can match (a grouping of
/// `indicators.csv` as a territory: the API refuses those before).
fn filter(q: &ActorQuery) -> Option<Filter> {
    let place = match &q.territory {
        None => None,
        Some(t) => match t.level {
            TerritoryLevel::France => None,
            TerritoryLevel::Region => Some(Place::Region(t.code.clone())),
            TerritoryLevel::Departement => Some(Place::Departement(t.code.clone())),
            TerritoryLevel::Epci => Some(Place::Epci(t.code.clone())),
            TerritoryLevel::Commune => Some(Place::Commune(t.code.clone())),
            TerritoryLevel::Qpv => Some(Place::Qpv(t.code.clone())),
            _ => return None,
        },
    };
    Some(Filter {
        bbox: q.bbox.map(|b| [b.min_lon, b.min_lat, b.max_lon, b.max_lat]),
        text: q.text.clone(),
        families: q.families.clone(),
        bands: q.bands.iter().map(ToString::to_string).collect(),
        sectors: q.sectors.clone(),
        employer: q.employer,
        place,
    })
}

/// A snapshot row as an actor. The snapshot holds diffusible units only (the writer cannot
/// record anything else), hence [`Diffusion::Diffusible`].
fn actor(r: ActorRow) -> Option<Actor> {
    Actor::new(
        ActorRecord {
            siret: Siret::parse(&r.siret).ok()?,
            name: r.name,
            enseigne: r.enseigne,
            legal_family: r.family.ess()?,
            categorie_juridique: r.categorie_juridique,
            naf: r.naf,
            tranche_effectifs: r.tranche_effectifs,
            employer: r.employer,
            address: r.address,
            commune: r.commune,
            rna: r.rna,
            lon_lat: r.lon_lat,
            qpv_code: r.qpv,
            nearest_qpv_code: r.nearest_qpv,
            distance_m: r.distance_m,
            band: r.band.as_deref().and_then(essor_model::band::Band::parse),
        },
        Diffusion::Diffusible,
    )
}

#[async_trait::async_trait]
impl ActorStore for SqliteStore {
    fn status(&self) -> DataStatus {
        match self.current() {
            None => DataStatus {
                loaded: false,
                synthetic: false,
                description: format!(
                    "Le magasin {} n'a pas encore de données : lancez `essor ingest --store {}`.",
                    self.dir().display(),
                    self.dir().display()
                ),
                actors: 0,
            },
            Some(s) => DataStatus {
                loaded: true,
                synthetic: s.meta().synthetic,
                description: s.meta().description.clone(),
                actors: s.actors(),
            },
        }
    }

    async fn actors(&self, query: &ActorQuery) -> Result<Page<Actor>, StoreError> {
        let Some(f) = filter(query) else {
            return Ok(Page::empty());
        };
        let (offset, limit) = (query.offset(), u64::from(query.per_page));
        on_snapshot(self.current(), Page::empty(), move |s| {
            let (total, rows) = s.page(&f, offset, limit)?;
            Ok(Page {
                total,
                items: rows.into_iter().filter_map(actor).collect(),
            })
        })
        .await
    }

    async fn export(&self, query: &ActorQuery) -> Result<ActorStream, StoreError> {
        let empty: ActorStream = Box::pin(futures_util::stream::empty());
        let (Some(f), Some(s)) = (filter(query), self.current()) else {
            return Ok(empty);
        };
        let ids = on_snapshot(Some(s.clone()), Vec::new(), move |s| s.select(&f)).await?;
        let batches: Vec<Vec<u32>> = ids.chunks(EXPORT_BATCH).map(<[u32]>::to_vec).collect();
        let stream = futures_util::stream::iter(batches)
            .then(move |batch| {
                let s = s.clone();
                async move { on_snapshot(Some(s), Vec::new(), move |s| s.rows(&batch)).await }
            })
            .flat_map(|rows| {
                let items: Vec<Result<Actor, StoreError>> = match rows {
                    Ok(rows) => rows.into_iter().filter_map(actor).map(Ok).collect(),
                    Err(e) => vec![Err(e)],
                };
                futures_util::stream::iter(items)
            });
        Ok(Box::pin(stream))
    }

    async fn actor(&self, siret: Siret) -> Result<Option<Actor>, StoreError> {
        let siret = format!("{:014}", siret.get());
        on_snapshot(self.current(), None, move |s| {
            Ok(s.by_siret(&siret)?.and_then(actor))
        })
        .await
    }

    async fn territory(
        &self,
        territory: &TerritoryRef,
    ) -> Result<Option<Vec<Indicator>>, StoreError> {
        Ok(self
            .territories(std::slice::from_ref(territory))
            .await?
            .pop()
            .flatten())
    }

    async fn territories(
        &self,
        territories: &[TerritoryRef],
    ) -> Result<Vec<Option<Vec<Indicator>>>, StoreError> {
        let keys: Vec<(String, String)> = territories
            .iter()
            .map(|t| (t.level.code().to_owned(), t.code.clone()))
            .collect();
        let n = keys.len();
        on_snapshot(self.current(), vec![None; n], move |s| {
            let columns = s.columns().to_vec();
            Ok(s.figures(&keys)?
                .into_iter()
                .map(|found| {
                    found.map(|f| {
                        columns
                            .iter()
                            .zip(f.values)
                            .map(|(name, value)| Indicator {
                                name: name.clone(),
                                value,
                            })
                            .collect()
                    })
                })
                .collect())
        })
        .await
    }

    /// The snapshot's generation (0 before the first one).
    fn generation(&self) -> Option<u64> {
        Some(self.current().map_or(0, |s| s.generation()))
    }

    fn provenance(&self) -> Option<Provenance> {
        let s = self.current()?;
        serde_json::from_str(s.meta().provenance_json.as_deref()?).ok()
    }

    async fn clusters(
        &self,
        query: &ActorQuery,
        tile: &TileRequest,
    ) -> Result<Vec<TileCluster>, StoreError> {
        let Some(f) = filter(query) else {
            return Ok(Vec::new());
        };
        let tile = *tile;
        on_snapshot(self.current(), Vec::new(), move |s| {
            let (cells, singles) = s.clusters(&tile, &f)?;
            let mut points: std::collections::HashMap<u32, ActorPoint> = singles
                .into_iter()
                .filter_map(|r| {
                    let id = r.id;
                    actor(r).and_then(|a| ActorPoint::of(&a)).map(|p| (id, p))
                })
                .collect();
            Ok(cells
                .into_iter()
                .map(|c| TileCluster {
                    count: c.count,
                    x: c.x,
                    y: c.y,
                    single: c.single.and_then(|id| points.remove(&id)),
                })
                .collect())
        })
        .await
    }

    async fn facets(&self, query: &ActorQuery) -> Result<ActorFacets, StoreError> {
        let Some(f) = filter(query) else {
            return Ok(ActorFacets::empty());
        };
        on_snapshot(self.current(), ActorFacets::empty(), move |s| {
            Ok(facets(s.facets(&f)?))
        })
        .await
    }

    async fn actors_and_facets(
        &self,
        query: &ActorQuery,
    ) -> Result<(Page<Actor>, ActorFacets), StoreError> {
        let empty = (Page::empty(), ActorFacets::empty());
        let Some(f) = filter(query) else {
            return Ok(empty);
        };
        let (offset, limit) = (query.offset(), u64::from(query.per_page));
        on_snapshot(self.current(), empty, move |s| {
            let (total, rows, x) = s.page_and_facets(&f, offset, limit)?;
            let page = Page {
                total,
                items: rows.into_iter().filter_map(actor).collect(),
            };
            Ok((page, facets(x)))
        })
        .await
    }
}

/// The snapshot's facets as the seam's.
fn facets(x: Facets) -> ActorFacets {
    let mut out = ActorFacets::empty();
    out.total = x.total;
    for (family, n) in x.families {
        if let Some(slot) = family
            .ess()
            .and_then(|f| out.families.iter_mut().find(|s| s.0 == f))
        {
            slot.1 = n;
        }
    }
    for (band, n) in x.bands {
        if let Some(slot) = out.bands.iter_mut().find(|s| s.0 == band) {
            slot.1 = n;
        }
    }
    for (sector, n) in x.sectors {
        if let Some(slot) = out.sectors.iter_mut().find(|s| s.0 == sector) {
            slot.1 = n;
        }
    }
    out.employer = x.employer;
    out
}

/// Builds the snapshot of an observatory run (run with `ActorScope::All`) in the store folder
/// `dir`: its diffusible ESS actors, the figures of every row, the provenance of the run.
/// Built in a temporary file and renamed over `essor.sqlite` at the end; a running server
/// picks it up on its own. Returns the snapshot's path and its number of actors.
pub fn write_snapshot(
    dir: &Path,
    d: &Diagnosis,
    rows: &[IndicatorRow],
    layer: &QpvLayer,
    inputs: &Inputs,
    description: &str,
    synthetic: bool,
) -> Result<(PathBuf, u32), SnapshotError> {
    let cog = essor_refdata::cog::cog();
    let bands = Bands::default();
    let mut w = SnapshotWriter::create(dir)?;
    for a in &d.actors {
        let Some(family) = a.family.ess() else {
            continue;
        };
        let folded = a
            .commune
            .as_deref()
            .and_then(|c| essor_model::CommuneCode::parse(c).ok())
            .map(essor_model::CommuneCode::without_arrondissement);
        let known = folded.as_ref().and_then(|c| cog.commune(c.as_str()));
        let places = Places {
            commune: folded.as_ref().map(|c| c.as_str().to_owned()),
            departement: known
                .map(|c| c.departement.clone())
                .or_else(|| folded.as_ref().map(|c| c.departement().to_owned())),
            region: known.map(|c| c.region.clone()),
            epci: known.and_then(|c| c.code_epci.clone()),
        };
        let located = a.qpv.is_some() || a.distance_m.is_some();
        let naf = a.naf.as_deref();
        w.add_actor(&ActorRow {
            id: 0,
            siret: a.siret.clone(),
            name: a.name.clone(),
            enseigne: a.enseigne.clone(),
            family,
            categorie_juridique: a.legal_category.clone().unwrap_or_default(),
            naf: a.naf.clone(),
            sector: essor_model::sector::EssSector::of_code(
                naf.and_then(|n| essor_model::sector::NafCode::parse(n).ok())
                    .as_ref(),
            ),
            tranche_effectifs: a.headcount.clone(),
            employer: a.employer,
            jobs: a.jobs,
            address: a.address.clone(),
            commune: a.commune.clone(),
            places,
            rna: a.rna.clone(),
            lon_lat: a.lon.zip(a.lat),
            qpv: a.qpv.clone(),
            nearest_qpv: a.nearest_qpv.clone(),
            distance_m: a.distance_m,
            band: located.then(|| bands.classify(a.qpv.is_some(), a.distance_m).to_string()),
            search_extra: super::actor::search_extra(naf, a.commune.as_deref()),
        })?;
    }
    let columns: Vec<String> = rows
        .first()
        .map(|r| indicators(r).into_iter().map(|i| i.name).collect())
        .unwrap_or_default();
    w.set_figure_columns(&columns)?;
    for r in rows {
        w.add_figures(&FigureRow {
            level: r.level.code().to_owned(),
            code: r.code.clone(),
            name: r.name.clone(),
            values: indicators(r).into_iter().map(|i| i.value).collect(),
        })?;
    }
    let actors = w.actors();
    let provenance = provenance(d, layer, inputs);
    let path = w.finish(&Meta {
        synthetic,
        description: description.to_owned(),
        provenance_json: serde_json::to_string(&provenance).ok(),
        built_at: snapshot_time(),
    })?;
    Ok((path, actors))
}

/// Now, UTC, to the second.
fn snapshot_time() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    )
}
