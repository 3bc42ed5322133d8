//! The registry's schema, as an ordered list of migrations.
//!
//! Each migration runs once, in its own transaction, which also records it in
//! `schema_migration`; opening a registry applies those not yet recorded, so opening twice
//! changes nothing. A database recording a migration this version of essor does not know was
//! written by a newer essor and is refused rather than misread. Never edit a published
//! migration: add the next one.

use super::RegistryError;
use rusqlite::Connection;
use std::path::Path;

/// One step of the schema.
#[derive(Debug)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, oldest first; versions are consecutive from 1.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "referrals, their history and the audit log",
        sql: r#"
CREATE TABLE referral (
    id                INTEGER PRIMARY KEY,
    -- SHA-256 of the secret link's token, hexadecimal; the token itself is never stored.
    token_hash        TEXT NOT NULL UNIQUE,
    scheme_id         TEXT NOT NULL,
    scheme_name       TEXT NOT NULL,
    operator_id       TEXT NOT NULL,
    operator_name     TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    -- Personal data, kept minimal: who is referred and the one contact they agreed to give.
    person            TEXT NOT NULL,
    contact           TEXT NOT NULL,
    consent_at        TEXT NOT NULL,
    referrer          TEXT NOT NULL,
    profile_json      TEXT NOT NULL,
    eligibility       TEXT NOT NULL CHECK (eligibility IN ('eligible', 'to_check', 'not_eligible')),
    status            TEXT NOT NULL CHECK (status IN ('proposee', 'acceptee', 'en_cours', 'terminee', 'refusee', 'pas_pour_nous')),
    status_reason     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX referral_by_operator ON referral (operator_id, status);
CREATE INDEX referral_by_status ON referral (status, updated_at);

CREATE TABLE referral_event (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id),
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT
);
CREATE INDEX referral_event_by_referral ON referral_event (referral_id, id);

-- One row per write to the registry, in the write's own transaction. No personal data.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    detail      TEXT NOT NULL
);
"#,
    },
    Migration {
        version: 2,
        name: "the audit log names who acted, and keeps the state before and after",
        sql: r#"
-- Who: the principal's kind (system, anonymous, link, user), its user and organisation when
-- it is a user, the task when it is essor itself. Rows written before this migration were
-- made by people without an account (creations) and by secret-link holders (status changes).
ALTER TABLE audit_log ADD COLUMN principal_kind TEXT NOT NULL DEFAULT 'anonymous'
    CHECK (principal_kind IN ('system', 'anonymous', 'link', 'user'));
ALTER TABLE audit_log ADD COLUMN user_id INTEGER;
ALTER TABLE audit_log ADD COLUMN organisation_id INTEGER;
ALTER TABLE audit_log ADD COLUMN principal_detail TEXT;
-- The entity's state before and after the change (JSON, no personal data).
ALTER TABLE audit_log ADD COLUMN before_json TEXT;
ALTER TABLE audit_log ADD COLUMN after_json TEXT;
UPDATE audit_log SET principal_kind = 'link' WHERE action = 'referral.status';
CREATE INDEX audit_log_by_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, id);
"#,
    },
    Migration {
        version: 3,
        name: "secret links expire and can be revoked; contact details are erased after retention",
        sql: r#"
-- A link opens nothing after link_expires_at, nor once revoked. Links made before this
-- migration expire 180 days after their referral's creation (the default retention).
ALTER TABLE referral ADD COLUMN link_expires_at TEXT;
ALTER TABLE referral ADD COLUMN link_revoked_at TEXT;
-- When the name and contact were erased (retention), if they were.
ALTER TABLE referral ADD COLUMN contact_erased_at TEXT;
UPDATE referral SET link_expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+180 days');
CREATE INDEX referral_by_update ON referral (contact_erased_at, updated_at);
"#,
    },
];

/// Applies the missing migrations; returns the schema version reached.
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<u32, RegistryError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         );",
    )?;
    let current: u32 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migration",
        [],
        |r| r.get(0),
    )?;
    let latest = MIGRATIONS.last().map_or(0, |m| m.version);
    if current > latest {
        return Err(RegistryError::NewerSchema {
            path: path.to_owned(),
            found: current,
            known: latest,
        });
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migration (version, name, applied_at)
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            rusqlite::params![m.version, m.name],
        )?;
        tx.commit()?;
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }
}
