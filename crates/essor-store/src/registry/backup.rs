//! Backing up and restoring an embedded (SQLite) registry, online and safely: the backup is
//! SQLite's own consistent copy of a live database (`VACUUM INTO`, readers and writers keep
//! going), written to a temporary file (0600: it holds personal data) renamed into place; a
//! restore copies the backup beside the registry, opens it as a registry (which checks it is
//! one, and brings an older schema up to date), then renames it over `registre.sqlite`, so
//! that a failed restore leaves the registry as it was. A PostgreSQL registry is backed up
//! with PostgreSQL's own tools (`pg_dump`, `pg_restore`: `docs/DEPLOY.md`).

use super::{Backend, FILE_NAME, Location, Registry, RegistryError, retention};
use std::path::{Path, PathBuf};

fn io(location: &Path, what: &str, e: std::io::Error) -> RegistryError {
    RegistryError::Open {
        location: Location::File(location.to_owned()),
        reason: format!("{what} : {e}"),
    }
}

/// `path` with `suffix` appended (`registre.sqlite` → `registre.sqlite-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The file and the `-wal` and `-shm` files SQLite keeps beside it.
fn with_sidecars(path: &Path) -> [PathBuf; 3] {
    [
        path.to_owned(),
        with_suffix(path, "-wal"),
        with_suffix(path, "-shm"),
    ]
}

/// A temporary name beside `path`.
fn beside(path: &Path, tag: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{tag}-{}", std::process::id()));
    path.with_file_name(name)
}

impl Registry {
    /// Writes a consistent copy of this (SQLite) registry to `to`, which must not exist;
    /// returns its size in bytes.
    pub async fn backup_to(&self, to: &Path) -> Result<u64, RegistryError> {
        if self.backend != Backend::Sqlite {
            return Err(RegistryError::Open {
                location: self.location.clone(),
                reason: "un registre PostgreSQL se sauvegarde avec pg_dump (docs/DEPLOY.md)".into(),
            });
        }
        if to.exists() {
            return Err(io(
                to,
                "la sauvegarde existe déjà",
                std::io::ErrorKind::AlreadyExists.into(),
            ));
        }
        let tmp = beside(to, "partielle");
        let _ = std::fs::remove_file(&tmp);
        let text = tmp.to_str().ok_or_else(|| {
            io(
                to,
                "chemin non UTF-8",
                std::io::ErrorKind::InvalidInput.into(),
            )
        })?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(text)
            .execute(&self.pool)
            .await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.into());
        }
        retention::private_file(&tmp).map_err(|e| io(&tmp, "droits de la sauvegarde", e))?;
        std::fs::rename(&tmp, to).map_err(|e| io(to, "écriture de la sauvegarde", e))?;
        Ok(std::fs::metadata(to).map(|m| m.len()).unwrap_or_default())
    }
}

/// Restores the SQLite backup `from` as the registry of the store folder `dir` (no server
/// may be using it); returns the schema version reached. Nothing changes when `from` is not
/// an essor registry.
pub async fn restore(from: &Path, dir: &Path) -> Result<i64, RegistryError> {
    retention::private_dir(dir).map_err(|e| io(dir, "création du dossier", e))?;
    let target = dir.join(FILE_NAME);
    let tmp = beside(&target, "restauration");
    for p in with_sidecars(&tmp) {
        let _ = std::fs::remove_file(p);
    }
    std::fs::copy(from, &tmp).map_err(|e| io(from, "lecture de la sauvegarde", e))?;
    let checked = async {
        // A registry records its migrations; any other SQLite file (or anything else) is
        // refused before essor writes its tables into it.
        let url = super::sqlite_url(&tmp).map_err(|reason| RegistryError::Open {
            location: Location::File(tmp.clone()),
            reason,
        })?;
        sqlx::any::install_default_drivers();
        let raw = sqlx::AnyPool::connect(&url).await?;
        let marked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master
             WHERE type = 'table' AND name IN ('_sqlx_migrations', 'schema_migration')",
        )
        .fetch_one(&raw)
        .await?;
        raw.close().await;
        if marked == 0 {
            return Err(RegistryError::Corrupt(
                "aucune table de migrations d'essor".into(),
            ));
        }
        let registry = Registry::open(&tmp).await?;
        let version = registry.schema_version().await?;
        // Everything in the main file before it replaces the registry.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&registry.pool)
            .await?;
        registry.close().await;
        Ok::<i64, RegistryError>(version)
    }
    .await;
    let version = match checked {
        Ok(v) => v,
        Err(e) => {
            for p in with_sidecars(&tmp) {
                let _ = std::fs::remove_file(p);
            }
            return Err(RegistryError::Open {
                location: Location::File(from.to_owned()),
                reason: format!(
                    "ce fichier n'est pas une sauvegarde lisible d'un registre essor ({e})"
                ),
            });
        }
    };
    let [_, wal, shm] = with_sidecars(&target);
    for p in [wal, shm] {
        let _ = std::fs::remove_file(p);
    }
    std::fs::rename(&tmp, &target).map_err(|e| io(&target, "remplacement du registre", e))?;
    let [_, wal, shm] = with_sidecars(&tmp);
    for p in [wal, shm] {
        let _ = std::fs::remove_file(p);
    }
    Ok(version)
}
