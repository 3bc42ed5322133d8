//! Reading a snapshot: [`Snapshot`] is one open file (a fixed pool of read-only connections
//! and the [`ActorIndex`] loaded from it); [`Live`] follows the store folder and swaps in the
//! new snapshot an ingest renames over the old one.
//!
//! Every connection of a `Snapshot` is opened at once, when the snapshot is: a connection
//! opened later would open whatever file bears the name *then*, perhaps a newer snapshot whose
//! ids do not match this index. On Unix an open file survives its replacement, so requests in
//! flight finish on the old snapshot while new ones go to the new.

use super::index::{ActorIndex, Cluster, Facets, Filter, IndexedActor, TileRequest};
use super::{
    ActorRow, FILE_NAME, Meta, Places, SnapshotError, family_from_code, schema, sector_from_code,
    text,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, params_from_iter};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock, Weak};
use std::time::{Duration, SystemTime};

/// Connections per snapshot: the server's blocking threads wait for one beyond that.
const POOL: usize = 8;

/// A text search matching more actors than this is listed in SIRET order rather than by
/// relevance: ranking a million matches would take longer than the page is worth.
const RANK_LIMIT: usize = 20_000;

const COLUMNS: &str = "id, siret, name, enseigne, family, categorie_juridique, naf, sector,
    tranche_effectifs, employer, jobs, address, commune, commune_cog, departement, region, epci,
    rna, lon, lat, qpv, nearest_qpv, distance_m, band";

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
    pool: Mutex<Vec<Connection>>,
    available: Condvar,
    index: ActorIndex,
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
                c.execute_batch("PRAGMA query_only = 1; PRAGMA mmap_size = 1073741824;")
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
        let index = load_index(conn).map_err(&err)?;
        Ok(Self {
            path: path.to_owned(),
            id,
            pool: Mutex::new(pool),
            available: Condvar::new(),
            index,
            meta,
            columns,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    pub fn index(&self) -> &ActorIndex {
        &self.index
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
    /// order (see `RANK_LIMIT`). Empty when the search has no searchable word.
    pub fn search(&self, search: &str) -> Result<Vec<u32>, SnapshotError> {
        let Some(q) = text::fts_query(search) else {
            return Ok(Vec::new());
        };
        self.with(|c| {
            let ids = c
                .prepare_cached("SELECT rowid FROM actors_fts WHERE actors_fts MATCH ?1")?
                .query_map([&q], |r| r.get::<_, u32>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            if ids.len() > RANK_LIMIT {
                return Ok(ids);
            }
            c.prepare_cached(
                "SELECT rowid FROM actors_fts WHERE actors_fts MATCH ?1 ORDER BY rank, rowid",
            )?
            .query_map([&q], |r| r.get::<_, u32>(0))?
            .collect()
        })
    }

    fn text_ids(&self, filter: &Filter) -> Result<Option<Vec<u32>>, SnapshotError> {
        filter.text.as_deref().map(|t| self.search(t)).transpose()
    }

    /// The size of a selection and one page of its rows.
    pub fn page(
        &self,
        filter: &Filter,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<ActorRow>), SnapshotError> {
        let text = self.text_ids(filter)?;
        let (total, ids) = self.index.page(filter, text.as_deref(), offset, limit);
        Ok((total, self.rows(&ids)?))
    }

    /// Every id of a selection, in the order of its pages (read the rows with
    /// [`rows`](Self::rows), a batch at a time).
    pub fn select(&self, filter: &Filter) -> Result<Vec<u32>, SnapshotError> {
        let text = self.text_ids(filter)?;
        Ok(self.index.select(filter, text.as_deref()))
    }

    pub fn facets(&self, filter: &Filter) -> Result<Facets, SnapshotError> {
        let text = self.text_ids(filter)?;
        Ok(self.index.facets(filter, text.as_deref()))
    }

    /// The clusters of a map tile, with the rows of the single actors.
    pub fn clusters(
        &self,
        tile: &TileRequest,
        filter: &Filter,
    ) -> Result<(Vec<Cluster>, Vec<ActorRow>), SnapshotError> {
        let text = self.text_ids(filter)?;
        let clusters = self.index.clusters(tile, filter, text.as_deref());
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

fn load_index(conn: &Connection) -> rusqlite::Result<ActorIndex> {
    let mut index = ActorIndex::default();
    let mut s = conn.prepare(
        "SELECT id, family, band, sector, employer, commune_cog, departement, region, epci, qpv,
                lon, lat
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
    Ok(index)
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
