//! The registry's schema: `sqlx`'s migrator over one folder of SQL migrations per backend
//! (`crates/essor-store/migrations/sqlite`, `…/postgres`), embedded in the binary. The two
//! folders hold the same versions with the same meaning, each in its engine's dialect.
//!
//! Each migration runs once, in its own transaction, and is recorded with its checksum in
//! `_sqlx_migrations`; opening a registry applies those not yet recorded, so opening twice
//! changes nothing. A database recording a migration this version of essor does not know was
//! written by a newer essor and is refused rather than misread. Never edit a published
//! migration: add the next one (the checksum check refuses an edited one).
//!
//! Registries written before essor used `sqlx` recorded their migrations in a
//! `schema_migration` table of their own; the first opening adopts them (marks the same
//! versions applied, then drops the old table) and goes on from there.

use super::{Backend, Location, RegistryError};
use sqlx::AnyPool;
use sqlx::migrate::{MigrateError, Migrator};

/// The SQLite migrations.
pub static SQLITE: Migrator = sqlx::migrate!("migrations/sqlite");
/// The PostgreSQL migrations.
pub static POSTGRES: Migrator = sqlx::migrate!("migrations/postgres");

/// The migrator of a backend.
pub fn migrator(backend: Backend) -> &'static Migrator {
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    }
}

/// The latest schema version this essor knows.
pub fn latest() -> i64 {
    SQLITE.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Applies the missing migrations; returns the schema version reached.
pub async fn migrate(
    pool: &AnyPool,
    backend: Backend,
    location: &Location,
) -> Result<i64, RegistryError> {
    let migrator = migrator(backend);
    if backend == Backend::Sqlite {
        adopt_legacy(pool, migrator, location).await?;
    }
    match migrator.run(pool).await {
        Ok(()) => version(pool).await,
        Err(MigrateError::VersionMissing(_)) => Err(RegistryError::NewerSchema {
            location: location.clone(),
            found: version(pool).await?,
            known: latest(),
        }),
        Err(e) => Err(RegistryError::Open {
            location: location.clone(),
            reason: format!("migration du schéma impossible : {e}"),
        }),
    }
}

/// The schema version of a database (0 when nothing was applied).
pub async fn version(pool: &AnyPool) -> Result<i64, RegistryError> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?;
    Ok(v.unwrap_or(0))
}

/// Takes over the `schema_migration` table of a registry written before `sqlx`.
async fn adopt_legacy(
    pool: &AnyPool,
    migrator: &Migrator,
    location: &Location,
) -> Result<(), RegistryError> {
    let legacy: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'",
    )
    .fetch_one(pool)
    .await?;
    if legacy == 0 {
        return Ok(());
    }
    let reached: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migration")
        .fetch_one(pool)
        .await?;
    if reached > latest() {
        return Err(RegistryError::NewerSchema {
            location: location.clone(),
            found: reached,
            known: latest(),
        });
    }
    // Marks versions 1..=reached applied (their SQL is the same as the old runner's), unless
    // an interrupted adoption already did.
    migrator
        .skip(pool, Some(reached))
        .await
        .map_err(|e| RegistryError::Open {
            location: location.clone(),
            reason: format!("reprise de l'ancien suivi des migrations impossible : {e}"),
        })?;
    sqlx::query("DROP TABLE schema_migration")
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_increasing_versions() {
        let versions = |m: &Migrator| m.iter().map(|m| m.version).collect::<Vec<_>>();
        let sqlite = versions(&SQLITE);
        // Versions are reserved by the branch that writes them (0005 invitations, 0006 OpenID
        // Connect): one may land before the one below it, and the migrator applies a missing
        // lower version later, so only the order and the two backends' agreement are checked.
        assert_eq!(sqlite.first(), Some(&1));
        assert!(sqlite.windows(2).all(|w| w[0] < w[1]), "{sqlite:?}");
        assert_eq!(sqlite, versions(&POSTGRES));
        let descriptions = |m: &Migrator| {
            m.iter()
                .map(|m| m.description.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(descriptions(&SQLITE), descriptions(&POSTGRES));
    }
}
