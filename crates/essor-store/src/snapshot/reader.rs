//! Reading a snapshot: [`Snapshot`] is one open file (a fixed pool of read-only connections
//! and the [`ActorIndex`] loaded from it); [`Live`] follows the store folder and swaps in the
//! new snapshot an ingest renames over the old one.
//!
//! Every connection of a `Snapshot` is opened at once, when the snapshot is: a connection
//! opened later would open whatever file bears the name *then*, perhaps a newer snapshot whose
//! ids do not match this index. On Unix an open file survives its replacement, so requests in
//! flight finish on the old snapshot while new ones go to the new.

use super::index::{ActorIndex, Cluster, Facets, Filter, IndexedActor, TileRequest};
use super::memo::Memo;
use super::search::SearchIndex;
use super::{
    ActorRow, FILE_NAME, Meta, Places, SnapshotError, family_from_code, schema, sector_from_code,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params_from_iter};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock, Weak};
use std::time::{Duration, SystemTime};

/// Connections per snapshot: the server's blocking threads wait for one beyond that.
const POOL: usize = 8;

/// Actor ids of searches kept per snapshot (4 bytes each: 64 MiB), and searches kept only
/// from this many matches (fewer cost less than the lookup).
const SEARCH_MEMO_IDS: usize = 16 << 20;
const SEARCH_MEMO_FROM: usize = 1_000;

/// Up to this many rows are read one by one with a cached statement.
const FEW_ROWS: usize = 300;

/// Selections whose size and facets are kept per snapshot (a few hundred bytes each).
const FACETS_MEMO: usize = 4_096;

/// A text search matching more actors than this is listed in SIRET order rather than by
/// relevance: ranking a million matches would take longer than the page is worth.
const RANK_LIMIT: usize = 20_000;

const COLUMNS: &str = "id, siret, name, enseigne, family, categorie_juridique, naf, sector,
    tranche_effectifs, employer, jobs, address, commune, commune_cog, departement, region, epci,
    rna, lon, lat, qpv, nearest_qpv, distance_m, band";

/// The generation of the next snapshot opened in this process (see [`Snapshot::generation`]).
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// What identifies a file on disk, to notice its replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileId {
    #[cfg(unix)]
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
}

fn file_id(path: &Path) -> Option<FileId> {
    let m = std::fs::metadata(path).ok()?;
    Some(FileId {
        #[cfg(unix)]
        ino: std::os::unix::fs::MetadataExt::ino(&m),
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// The figures of one territory: its name and its values, in [`Snapshot::columns`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// An open snapshot.
#[derive(Debug)]
pub struct Snapshot {
    path: PathBuf,
    id: Option<FileId>,
    generation: u64,
    pool: Mutex<Vec<Connection>>,
    available: Condvar,
    index: ActorIndex,
    search: SearchIndex,
    /// The matches of costly searches, by search.
    searches: Memo<Arc<Vec<u32>>>,
    /// The size and facets of selections walked once, by filter: a later page of the same
    /// selection stops at its last actor instead of walking them all.
    facets: Memo<Arc<Facets>>,
    meta: Meta,
    columns: Vec<String>,
}

fn row(r: &Row<'_>) -> rusqlite::Result<ActorRow> {
    let lon: Option<f64> = r.get(18)?;
    let lat: Option<f64> = r.get(19)?;
    let family: String = r.get(4)?;
    let sector: String = r.get(7)?;
    Ok(ActorRow {
        id: r.get(0)?,
        siret: r.get(1)?,
        name: r.get(2)?,
        enseigne: r.get(3)?,
        family: family_from_code(&family).unwrap_or(essor_model::legal::LegalFamily::Autre),
        categorie_juridique: r.get(5)?,
        naf: r.get(6)?,
        sector: sector_from_code(&sector),
        tranche_effectifs: r.get(8)?,
        employer: r.get(9)?,
        jobs: r.get(10)?,
        address: r.get(11)?,
        commune: r.get(12)?,
        places: Places {
            commune: r.get(13)?,
            departement: r.get(14)?,
            region: r.get(15)?,
            epci: r.get(16)?,
        },
        rna: r.get(17)?,
        lon_lat: lon.zip(lat),
        qpv: r.get(20)?,
        nearest_qpv: r.get(21)?,
        distance_m: r.get(22)?,
        band: r.get(23)?,
        search_extra: String::new(),
    })
}

impl Snapshot {
    /// Opens `DIR/essor.sqlite`.
    pub fn open_in(dir: &Path) -> Result<Self, SnapshotError> {
        let path = dir.join(FILE_NAME);
        if !path.exists() {
            return Err(SnapshotError::Missing(dir.to_owned()));
        }
        Self::open(&path)
    }

    /// Whether the file at `path` is a snapshot of this version of the schema, without
    /// loading it: a store built by an older essor answers `false` and must be built again.
    pub fn is_current(path: &Path) -> bool {
        let Ok(c) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
            return false;
        };
        c.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get::<_, String>(0)
        })
        .is_ok_and(|v| v == schema::VERSION.to_string())
    }

    /// Opens a snapshot file and loads its index (about a second per million actors).
    pub fn open(path: &Path) -> Result<Self, SnapshotError> {
        let err = SnapshotError::sqlite(path);
        // Open every connection while the file under this name stays the same one.
        let (id, pool) = loop {
            let before = file_id(path);
            let mut pool = Vec::with_capacity(POOL);
            for _ in 0..POOL {
                let c = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(&err)?;
                // No memory map: each pooled connection would map the whole file again, and
                // the resident size would count every page once per connection (3.4 GB of
                // file pages for a 0.5 GB snapshot). Reads go through the kernel's page
                // cache, shared and not charged to the server, and each connection keeps up
                // to 32 MiB of pages itself (the B-tree's inner pages stay there; a page of
                // rows or a tile's single actors is then one read per row).
                c.execute_batch(
                    "PRAGMA query_only = 1; PRAGMA mmap_size = 0; PRAGMA cache_size = -32768;",
                )
                .map_err(&err)?;
                pool.push(c);
            }
            if file_id(path) == before {
                break (before, pool);
            }
        };
        let conn = &pool[0];
        let meta_value = |key: &str| -> Result<Option<String>, SnapshotError> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
                .map_err(&err)
        };
        let version = meta_value("schema").unwrap_or(None).unwrap_or_default();
        if version != schema::VERSION.to_string() {
            return Err(SnapshotError::Schema {
                path: path.to_owned(),
                found: if version.is_empty() {
                    "absent".into()
                } else {
                    version
                },
                known: schema::VERSION,
            });
        }
        let meta = Meta {
            synthetic: meta_value("synthetic")?.as_deref() == Some("true"),
            description: meta_value("description")?.unwrap_or_default(),
            provenance_json: meta_value("provenance")?,
            built_at: meta_value("built_at")?.unwrap_or_default(),
        };
        let columns = conn
            .prepare("SELECT name FROM figure_columns ORDER BY ordinal")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(&err)?;
        let (index, search) = load_index(conn).map_err(&err)?;
        Ok(Self {
            path: path.to_owned(),
            id,
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            pool: Mutex::new(pool),
            available: Condvar::new(),
            index,
            search,
            searches: Memo::new(SEARCH_MEMO_IDS),
            facets: Memo::new(FACETS_MEMO),
            meta,
            columns,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A number no other snapshot opened by this process has (from 1, in opening order):
    /// what was computed from one snapshot may be kept while the same generation is served.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    pub fn index(&self) -> &ActorIndex {
        &self.index
    }

    pub fn search_index(&self) -> &SearchIndex {
        &self.search
    }

    /// Number of actors.
    pub fn actors(&self) -> u64 {
        self.index.len() as u64
    }

    /// The names of the figures' values.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, SnapshotError> {
        let conn = {
            let mut pool = self.pool.lock().expect("pool lock");
            loop {
                if let Some(c) = pool.pop() {
                    break c;
                }
                pool = self.available.wait(pool).expect("pool lock");
            }
        };
        let out = f(&conn);
        self.pool.lock().expect("pool lock").push(conn);
        self.available.notify_one();
        out.map_err(SnapshotError::sqlite(&self.path))
    }

    /// The rows of these ids, in the order given (unknown ids skipped).
    pub fn rows(&self, ids: &[u32]) -> Result<Vec<ActorRow>, SnapshotError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() <= FEW_ROWS {
            // A page or a tile's single actors: one cached statement per id, in order,
            // rather than a new `IN (…)` statement to parse each time.
            return self.with(|c| {
                let mut s =
                    c.prepare_cached(&format!("SELECT {COLUMNS} FROM actors WHERE id = ?1"))?;
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(r) = s.query_row([id], row).optional()? {
                        out.push(r);
                    }
                }
                Ok(out)
            });
        }
        let mut found = self.with(|c| {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                let marks = vec!["?"; chunk.len()].join(",");
                let mut s = c.prepare(&format!(
                    "SELECT {COLUMNS} FROM actors WHERE id IN ({marks})"
                ))?;
                let rows = s.query_map(params_from_iter(chunk.iter()), row)?;
                for r in rows {
                    out.push(r?);
                }
            }
            Ok(out)
        })?;
        let rank: std::collections::HashMap<u32, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        found.sort_by_key(|r| rank.get(&r.id).copied().unwrap_or(usize::MAX));
        Ok(found)
    }

    /// One actor by SIRET.
    pub fn by_siret(&self, siret: &str) -> Result<Option<ActorRow>, SnapshotError> {
        self.with(|c| {
            c.prepare_cached(&format!("SELECT {COLUMNS} FROM actors WHERE siret = ?1"))?
                .query_row([siret], row)
                .optional()
        })
    }

    /// The ids matching a full-text search: by relevance when there are few, else in id
    /// order (see `RANK_LIMIT`). Empty when the search has no searchable word. Kept when
    /// costly (see `SEARCH_MEMO_FROM`).
    pub fn search(&self, search: &str) -> Arc<Vec<u32>> {
        if let Some(ids) = self.searches.get(search) {
            return ids;
        }
        let ids = Arc::new(self.search.search(search, RANK_LIMIT));
        if ids.len() >= SEARCH_MEMO_FROM {
            self.searches.put(search.to_owned(), ids.clone(), ids.len());
        }
        ids
    }

    fn text_ids(&self, filter: &Filter) -> Option<Arc<Vec<u32>>> {
        filter.text.as_deref().map(|t| self.search(t))
    }

    /// The size and facets of a selection walked before.
    fn known(&self, filter: &Filter) -> Option<Arc<Facets>> {
        self.facets.get(&format!("{filter:?}"))
    }

    fn keep(&self, filter: &Filter, facets: &Facets) {
        self.facets
            .put(format!("{filter:?}"), Arc::new(facets.clone()), 1);
    }

    /// The size of a selection and the ids of one page of it: from the lists alone when
    /// the filter is a text or nothing; else from one walk of the selection, whose size and
    /// facets are then kept, so that the next page of it stops at its last actor.
    fn page_of(&self, filter: &Filter, offset: u64, limit: u64) -> (u64, Vec<u32>, Arc<Facets>) {
        let text = self.text_ids(filter);
        let text = text.as_deref().map(Vec::as_slice);
        if let Some(known) = self.known(filter) {
            let ids = self.index.page_ids(filter, text, offset, limit);
            return (known.total, ids, known);
        }
        let (total, ids, facets) = self.index.page_and_facets(filter, text, offset, limit);
        self.keep(filter, &facets);
        (total, ids, Arc::new(facets))
    }

    /// The size of a selection and one page of its rows.
    pub fn page(
        &self,
        filter: &Filter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<ActorRow>), SnapshotError> {
        let only_text = *filter
            == Filter {
                text: filter.text.clone(),
                ..Filter::default()
            };
        let (total, ids) = if only_text {
            // A search alone, or nothing: the list is the answer.
            let text = self.text_ids(filter);
            self.index
                .page(filter, text.as_deref().map(Vec::as_slice), offset, limit)
        } else {
            let (total, ids, _) = self.page_of(filter, offset, limit);
            (total, ids)
        };
        Ok((total, self.rows(&ids)?))
    }

    /// [`page`](Self::page) and [`facets`](Self::facets) of one selection, its text searched
    /// once and the selection walked once (or not at all when walked before).
    pub fn page_and_facets(
        &self,
        filter: &Filter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<ActorRow>, Facets), SnapshotError> {
        let (total, ids, facets) = self.page_of(filter, offset, limit);
        Ok((total, self.rows(&ids)?, (*facets).clone()))
    }

    /// Every id of a selection, in the order of its pages (read the rows with
    /// [`rows`](Self::rows), a batch at a time).
    pub fn select(&self, filter: &Filter) -> Result<Vec<u32>, SnapshotError> {
        let text = self.text_ids(filter);
        Ok(self
            .index
            .select(filter, text.as_deref().map(Vec::as_slice)))
    }

    pub fn facets(&self, filter: &Filter) -> Result<Facets, SnapshotError> {
        if let Some(known) = self.known(filter) {
            return Ok((*known).clone());
        }
        let text = self.text_ids(filter);
        let facets = self
            .index
            .facets(filter, text.as_deref().map(Vec::as_slice));
        self.keep(filter, &facets);
        Ok(facets)
    }

    /// The clusters of a map tile, with the rows of the single actors.
    pub fn clusters(
        &self,
        tile: &TileRequest,
        filter: &Filter,
    ) -> Result<(Vec<Cluster>, Vec<ActorRow>), SnapshotError> {
        let text = self.text_ids(filter);
        let clusters = self
            .index
            .clusters(tile, filter, text.as_deref().map(Vec::as_slice));
        let singles: Vec<u32> = clusters.iter().filter_map(|c| c.single).collect();
        Ok((clusters, self.rows(&singles)?))
    }

    /// The figures of territories (`level`, `code`), in the order asked: their name and
    /// values in [`columns`](Self::columns) order.
    pub fn figures(
        &self,
        territories: &[(String, String)],
    ) -> Result<Vec<Option<Figures>>, SnapshotError> {
        let path = self.path.clone();
        self.with(|c| {
            let mut s =
                c.prepare_cached("SELECT name, vals FROM figures WHERE level = ?1 AND code = ?2")?;
            territories
                .iter()
                .map(|(level, code)| {
                    let found: Option<(String, String)> = s
                        .query_row([level, code], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    found
                        .map(|(name, vals)| {
                            serde_json::from_str::<Vec<Option<f64>>>(&vals)
                                .map(|values| Figures { name, values })
                                .map_err(|e| {
                                    rusqlite::Error::FromSqlConversionFailure(
                                        3,
                                        rusqlite::types::Type::Text,
                                        format!("{}: {e}", path.display()).into(),
                                    )
                                })
                        })
                        .transpose()
                })
                .collect()
        })
    }
}

/// The actor index and the search's postings.
fn load_index(conn: &Connection) -> rusqlite::Result<(ActorIndex, SearchIndex)> {
    let mut index = ActorIndex::default();
    let mut lengths = Vec::new();
    let mut s = conn.prepare(
        "SELECT id, family, band, sector, employer, commune_cog, departement, region, epci, qpv,
                lon, lat, words
         FROM actors ORDER BY id",
    )?;
    let mut rows = s.query([])?;
    let mut expected = 1u32;
    while let Some(r) = rows.next()? {
        let id: u32 = r.get(0)?;
        if id != expected {
            return Err(rusqlite::Error::IntegralValueOutOfRange(0, i64::from(id)));
        }
        expected += 1;
        let family: String = r.get(1)?;
        let band: Option<String> = r.get(2)?;
        let sector: String = r.get(3)?;
        let commune: Option<String> = r.get(5)?;
        let departement: Option<String> = r.get(6)?;
        let region: Option<String> = r.get(7)?;
        let epci: Option<String> = r.get(8)?;
        let qpv: Option<String> = r.get(9)?;
        let lon: Option<f64> = r.get(10)?;
        let lat: Option<f64> = r.get(11)?;
        lengths.push(u16::try_from(r.get::<_, i64>(12)?).unwrap_or(u16::MAX));
        index.push(&IndexedActor {
            family: family_from_code(&family).unwrap_or(essor_model::legal::LegalFamily::Autre),
            band: band.as_deref(),
            sector: sector_from_code(&sector),
            employer: r.get(4)?,
            commune: commune.as_deref(),
            departement: departement.as_deref(),
            region: region.as_deref(),
            epci: epci.as_deref(),
            qpv: qpv.as_deref(),
            lon_lat: lon.zip(lat),
        });
    }
    index.finish();
    let mut search = SearchIndex::default();
    let mut s = conn.prepare("SELECT term, ids, tfs FROM terms ORDER BY term")?;
    let mut rows = s.query([])?;
    let mut ids = Vec::new();
    while let Some(r) = rows.next()? {
        let term: String = r.get(0)?;
        let bytes = r.get_ref(1)?.as_blob()?;
        let tfs = r.get_ref(2)?.as_blob()?;
        ids.clear();
        ids.extend(
            bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        if ids.len() != tfs.len() || ids.windows(2).any(|w| w[0] >= w[1]) {
            return Err(rusqlite::Error::InvalidColumnType(
                1,
                format!("terms.ids of {term}"),
                rusqlite::types::Type::Blob,
            ));
        }
        search.push_term(term.into_boxed_str(), &ids, tfs);
    }
    search.set_lengths(lengths);
    Ok((index, search))
}

/// The snapshot of a store folder, followed: a background thread looks at the file every
/// `interval` and, when an ingest has renamed a new one in, opens it (index included) and
/// swaps it in. Until then, and for requests already holding it, the old one answers.
#[derive(Debug)]
pub struct Live {
    inner: Arc<LiveInner>,
}

struct LiveInner {
    dir: PathBuf,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// The last error opening a new file, so that a broken snapshot is reported once.
    last_error: Mutex<Option<String>>,
    observer: Box<dyn Fn(LiveEvent<'_>) + Send + Sync>,
}

impl std::fmt::Debug for LiveInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveInner")
            .field("dir", &self.dir)
            .field("current", &self.current)
            .finish_non_exhaustive()
    }
}

/// What the watcher of a [`Live`] snapshot saw, for the caller to log.
#[derive(Debug)]
#[non_exhaustive]
pub enum LiveEvent<'a> {
    /// A new snapshot is being served.
    Swapped(&'a Path),
    /// A new file could not be opened; the previous snapshot is still served. Reported once
    /// per distinct error.
    Failed(&'a SnapshotError),
}

impl Live {
    /// Follows `DIR/essor.sqlite`; there may be none yet (an ingest will bring it). An
    /// existing file that cannot be opened is an error.
    pub fn open(
        dir: &Path,
        interval: Duration,
        observer: impl Fn(LiveEvent<'_>) + Send + Sync + 'static,
    ) -> Result<Self, SnapshotError> {
        let path = dir.join(FILE_NAME);
        let current = if path.exists() {
            Some(Arc::new(Snapshot::open(&path)?))
        } else {
            None
        };
        let inner = Arc::new(LiveInner {
            dir: dir.to_owned(),
            current: RwLock::new(current),
            last_error: Mutex::new(None),
            observer: Box::new(observer),
        });
        let weak = Arc::downgrade(&inner);
        std::thread::Builder::new()
            .name("essor-snapshot-watch".into())
            .spawn(move || watch(weak, interval))
            .map_err(SnapshotError::io(dir))?;
        Ok(Self { inner })
    }

    /// The snapshot to answer from now.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.inner.current.read().expect("snapshot lock").clone()
    }

    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Checks the file now and swaps in a new snapshot if there is one (what the watcher
    /// does every interval). Returns whether it swapped.
    pub fn refresh(&self) -> Result<bool, SnapshotError> {
        self.inner.refresh()
    }
}

impl LiveInner {
    fn refresh(&self) -> Result<bool, SnapshotError> {
        let path = self.dir.join(FILE_NAME);
        let on_disk = file_id(&path);
        let current = self.current.read().expect("snapshot lock").clone();
        if on_disk.is_none() || current.as_ref().map(|s| &s.id) == Some(&on_disk) {
            return Ok(false);
        }
        let fresh = Arc::new(Snapshot::open(&path)?);
        *self.current.write().expect("snapshot lock") = Some(fresh);
        Ok(true)
    }
}

fn watch(inner: Weak<LiveInner>, interval: Duration) {
    loop {
        std::thread::sleep(interval);
        let Some(inner) = inner.upgrade() else {
            return;
        };
        match inner.refresh() {
            Ok(true) => {
                *inner.last_error.lock().expect("error lock") = None;
                (inner.observer)(LiveEvent::Swapped(&inner.dir.join(FILE_NAME)));
            }
            Ok(false) => {}
            Err(e) => {
                let message = e.to_string();
                let mut last = inner.last_error.lock().expect("error lock");
                if last.as_deref() != Some(message.as_str()) {
                    (inner.observer)(LiveEvent::Failed(&e));
                    *last = Some(message);
                }
            }
        }
    }
}
