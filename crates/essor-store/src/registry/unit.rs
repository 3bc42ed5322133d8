//! A unit of work: one transaction that holds a change *and* its audit row — who (the
//! [`Principal`], with its user and organisation), when (the application [`Clock`]), through
//! which channel, on which entity (type and id), what (the action), and the entity's state
//! before and after — so that no change is ever written without its author, and no audit row
//! without its change. Dropping a unit without [`commit`](UnitOfWork::commit) rolls both back.
//!
//! Every write of the registry goes through one; the next kinds of records (accounts,
//! organisations, calls for projects, the local register) add their tables and write through
//! the same unit (see `docs/ARCHITECTURE.md`, "add a new kind of record that users can edit").

use super::clock::{Clock, stamp};
use super::{Backend, Channel, RegistryError};
use essor_model::Principal;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use time::OffsetDateTime;

/// One change in progress.
#[derive(Debug)]
pub struct UnitOfWork {
    tx: Transaction<'static, Any>,
    principal: Principal,
    channel: Channel,
    at: OffsetDateTime,
    now: String,
}

impl UnitOfWork {
    /// Starts a unit on `pool` for `principal`, stamped with `clock`'s time. On SQLite the
    /// transaction takes the write lock now (`BEGIN IMMEDIATE`), so checks made inside it hold
    /// until the commit; on PostgreSQL, writes that depend on a check are conditional on it
    /// (see [`Registry::change_status`](super::Registry::change_status)).
    pub async fn begin(
        pool: &AnyPool,
        backend: Backend,
        principal: &Principal,
        channel: Channel,
        clock: &dyn Clock,
    ) -> Result<Self, RegistryError> {
        let at = clock.now();
        let tx = match backend {
            Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => pool.begin().await?,
        };
        Ok(Self {
            tx,
            principal: principal.clone(),
            channel,
            at,
            now: stamp(at),
        })
    }

    /// The time of this change, as stored (`2026-12-07T19:42:51Z`): every row it writes
    /// carries the same.
    pub fn now(&self) -> &str {
        &self.now
    }

    /// The time of this change, for dates computed from it (an expiry, a retention cutoff).
    pub fn at(&self) -> OffsetDateTime {
        self.at
    }

    /// From now on, the audit rows of this unit name `principal`: the account that a change
    /// creates and that then acts (accepting an invitation), known only once inserted.
    pub fn act_as(&mut self, principal: &Principal) {
        self.principal = principal.clone();
    }

    /// The transaction's connection, for the change's own statements.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Records the audit row of the change to `entity_type` `entity_id`: `action` (such as
    /// `referral.create`), a short `detail` for lists, and the entity's state before (none
    /// for a creation) and after (none for a deletion). No personal data in any of them.
    pub async fn audit(
        &mut self,
        entity_type: &str,
        entity_id: i64,
        action: &str,
        detail: &serde_json::Value,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<(), RegistryError> {
        sqlx::query(
            "INSERT INTO audit_log (at, action, object_type, object_id, channel, detail,
                 principal_kind, user_id, organisation_id, principal_detail, before_json, after_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&self.now)
        .bind(action)
        .bind(entity_type)
        .bind(entity_id)
        .bind(self.channel.word())
        .bind(detail.to_string())
        .bind(self.principal.kind())
        .bind(self.principal.user_id())
        .bind(self.principal.organisation_id())
        .bind(self.principal.detail().map(str::to_owned))
        .bind(before.map(ToString::to_string))
        .bind(after.map(ToString::to_string))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Writes the change and its audit rows.
    pub async fn commit(self) -> Result<(), RegistryError> {
        Ok(self.tx.commit().await?)
    }
}
