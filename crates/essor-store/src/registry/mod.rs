//! The registry: what users write, in `registre.sqlite` inside the store folder.
//!
//! Today it holds **referrals** ([`referral`]): a person or structure oriented towards the
//! operator of a scheme of the orientation catalogue, with a lifecycle, a dated history and
//! a secret link ([`token`]) that lets the operator move it on until accounts exist.
//!
//! Three habits hold for every write, and the tests check them on a real file:
//!
//! - **One unit of work per change** ([`unit::UnitOfWork`]): one transaction holding the
//!   change, its history row and its **audit row** (`audit_log`: who — the [`Principal`] —,
//!   when, through which channel, what, before and after): either all are written or none is.
//! - **Time comes from the application clock** ([`clock::Clock`]), never from SQL.
//! - **Refused changes write nothing**: the lifecycle check runs inside the transaction,
//!   before any statement that writes.
//! - **Secrets are hashed**: only the SHA-256 of a link's token is stored.
//!
//! The schema is versioned ([`migrations`]); opening a registry creates the file when absent
//! and applies the missing migrations. [`Registry`] serialises access through one connection
//! (writes are rare and short); the server calls it from a blocking thread.

/// The application clock.
pub mod clock;
/// Versioned schema migrations.
pub mod migrations;
/// Referrals and their lifecycle.
pub mod referral;
/// Retention of personal data and private file permissions.
pub mod retention;
/// The secret link of a referral.
pub mod token;
/// One change and its audit row, in one transaction.
pub mod unit;

pub use clock::{Clock, FixedClock, SystemClock};
pub use essor_model::Principal;
pub use referral::{
    Channel, FieldError, NewReferral, Referral, ReferralEvent, ReferralFilter, ReferralListing,
    Status, StatusChange, TransitionError,
};
pub use retention::Retention;
pub use token::ReferralToken;
pub use unit::UnitOfWork;

use rusqlite::{Connection, OptionalExtension, Row, params};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The registry file's name inside a store folder.
pub const FILE_NAME: &str = "registre.sqlite";

/// Why the registry could not do what was asked. Messages are French; the CLI prints them
/// and the server maps each kind to its answer (400, 404, 409, 500).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    #[error("registre {} : ouverture impossible : {reason}", .path.display())]
    Open { path: PathBuf, reason: String },
    #[error("registre {} : créé par une version plus récente d'essor (schéma {found}, cette version connaît jusqu'au schéma {known}) ; mettez essor à jour", .path.display())]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    /// A field of a new referral is refused.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// A status change is refused by the lifecycle.
    #[error("{0}")]
    Transition(#[from] TransitionError),
    /// No referral has this token.
    #[error("aucune mise en relation ne correspond à ce lien")]
    NotFound,
    /// The link has expired (`at`: when, UTC).
    #[error(
        "ce lien a expiré le {at} : demandez un nouveau lien à la personne qui a fait la mise en relation"
    )]
    LinkExpired { at: String },
    /// The link was revoked.
    #[error(
        "ce lien a été révoqué : demandez un nouveau lien à la personne qui a fait la mise en relation"
    )]
    LinkRevoked,
    #[error("générateur aléatoire du système indisponible : {0}")]
    Random(String),
    #[error("registre : erreur SQLite : {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    /// `referral.create`, `referral.status`.
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    /// `api` or `page`.
    pub channel: String,
    /// JSON, without personal data (ids, statuses).
    pub detail: String,
    /// Who acted: `system`, `anonymous`, `link` or `user` ([`Principal::kind`]).
    pub principal_kind: String,
    pub user_id: Option<i64>,
    pub organisation_id: Option<i64>,
    /// The task of a `system` principal.
    pub principal_detail: Option<String>,
    /// The entity's state before and after the change (JSON, no personal data).
    pub before: Option<String>,
    pub after: Option<String>,
}

/// An open registry.
#[derive(Debug)]
pub struct Registry {
    path: PathBuf,
    conn: Mutex<Connection>,
    clock: Arc<dyn Clock>,
    retention: Retention,
}

impl Registry {
    /// Opens (creating it when absent) `registre.sqlite` in the store folder `dir`, which is
    /// created too if needed, and brings its schema up to date.
    pub fn open_in(dir: &Path) -> Result<Self, RegistryError> {
        retention::private_dir(dir).map_err(|e| RegistryError::Open {
            path: dir.join(FILE_NAME),
            reason: format!("création du dossier impossible ({e})"),
        })?;
        Self::open(&dir.join(FILE_NAME))
    }

    /// Opens (creating it when absent) the registry file at `path`.
    pub fn open(path: &Path) -> Result<Self, RegistryError> {
        let open_err = |e: rusqlite::Error| RegistryError::Open {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        // Personal data: the file (and the -wal and -shm SQLite makes beside it) is 0600.
        retention::private_file(path).map_err(|e| RegistryError::Open {
            path: path.to_owned(),
            reason: format!("droits du fichier impossibles à restreindre ({e})"),
        })?;
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        match migrations::migrate(&mut conn, path) {
            Ok(_) => {}
            Err(e @ RegistryError::NewerSchema { .. }) => return Err(e),
            Err(e) => {
                return Err(RegistryError::Open {
                    path: path.to_owned(),
                    reason: e.to_string(),
                });
            }
        }
        Ok(Self {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            clock: Arc::new(SystemClock),
            retention: Retention::default(),
        })
    }

    /// The same registry, keeping personal data for `retention`.
    pub fn with_retention(self, retention: Retention) -> Self {
        Self { retention, ..self }
    }

    /// The retention periods in force.
    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// The same registry, stamping its writes with `clock` (tests move time with a
    /// [`FixedClock`]).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    /// The registry file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the file (the last migration applied).
    pub fn schema_version(&self) -> Result<u32, RegistryError> {
        Ok(self
            .conn()
            .query_row("SELECT MAX(version) FROM schema_migration", [], |r| {
                r.get(0)
            })?)
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-done write: transactions roll back
        // when dropped. The connection is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records a new referral (status `proposee`) with its first history row and its audit
    /// row, in one transaction. Returns it with its token, which is stored only as a hash:
    /// this is the one moment it can be read.
    pub fn create_referral(
        &self,
        new: NewReferral,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(Referral, ReferralToken), RegistryError> {
        let new = new.validate()?;
        let token = ReferralToken::generate().map_err(|e| RegistryError::Random(e.to_string()))?;
        let mut conn = self.conn();
        let unit = UnitOfWork::begin(&mut conn, principal, channel, self.clock.as_ref())?;
        let (tx, now) = (unit.tx(), unit.now());
        tx.execute(
            "INSERT INTO referral (token_hash, scheme_id, scheme_name, operator_id, operator_name,
                 catalogue_version, person, contact, consent_at, referrer, profile_json,
                 eligibility, status, status_reason, created_at, updated_at, link_expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'proposee', NULL, ?9, ?9, ?13)",
            params![
                token.hash(),
                new.scheme_id,
                new.scheme_name,
                new.operator_id,
                new.operator_name,
                new.catalogue_version,
                new.person,
                new.contact,
                now,
                new.referrer,
                new.profile_json,
                new.eligibility,
                clock::stamp(unit.at() + time::Duration::days(i64::from(self.retention.link_days))),
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO referral_event (referral_id, at, from_status, to_status, reason)
             VALUES (?1, ?2, NULL, 'proposee', NULL)",
            params![id, now],
        )?;
        let after = serde_json::json!({
            "scheme": new.scheme_id,
            "operator": new.operator_id,
            "status": Status::Proposee.word(),
        });
        unit.audit(
            "referral",
            id,
            "referral.create",
            &after,
            None,
            Some(&after),
        )?;
        unit.commit()?;
        let referral = load(&conn, id)?.ok_or(RegistryError::NotFound)?;
        Ok((referral, token))
    }

    /// The referral of a link, with its history; `None` for an unknown token.
    pub fn referral_by_token(
        &self,
        token: &ReferralToken,
    ) -> Result<Option<Referral>, RegistryError> {
        let conn = self.conn();
        match open_link(&conn, token, &clock::stamp(self.clock.now()))? {
            None => Ok(None),
            Some((id, _)) => load(&conn, id),
        }
    }

    /// Moves a referral on. The lifecycle check runs inside the transaction before any
    /// write: a refused change writes nothing. A change writes the new status, a history row
    /// and an audit row together.
    pub fn change_status(
        &self,
        token: &ReferralToken,
        change: &StatusChange,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryError> {
        let mut conn = self.conn();
        let unit = UnitOfWork::begin(&mut conn, principal, channel, self.clock.as_ref())?;
        let (tx, now) = (unit.tx(), unit.now());
        let (id, status) = open_link(tx, token, now)?.ok_or(RegistryError::NotFound)?;
        let from = status_of(&status)?;
        from.check(change)?;
        let reason = change
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        tx.execute(
            "UPDATE referral SET status = ?1, status_reason = ?2, updated_at = ?3 WHERE id = ?4",
            params![change.to.word(), reason, now, id],
        )?;
        tx.execute(
            "INSERT INTO referral_event (referral_id, at, from_status, to_status, reason)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, now, from.word(), change.to.word(), reason],
        )?;
        unit.audit(
            "referral",
            id,
            "referral.status",
            &serde_json::json!({ "from": from.word(), "to": change.to.word() }),
            Some(&serde_json::json!({ "status": from.word() })),
            Some(&serde_json::json!({ "status": change.to.word() })),
        )?;
        unit.commit()?;
        load(&conn, id)?.ok_or(RegistryError::NotFound)
    }

    /// Revokes a referral's link: from now on it opens nothing. Recorded with its audit row.
    pub fn revoke_link(
        &self,
        token: &ReferralToken,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let mut conn = self.conn();
        let unit = UnitOfWork::begin(&mut conn, principal, channel, self.clock.as_ref())?;
        let (id, _) = open_link(unit.tx(), token, unit.now())?.ok_or(RegistryError::NotFound)?;
        unit.tx().execute(
            "UPDATE referral SET link_revoked_at = ?1 WHERE id = ?2",
            params![unit.now(), id],
        )?;
        let (before, after) = (
            serde_json::json!({ "link": "active" }),
            serde_json::json!({ "link": "revoked" }),
        );
        unit.audit(
            "referral",
            id,
            "referral.link_revoke",
            &after,
            Some(&before),
            Some(&after),
        )?;
        unit.commit()?;
        Ok(())
    }

    /// Erases the name and contact of every referral whose last change is older than the
    /// contact retention ([`Retention::contact_months`]), as essor itself (the `purge` task):
    /// one transaction, one audit row per referral. Returns how many were erased.
    pub fn purge(&self) -> Result<u64, RegistryError> {
        let principal = Principal::system("purge");
        let mut conn = self.conn();
        let unit = UnitOfWork::begin(&mut conn, &principal, Channel::Task, self.clock.as_ref())?;
        let cutoff = clock::stamp(retention::months_before(
            unit.at(),
            self.retention.contact_months,
        ));
        let ids: Vec<i64> = unit
            .tx()
            .prepare(
                "SELECT id FROM referral WHERE contact_erased_at IS NULL AND updated_at < ?1
                 ORDER BY id",
            )?
            .query_map([&cutoff], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let erased = serde_json::json!({ "erased": ["person", "contact"] });
        for &id in &ids {
            unit.tx().execute(
                "UPDATE referral SET person = '', contact = '', contact_erased_at = ?1 WHERE id = ?2",
                params![unit.now(), id],
            )?;
            unit.audit(
                "referral",
                id,
                "referral.erase",
                &erased,
                Some(&serde_json::json!({ "contact": "kept" })),
                Some(&serde_json::json!({ "contact": "erased" })),
            )?;
        }
        unit.commit()?;
        Ok(ids.len() as u64)
    }

    /// Referrals without personal data, most recently changed first.
    pub fn list_referrals(
        &self,
        filter: &ReferralFilter,
    ) -> Result<Vec<ReferralListing>, RegistryError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, scheme_id, scheme_name, operator_id, operator_name, status, created_at, updated_at
             FROM referral
             WHERE (?1 IS NULL OR operator_id = ?1)
               AND (?2 IS NULL OR scheme_id = ?2)
               AND (?3 IS NULL OR status = ?3)
             ORDER BY updated_at DESC, id DESC",
        )?;
        let rows = stmt.query_map(
            params![
                filter.operator_id,
                filter.scheme_id,
                filter.status.map(Status::word)
            ],
            |r| {
                Ok((
                    ReferralListing {
                        id: r.get(0)?,
                        scheme_id: r.get(1)?,
                        scheme_name: r.get(2)?,
                        operator_id: r.get(3)?,
                        operator_name: r.get(4)?,
                        status: Status::Proposee,
                        created_at: r.get(6)?,
                        updated_at: r.get(7)?,
                    },
                    r.get::<_, String>(5)?,
                ))
            },
        )?;
        rows.map(|row| {
            let (mut listing, status) = row?;
            listing.status = status_of(&status)?;
            Ok(listing)
        })
        .collect()
    }

    /// The audit log, oldest first; only the rows of one referral when `referral` is given.
    pub fn audit_log(&self, referral: Option<i64>) -> Result<Vec<AuditEntry>, RegistryError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, at, action, object_type, object_id, channel, detail, principal_kind,
                    user_id, organisation_id, principal_detail, before_json, after_json
             FROM audit_log
             WHERE (?1 IS NULL OR (object_type = 'referral' AND object_id = ?1))
             ORDER BY id",
        )?;
        let rows = stmt.query_map([referral], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                action: r.get(2)?,
                object_type: r.get(3)?,
                object_id: r.get(4)?,
                channel: r.get(5)?,
                detail: r.get(6)?,
                principal_kind: r.get(7)?,
                user_id: r.get(8)?,
                organisation_id: r.get(9)?,
                principal_detail: r.get(10)?,
                before: r.get(11)?,
                after: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The referral a link opens, with its status: `None` for an unknown token, an error for an
/// expired or revoked one (checked against `now`).
fn open_link(
    conn: &Connection,
    token: &ReferralToken,
    now: &str,
) -> Result<Option<(i64, String)>, RegistryError> {
    let row: Option<(i64, String, Option<String>, Option<String>)> = conn
        .query_row(
            "SELECT id, status, link_expires_at, link_revoked_at FROM referral WHERE token_hash = ?1",
            [token.hash()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((_, _, _, Some(_))) => Err(RegistryError::LinkRevoked),
        Some((_, _, Some(expires), None)) if expires.as_str() <= now => {
            Err(RegistryError::LinkExpired { at: expires })
        }
        Some((id, status, _, None)) => Ok(Some((id, status))),
    }
}

fn status_of(word: &str) -> Result<Status, RegistryError> {
    Status::from_word(word).ok_or_else(|| {
        RegistryError::Sqlite(rusqlite::Error::InvalidColumnType(
            0,
            format!("status {word}"),
            rusqlite::types::Type::Text,
        ))
    })
}

fn load(conn: &Connection, id: i64) -> Result<Option<Referral>, RegistryError> {
    let row = conn
        .query_row(
            "SELECT id, scheme_id, scheme_name, operator_id, operator_name, catalogue_version,
                    person, contact, referrer, profile_json, eligibility, status, status_reason,
                    created_at, updated_at, link_expires_at, contact_erased_at
             FROM referral WHERE id = ?1",
            [id],
            |r: &Row<'_>| {
                Ok((
                    Referral {
                        id: r.get(0)?,
                        scheme_id: r.get(1)?,
                        scheme_name: r.get(2)?,
                        operator_id: r.get(3)?,
                        operator_name: r.get(4)?,
                        catalogue_version: r.get(5)?,
                        person: r.get(6)?,
                        contact: r.get(7)?,
                        referrer: r.get(8)?,
                        profile_json: r.get(9)?,
                        eligibility: r.get(10)?,
                        status: Status::Proposee,
                        status_reason: r.get(12)?,
                        created_at: r.get(13)?,
                        updated_at: r.get(14)?,
                        link_expires_at: r.get(15)?,
                        contact_erased_at: r.get(16)?,
                        history: Vec::new(),
                    },
                    r.get::<_, String>(11)?,
                ))
            },
        )
        .optional()?;
    let Some((mut referral, status)) = row else {
        return Ok(None);
    };
    referral.status = status_of(&status)?;
    let mut stmt = conn.prepare(
        "SELECT at, from_status, to_status, reason FROM referral_event
         WHERE referral_id = ?1 ORDER BY id",
    )?;
    let events = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    for e in events {
        let (at, from, to, reason) = e?;
        referral.history.push(ReferralEvent {
            at,
            from: from.as_deref().map(status_of).transpose()?,
            to: status_of(&to)?,
            reason,
        });
    }
    Ok(Some(referral))
}
