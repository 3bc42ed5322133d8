//! Registries for the test suites of essor's crates: the same test runs on SQLite (a
//! temporary folder) and on PostgreSQL (a throwaway database on the server named by
//! `ESSOR_TEST_POSTGRES`, which `.ci/postgres.sh start` provides).
//!
//! Without `ESSOR_TEST_POSTGRES`, the PostgreSQL half is skipped with a message on a
//! developer's machine, and **fails** when `CI` is set: the suite must run on both backends
//! there.

use super::{Backend, Registry, RegistryError};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe};

/// A registry made for one test, and what the test needs to look under it.
#[derive(Debug)]
pub struct TestRegistry {
    pub registry: Registry,
    /// A second way in (`sqlite://…` or `postgres://…`): row counts, sabotage.
    pub url: String,
    /// The SQLite store folder (kept alive with the test); `None` on PostgreSQL.
    pub dir: Option<tempfile::TempDir>,
    /// The throwaway database and the server's address, dropped by [`TestRegistry::finish`].
    database: Option<(String, String)>,
}

impl TestRegistry {
    /// A fresh SQLite registry in a temporary folder.
    pub async fn sqlite() -> Result<Self, RegistryError> {
        let dir = tempfile::tempdir().map_err(|e| RegistryError::Open {
            location: super::Location::File("(dossier temporaire)".into()),
            reason: e.to_string(),
        })?;
        let registry = Registry::open_in(dir.path()).await?;
        let url = super::sqlite_url(&dir.path().join(super::FILE_NAME)).expect("a UTF-8 path");
        Ok(Self {
            registry,
            url,
            dir: Some(dir),
            database: None,
        })
    }

    /// A fresh PostgreSQL registry in a new database of the `ESSOR_TEST_POSTGRES` server;
    /// `None` when the variable is unset outside CI.
    pub async fn postgres() -> Option<Self> {
        let Ok(server) = std::env::var("ESSOR_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "ESSOR_TEST_POSTGRES is unset: CI must run the registry suite on PostgreSQL (.ci/postgres.sh start)"
            );
            eprintln!(
                "PostgreSQL half skipped: set ESSOR_TEST_POSTGRES (export ESSOR_TEST_POSTGRES=$(.ci/postgres.sh start))"
            );
            return None;
        };
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).expect("system randomness");
        let name = format!(
            "essor_test_{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let admin = one_connection(&server).await;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("CREATE DATABASE on the test server");
        admin.close().await;
        let url = database_url(&server, &name);
        let registry = Registry::connect(&url)
            .await
            .expect("a registry on the test server");
        Some(Self {
            registry,
            url,
            dir: None,
            database: Some((server, name)),
        })
    }

    /// The registry on each backend this machine offers: SQLite, then PostgreSQL.
    pub async fn each() -> Vec<Self> {
        let mut all = vec![Self::sqlite().await.expect("a SQLite registry")];
        all.extend(Self::postgres().await);
        all
    }

    pub fn backend(&self) -> Backend {
        self.registry.backend()
    }

    /// A pool of its own on the same database.
    pub async fn raw(&self) -> AnyPool {
        one_connection(&self.url).await
    }

    /// Rows of `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let raw = self.raw().await;
        let n = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&raw)
            .await
            .expect("a count");
        raw.close().await;
        n
    }

    /// Closes the registry and drops its PostgreSQL database.
    pub async fn finish(self) {
        self.registry.close().await;
        if let Some((server, name)) = self.database {
            let admin = one_connection(&server).await;
            let _ = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&admin)
            .await;
            admin.close().await;
        }
    }
}

/// A pool of one connection to `url` (a test registry, or the PostgreSQL server of
/// `ESSOR_TEST_POSTGRES` to create and drop databases).
async fn one_connection(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("a connection to {url}: {e}"))
}

/// `server` with its database replaced by `name`.
fn database_url(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_of_an_address_is_replaced() {
        assert_eq!(
            super::database_url("postgres://u@h:1/postgres?sslmode=disable", "t1"),
            "postgres://u@h:1/t1?sslmode=disable"
        );
        assert_eq!(
            super::database_url("postgres://u@h:1", "t1"),
            "postgres://u@h:1/t1"
        );
    }
}
