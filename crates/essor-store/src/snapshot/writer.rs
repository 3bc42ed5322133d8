//! Building a snapshot: rows go into a temporary SQLite file in the store folder; `finish`
//! indexes, checks and renames it to `essor.sqlite` in one step. A writer dropped before
//! `finish` (an error, Ctrl-C) deletes its temporary file and leaves the old snapshot alone.

use super::search::SearchIndexBuilder;
use super::{ActorRow, FILE_NAME, FigureRow, Meta, SnapshotError, schema, text};
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use tempfile::TempPath;

/// A snapshot being built.
#[derive(Debug)]
pub struct SnapshotWriter {
    conn: Connection,
    temp: TempPath,
    target: PathBuf,
    columns: Option<usize>,
    last_siret: Option<String>,
    actors: u32,
    /// The search's postings, written at the end.
    search: SearchIndexBuilder,
}

impl SnapshotWriter {
    /// Starts a snapshot for the store folder `dir` (created when absent).
    pub fn create(dir: &Path) -> Result<Self, SnapshotError> {
        std::fs::create_dir_all(dir).map_err(SnapshotError::io(dir))?;
        let temp = tempfile::Builder::new()
            .prefix(".essor.sqlite.")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(SnapshotError::io(dir))?
            .into_temp_path();
        let err = SnapshotError::sqlite(&temp);
        let conn = Connection::open(&temp).map_err(&err)?;
        // Nothing to protect while building: the file is renamed in only when complete.
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 8192;",
        )
        .map_err(&err)?;
        conn.execute_batch(schema::CREATE).map_err(&err)?;
        conn.execute_batch("BEGIN").map_err(&err)?;
        Ok(Self {
            conn,
            temp,
            target: dir.join(FILE_NAME),
            columns: None,
            last_siret: None,
            actors: 0,
            search: SearchIndexBuilder::default(),
        })
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> SnapshotError + '_ {
        SnapshotError::sqlite(&self.temp)
    }

    /// Adds an actor; actors must come in increasing SIRET order (ids follow it).
    pub fn add_actor(&mut self, a: &ActorRow) -> Result<u32, SnapshotError> {
        if self
            .last_siret
            .as_deref()
            .is_some_and(|l| l >= a.siret.as_str())
        {
            return Err(SnapshotError::Io {
                path: self.temp.to_path_buf(),
                reason: format!(
                    "acteurs hors de l'ordre des SIRET (ou en double) : {} après {}",
                    a.siret,
                    self.last_siret.as_deref().unwrap_or_default()
                ),
            });
        }
        let id = self.actors + 1;
        let words = text::words(
            &[
                a.name.as_str(),
                a.enseigne.as_deref().unwrap_or_default(),
                a.address.as_deref().unwrap_or_default(),
                &a.search_extra,
            ]
            .join(" "),
        );
        let err = SnapshotError::sqlite(&self.temp);
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO actors VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                 ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
            )
            .map_err(&err)?;
        insert
            .execute(params![
                id,
                a.siret,
                a.name,
                a.enseigne,
                a.family.as_str(),
                a.categorie_juridique,
                a.naf,
                a.sector.as_str(),
                a.tranche_effectifs,
                a.employer,
                a.jobs,
                a.address,
                a.commune,
                a.places.commune,
                a.places.departement,
                a.places.region,
                a.places.epci,
                a.rna,
                a.lon_lat.map(|p| p.0),
                a.lon_lat.map(|p| p.1),
                a.qpv,
                a.nearest_qpv,
                a.distance_m,
                a.band,
                words.len() as i64,
            ])
            .map_err(&err)?;
        self.search.add(&words);
        self.actors = id;
        self.last_siret = Some(a.siret.clone());
        Ok(id)
    }

    /// The names of the figures' values, in order (`indicators.csv`'s numeric columns). Call
    /// once, before [`add_figures`](Self::add_figures).
    pub fn set_figure_columns(&mut self, names: &[String]) -> Result<(), SnapshotError> {
        let err = SnapshotError::sqlite(&self.temp);
        for (i, n) in names.iter().enumerate() {
            self.conn
                .execute(
                    "INSERT INTO figure_columns (ordinal, name) VALUES (?1, ?2)",
                    params![i as i64, n],
                )
                .map_err(&err)?;
        }
        self.columns = Some(names.len());
        Ok(())
    }

    /// Adds the figures of one territory.
    pub fn add_figures(&mut self, row: &FigureRow) -> Result<(), SnapshotError> {
        let expected = self.columns.ok_or_else(|| SnapshotError::Io {
            path: self.temp.to_path_buf(),
            reason: "colonnes des indicateurs non déclarées".into(),
        })?;
        if row.values.len() != expected {
            return Err(SnapshotError::Io {
                path: self.temp.to_path_buf(),
                reason: format!(
                    "{}:{} : {} valeurs pour {expected} colonnes",
                    row.level,
                    row.code,
                    row.values.len()
                ),
            });
        }
        let vals = serde_json::to_string(&row.values).expect("numbers serialise");
        let err = self.err();
        self.conn
            .prepare_cached("INSERT INTO figures (level, code, name, vals) VALUES (?1, ?2, ?3, ?4)")
            .map_err(&err)?
            .execute(params![row.level, row.code, row.name, vals])
            .map_err(&err)?;
        Ok(())
    }

    /// Number of actors written so far.
    pub fn actors(&self) -> u32 {
        self.actors
    }

    /// Writes the metadata, the search's postings, and renames the file to `essor.sqlite`.
    /// Returns the snapshot's path.
    pub fn finish(mut self, meta: &Meta) -> Result<PathBuf, SnapshotError> {
        let err = SnapshotError::sqlite(&self.temp);
        let entries = [
            ("schema", schema::VERSION.to_string()),
            ("synthetic", meta.synthetic.to_string()),
            ("description", meta.description.clone()),
            ("built_at", meta.built_at.clone()),
            ("actors", self.actors.to_string()),
        ];
        for (k, v) in entries
            .iter()
            .map(|(k, v)| (*k, Some(v.as_str())))
            .chain([("provenance", meta.provenance_json.as_deref())])
        {
            if let Some(v) = v {
                self.conn
                    .execute(
                        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                        params![k, v],
                    )
                    .map_err(&err)?;
            }
        }
        let search = std::mem::take(&mut self.search).finish();
        {
            let mut insert = self
                .conn
                .prepare("INSERT INTO terms (term, ids, tfs) VALUES (?1, ?2, ?3)")
                .map_err(&err)?;
            let mut bytes = Vec::new();
            for (term, ids, tfs) in search.terms() {
                bytes.clear();
                bytes.extend(ids.iter().flat_map(|id| id.to_le_bytes()));
                insert.execute(params![term, bytes, tfs]).map_err(&err)?;
            }
        }
        self.conn.execute_batch("COMMIT").map_err(&err)?;
        self.conn
            .execute_batch(
                "ANALYZE;
                 PRAGMA journal_mode = DELETE;",
            )
            .map_err(&err)?;
        let check: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(&err)?;
        if check != "ok" {
            return Err(SnapshotError::Io {
                path: self.temp.to_path_buf(),
                reason: format!("fichier incohérent après construction : {check}"),
            });
        }
        self.conn.close().map_err(|(_, e)| err(e))?;
        std::fs::File::open(&self.temp)
            .and_then(|f| f.sync_all())
            .map_err(SnapshotError::io(&self.temp))?;
        // Temporary files are private (0600); a snapshot is read by whoever runs the server.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.temp, std::fs::Permissions::from_mode(0o644))
                .map_err(SnapshotError::io(&self.temp))?;
        }
        let target = self.target.clone();
        self.temp
            .persist(&target)
            .map_err(|e| SnapshotError::io(&target)(e.error))?;
        if let Some(dir) = target.parent()
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(target)
    }
}
