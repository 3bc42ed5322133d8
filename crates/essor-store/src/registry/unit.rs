//! A unit of work: one transaction that holds a change *and* its audit row — who (the
//! [`Principal`], with its user and organisation), when (the application [`Clock`]), through
//! which channel, on which entity (type and id), what (the action), and the entity's state
//! before and after — so that no change is ever written without its author, and no audit row
//! without its change. Dropping a unit without [`commit`](UnitOfWork::commit) rolls both back.
//!
//! Every write of the registry goes through one; the next kinds of records (accounts,
//! organisations, calls for projects, the local register) add their tables and write through
//! the same unit (see `docs/ARCHITECTURE.md`, "add a new kind of record that users can edit").

use super::Channel;
use super::clock::{Clock, stamp};
use essor_model::Principal;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use time::OffsetDateTime;

/// One change in progress.
#[derive(Debug)]
pub struct UnitOfWork<'c> {
    tx: Transaction<'c>,
    principal: &'c Principal,
    channel: Channel,
    at: OffsetDateTime,
    now: String,
}

impl<'c> UnitOfWork<'c> {
    /// Starts a unit on `conn` for `principal`: an immediate transaction (the write lock is
    /// taken now, so checks made inside it hold until the commit) stamped with `clock`'s time.
    pub fn begin(
        conn: &'c mut Connection,
        principal: &'c Principal,
        channel: Channel,
        clock: &dyn Clock,
    ) -> Result<Self, rusqlite::Error> {
        let at = clock.now();
        Ok(Self {
            tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
            principal,
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

    /// The transaction, for the change's own statements.
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    /// Records the audit row of the change to `entity_type` `entity_id`: `action` (such as
    /// `referral.create`), a short `detail` for lists, and the entity's state before (none
    /// for a creation) and after (none for a deletion). No personal data in any of them.
    pub fn audit(
        &self,
        entity_type: &str,
        entity_id: i64,
        action: &str,
        detail: &serde_json::Value,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<(), rusqlite::Error> {
        self.tx.execute(
            "INSERT INTO audit_log (at, action, object_type, object_id, channel, detail,
                 principal_kind, user_id, organisation_id, principal_detail, before_json, after_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                self.now,
                action,
                entity_type,
                entity_id,
                self.channel.word(),
                detail.to_string(),
                self.principal.kind(),
                self.principal.user_id(),
                self.principal.organisation_id(),
                self.principal.detail(),
                before.map(ToString::to_string),
                after.map(ToString::to_string),
            ],
        )?;
        Ok(())
    }

    /// Writes the change and its audit rows.
    pub fn commit(self) -> Result<(), rusqlite::Error> {
        self.tx.commit()
    }
}
