//! The registry: what users write — in `registre.sqlite` inside the store folder (SQLite,
//! embedded), or in a PostgreSQL database for a shared deployment (several `essor serve`
//! behind one database). The same code, the same SQL and the same tests serve both, through
//! `sqlx`'s `Any` driver; only the schema migrations are written once per backend.
//!
//! Today it holds **referrals** ([`referral`]): a person or structure oriented towards the
//! operator of a scheme of the orientation catalogue, with a lifecycle, a dated history and
//! a secret link ([`token`]) that lets the operator move it on until accounts exist; and
//! **accounts** ([`accounts`]) with the single-use links that invite people and reset
//! passwords ([`invitations`]).
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
//! The schema is versioned ([`migrations`], `sqlx`'s migrator); opening a registry creates the
//! file when absent and applies the missing migrations. Checks that a change depends on hold
//! until it commits: SQLite units take the write lock when they begin (`BEGIN IMMEDIATE`),
//! and every status update is conditional on the status read (`… WHERE status = $from`), so
//! two concurrent changes on PostgreSQL cannot both pass the lifecycle check.

/// Organisations, accounts, roles, sessions.
pub mod accounts;
/// The audit log as CSV and JSON.
pub mod audit;
/// Online backup and restore of an embedded registry.
pub mod backup;
/// The application clock.
pub mod clock;
/// Invitations and password resets: single-use links sent by e-mail.
pub mod invitations;
/// Versioned schema migrations.
pub mod migrations;
/// Signing in through an OpenID Connect provider: linked identities, sign-ins under way.
pub mod oidc;
/// Operator organisations and their referrals, personal API tokens, a person's data.
pub mod organisations;
/// Referrals and their lifecycle.
pub mod referral;
/// Retention of personal data and private file permissions.
pub mod retention;
/// Registries for tests, on both backends.
pub mod testing;
/// The secret link of a referral.
pub mod token;
/// One change and its audit row, in one transaction.
pub mod unit;

pub use accounts::{
    Account, Membership, NewAccount, NewOrganisation, Organisation, SignInError, SignedIn,
};
pub use clock::{Clock, FixedClock, SystemClock};
pub use essor_model::Principal;
pub use invitations::{
    Acceptance, Accepted, Invitation, InvitationToken, NewInvitation, ResetLink, ResetToken,
    SpentLink,
};
pub use oidc::{IdentityRefusal, LinkedIdentity, ProviderIdentity};
pub use organisations::{ApiScope, ApiToken, Member, ReferralKey};
pub use referral::{
    Channel, FieldError, NewReferral, Referral, ReferralEvent, ReferralFilter, ReferralListing,
    Status, StatusChange, TransitionError,
};
pub use retention::Retention;
pub use token::{ReferralToken, SecretToken, SessionToken};
pub use unit::UnitOfWork;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The registry file's name inside a store folder.
pub const FILE_NAME: &str = "registre.sqlite";

/// Which database engine holds a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `registre.sqlite` in a store folder: the embedded default.
    Sqlite,
    /// A PostgreSQL database, for a deployment that several servers share.
    Postgres,
}

/// Where a registry lives, as messages name it (a PostgreSQL address never shows its
/// password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    Server(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(path) => write!(f, "{}", path.display()),
            Location::Server(url) => f.write_str(url),
        }
    }
}

/// Why the registry could not do what was asked. Messages are French; the CLI prints them
/// and the server maps each kind to its answer (400, 404, 409, 500).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    #[error("registre {location} : ouverture impossible : {reason}")]
    Open { location: Location, reason: String },
    #[error(
        "registre {location} : créé par une version plus récente d'essor (schéma {found}, cette version connaît jusqu'au schéma {known}) ; mettez essor à jour"
    )]
    NewerSchema {
        location: Location,
        found: i64,
        known: i64,
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
    /// A single-use link (invitation, password reset) expired or already served.
    #[error("{0}")]
    Spent(#[from] SpentLink),
    /// Another change to the same record committed between this one's check and its write;
    /// nothing was written.
    #[error(
        "la mise en relation vient d'être modifiée par quelqu'un d'autre : rechargez-la puis recommencez"
    )]
    Conflict,
    #[error("générateur aléatoire du système indisponible : {0}")]
    Random(String),
    /// A stored value this version of essor cannot read.
    #[error("registre : valeur illisible dans la base : {0}")]
    Corrupt(String),
    #[error("registre : erreur de la base de données : {0}")]
    Database(#[from] sqlx::Error),
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
    /// `api`, `page` or `task`.
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

/// An open registry: a pool of connections to its database.
#[derive(Debug, Clone)]
pub struct Registry {
    location: Location,
    backend: Backend,
    pool: AnyPool,
    clock: Arc<dyn Clock>,
    retention: Retention,
}

/// Connections a registry keeps open.
const SQLITE_CONNECTIONS: u32 = 4;
const POSTGRES_CONNECTIONS: u32 = 8;

impl Registry {
    /// Opens (creating it when absent) `registre.sqlite` in the store folder `dir`, which is
    /// created too if needed (0700), and brings its schema up to date.
    pub async fn open_in(dir: &Path) -> Result<Self, RegistryError> {
        retention::private_dir(dir).map_err(|e| RegistryError::Open {
            location: Location::File(dir.join(FILE_NAME)),
            reason: format!("création du dossier impossible ({e})"),
        })?;
        Self::open(&dir.join(FILE_NAME)).await
    }

    /// Opens (creating it, 0600, when absent) the SQLite registry file at `path`.
    pub async fn open(path: &Path) -> Result<Self, RegistryError> {
        let location = Location::File(path.to_owned());
        let open_err = |reason: String| RegistryError::Open {
            location: location.clone(),
            reason,
        };
        // Personal data: the file (and the -wal and -shm SQLite makes beside it) is 0600.
        retention::private_file(path)
            .map_err(|e| open_err(format!("droits du fichier impossibles à restreindre ({e})")))?;
        let url = sqlite_url(path).map_err(open_err)?;
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(SQLITE_CONNECTIONS)
            .connect(&url)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        // Readers never wait for a writer; a persistent property of the file.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        Self::ready(location, Backend::Sqlite, pool).await
    }

    /// Connects to the PostgreSQL registry at `url` (`postgres://user@host:port/base`), and
    /// brings its schema up to date (several servers may start at once: the migrator locks).
    pub async fn connect(url: &str) -> Result<Self, RegistryError> {
        let location = Location::Server(redact(url));
        let open_err = |reason: String| RegistryError::Open {
            location: location.clone(),
            reason,
        };
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(open_err(
                "adresse PostgreSQL attendue (postgres://utilisateur@hôte:port/base)".into(),
            ));
        }
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(POSTGRES_CONNECTIONS)
            .connect(url)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        Self::ready(location, Backend::Postgres, pool).await
    }

    async fn ready(
        location: Location,
        backend: Backend,
        pool: AnyPool,
    ) -> Result<Self, RegistryError> {
        migrations::migrate(&pool, backend, &location).await?;
        Ok(Self {
            location,
            backend,
            pool,
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

    /// Where the registry lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Its database engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The schema version of the database (the last migration applied).
    pub async fn schema_version(&self) -> Result<i64, RegistryError> {
        migrations::version(&self.pool).await
    }

    /// Closes the connections (a test, or the end of a command, before the file is read).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin(
        &self,
        principal: &Principal,
        channel: Channel,
    ) -> Result<UnitOfWork, RegistryError> {
        UnitOfWork::begin(
            &self.pool,
            self.backend,
            principal,
            channel,
            self.clock.as_ref(),
        )
        .await
    }

    /// A referral with its history, read after a change has committed.
    async fn load(&self, id: i64) -> Result<Option<Referral>, RegistryError> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, id).await
    }

    /// Records a new referral (status `proposee`) with its first history row and its audit
    /// row, in one transaction. Returns it with its token, which is stored only as a hash:
    /// this is the one moment it can be read.
    pub async fn create_referral(
        &self,
        new: NewReferral,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(Referral, ReferralToken), RegistryError> {
        let new = new.validate()?;
        let token = ReferralToken::generate().map_err(|e| RegistryError::Random(e.to_string()))?;
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let expires =
            clock::stamp(unit.at() + time::Duration::days(i64::from(self.retention.link_days)));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO referral (token_hash, scheme_id, scheme_name, operator_id, operator_name,
                 catalogue_version, person, contact, consent_at, referrer, profile_json,
                 eligibility, status, status_reason, created_at, updated_at, link_expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'proposee', NULL, $9, $9, $13)
             RETURNING id",
        )
        .bind(token.hash())
        .bind(&new.scheme_id)
        .bind(&new.scheme_name)
        .bind(&new.operator_id)
        .bind(&new.operator_name)
        .bind(&new.catalogue_version)
        .bind(&new.person)
        .bind(&new.contact)
        .bind(&now)
        .bind(&new.referrer)
        .bind(&new.profile_json)
        .bind(&new.eligibility)
        .bind(&expires)
        .fetch_one(unit.conn())
        .await?;
        sqlx::query(
            "INSERT INTO referral_event (referral_id, at, from_status, to_status, reason)
             VALUES ($1, $2, NULL, 'proposee', NULL)",
        )
        .bind(id)
        .bind(&now)
        .execute(unit.conn())
        .await?;
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
        )
        .await?;
        unit.commit().await?;
        let referral = self.load(id).await?.ok_or(RegistryError::NotFound)?;
        Ok((referral, token))
    }

    /// The referral of a link, with its history; `None` for an unknown token.
    pub async fn referral_by_token(
        &self,
        token: &ReferralToken,
    ) -> Result<Option<Referral>, RegistryError> {
        let mut conn = self.pool.acquire().await?;
        match open_link(&mut conn, token, &clock::stamp(self.clock.now())).await? {
            None => Ok(None),
            Some((id, _)) => load(&mut conn, id).await,
        }
    }

    /// Moves a referral on. The lifecycle check runs inside the transaction before any
    /// write: a refused change writes nothing. A change writes the new status, a history row
    /// and an audit row together; the update applies only if the status is still the one
    /// checked (else [`RegistryError::Conflict`], nothing written).
    pub async fn change_status(
        &self,
        token: &ReferralToken,
        change: &StatusChange,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryError> {
        self.move_on(ReferralKey::Link(token), change, principal, channel)
            .await
    }

    /// Moves a referral on, reached by `key` (its link, or its number by an organisation
    /// that answers for its operator): the one implementation of a status change.
    pub(crate) async fn move_on(
        &self,
        key: ReferralKey<'_>,
        change: &StatusChange,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryError> {
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let found = match key {
            ReferralKey::Link(token) => open_link(unit.conn(), token, &now).await?,
            ReferralKey::Organisation {
                organisation,
                referral,
            } => organisations::open_for(unit.conn(), organisation, referral).await?,
        };
        let (id, status) = found.ok_or(RegistryError::NotFound)?;
        let from = status_of(&status)?;
        from.check(change)?;
        let reason = change
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let updated = sqlx::query(
            "UPDATE referral SET status = $1, status_reason = $2, updated_at = $3
             WHERE id = $4 AND status = $5",
        )
        .bind(change.to.word())
        .bind(reason)
        .bind(&now)
        .bind(id)
        .bind(from.word())
        .execute(unit.conn())
        .await?;
        if updated.rows_affected() != 1 {
            return Err(RegistryError::Conflict);
        }
        sqlx::query(
            "INSERT INTO referral_event (referral_id, at, from_status, to_status, reason)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&now)
        .bind(from.word())
        .bind(change.to.word())
        .bind(reason)
        .execute(unit.conn())
        .await?;
        unit.audit(
            "referral",
            id,
            "referral.status",
            &serde_json::json!({ "from": from.word(), "to": change.to.word() }),
            Some(&serde_json::json!({ "status": from.word() })),
            Some(&serde_json::json!({ "status": change.to.word() })),
        )
        .await?;
        unit.commit().await?;
        self.load(id).await?.ok_or(RegistryError::NotFound)
    }

    /// Revokes a referral's link: from now on it opens nothing. Recorded with its audit row.
    pub async fn revoke_link(
        &self,
        token: &ReferralToken,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let (id, _) = open_link(unit.conn(), token, &now)
            .await?
            .ok_or(RegistryError::NotFound)?;
        let updated = sqlx::query(
            "UPDATE referral SET link_revoked_at = $1 WHERE id = $2 AND link_revoked_at IS NULL",
        )
        .bind(&now)
        .bind(id)
        .execute(unit.conn())
        .await?;
        if updated.rows_affected() != 1 {
            return Err(RegistryError::LinkRevoked);
        }
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
        )
        .await?;
        unit.commit().await?;
        Ok(())
    }

    /// Erases the name and contact of every referral whose last change is older than the
    /// contact retention ([`Retention::contact_months`]), as essor itself (the `purge` task):
    /// one transaction, one audit row per referral. Returns how many were erased. Also drops
    /// failed sign-ins older than a day, sessions and password-reset links ended more than a
    /// day ago, the address of every invitation expired unaccepted more than a day ago, and
    /// OpenID Connect sign-ins started more than a day ago.
    pub async fn purge(&self) -> Result<u64, RegistryError> {
        let principal = Principal::system("purge");
        let mut unit = self.begin(&principal, Channel::Task).await?;
        let now = unit.now().to_owned();
        let cutoff = clock::stamp(retention::months_before(
            unit.at(),
            self.retention.contact_months,
        ));
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM referral WHERE contact_erased_at IS NULL AND updated_at < $1
             ORDER BY id",
        )
        .bind(&cutoff)
        .fetch_all(unit.conn())
        .await?;
        let erased = serde_json::json!({ "erased": ["person", "contact"] });
        for &id in &ids {
            sqlx::query(
                "UPDATE referral SET person = '', contact = '', contact_erased_at = $1
                 WHERE id = $2",
            )
            .bind(&now)
            .bind(id)
            .execute(unit.conn())
            .await?;
            unit.audit(
                "referral",
                id,
                "referral.erase",
                &erased,
                Some(&serde_json::json!({ "contact": "kept" })),
                Some(&serde_json::json!({ "contact": "erased" })),
            )
            .await?;
        }
        // Failed sign-ins are kept a day (throttling needs a quarter of an hour); sessions
        // past their end are of no use.
        let day_ago = clock::stamp(unit.at() - time::Duration::days(1));
        sqlx::query("DELETE FROM login_failure WHERE at < $1")
            .bind(&day_ago)
            .execute(unit.conn())
            .await?;
        sqlx::query("DELETE FROM session WHERE expires_at < $1")
            .bind(&day_ago)
            .execute(unit.conn())
            .await?;
        // An invitation nobody accepted keeps its address a day past its expiry; reset links
        // past their end are of no use.
        sqlx::query(
            "UPDATE invitation SET email = '' WHERE used_at IS NULL AND expires_at < $1 AND email <> ''",
        )
        .bind(&day_ago)
        .execute(unit.conn())
        .await?;
        sqlx::query("DELETE FROM password_reset WHERE expires_at < $1")
            .bind(&day_ago)
            .execute(unit.conn())
            .await?;
        sqlx::query("DELETE FROM oidc_login WHERE created_at < $1")
            .bind(&day_ago)
            .execute(unit.conn())
            .await?;
        unit.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Referrals without personal data, most recently changed first.
    pub async fn list_referrals(
        &self,
        filter: &ReferralFilter,
    ) -> Result<Vec<ReferralListing>, RegistryError> {
        let mut sql = String::from(
            "SELECT id, scheme_id, scheme_name, operator_id, operator_name, status, created_at,
                    updated_at
             FROM referral WHERE TRUE",
        );
        let mut values: Vec<&str> = Vec::new();
        for (column, value) in [
            ("operator_id", filter.operator_id.as_deref()),
            ("scheme_id", filter.scheme_id.as_deref()),
            ("status", filter.status.map(Status::word)),
        ] {
            if let Some(value) = value {
                values.push(value);
                sql.push_str(&format!(" AND {column} = ${}", values.len()));
            }
        }
        sql.push_str(" ORDER BY updated_at DESC, id DESC");
        // Only fixed column names and numbered placeholders are spliced in: values are bound.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for value in values {
            query = query.bind(value);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(ReferralListing {
                    id: r.try_get(0)?,
                    scheme_id: r.try_get(1)?,
                    scheme_name: r.try_get(2)?,
                    operator_id: r.try_get(3)?,
                    operator_name: r.try_get(4)?,
                    status: status_of(&r.try_get::<String, _>(5)?)?,
                    created_at: r.try_get(6)?,
                    updated_at: r.try_get(7)?,
                })
            })
            .collect()
    }

    /// The audit log from `since` on (a UTC time or date, `2026-12-01`: rows at or after
    /// it), oldest first; the whole log without it.
    pub async fn audit_since(&self, since: Option<&str>) -> Result<Vec<AuditEntry>, RegistryError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{AUDIT_SELECT} WHERE at >= $1 ORDER BY id"
        )))
        .bind(since.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_entry).collect()
    }

    /// The audit log, oldest first; only the rows of one referral when `referral` is given.
    pub async fn audit_log(&self, referral: Option<i64>) -> Result<Vec<AuditEntry>, RegistryError> {
        let rows =
            match referral {
                None => {
                    sqlx::query(AssertSqlSafe(format!("{AUDIT_SELECT} ORDER BY id")))
                        .fetch_all(&self.pool)
                        .await?
                }
                Some(id) => sqlx::query(AssertSqlSafe(format!(
                    "{AUDIT_SELECT} WHERE object_type = 'referral' AND object_id = $1 ORDER BY id"
                )))
                .bind(id)
                .fetch_all(&self.pool)
                .await?,
            };
        rows.iter().map(audit_entry).collect()
    }
}

/// The audit log's columns, in the order [`audit_entry`] reads them.
const AUDIT_SELECT: &str = "SELECT id, at, action, object_type, object_id, channel, detail,
        principal_kind, user_id, organisation_id, principal_detail, before_json, after_json
     FROM audit_log";

/// An audit row, as [`AUDIT_SELECT`] selects it.
fn audit_entry(r: &AnyRow) -> Result<AuditEntry, RegistryError> {
    Ok(AuditEntry {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        action: r.try_get(2)?,
        object_type: r.try_get(3)?,
        object_id: r.try_get(4)?,
        channel: r.try_get(5)?,
        detail: r.try_get(6)?,
        principal_kind: r.try_get(7)?,
        user_id: r.try_get(8)?,
        organisation_id: r.try_get(9)?,
        principal_detail: r.try_get(10)?,
        before: r.try_get(11)?,
        after: r.try_get(12)?,
    })
}

/// `sqlite://` address of a file, with the characters the address would misread escaped.
fn sqlite_url(path: &Path) -> Result<String, String> {
    let absolute = std::path::absolute(path).map_err(|e| e.to_string())?;
    let text = absolute
        .to_str()
        .ok_or_else(|| "chemin non UTF-8 : renommez le dossier".to_owned())?;
    let escaped = text
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    Ok(format!("sqlite://{escaped}?mode=rw"))
}

/// A PostgreSQL address without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The referral a link opens, with its status: `None` for an unknown token, an error for an
/// expired or revoked one (checked against `now`).
async fn open_link(
    conn: &mut sqlx::AnyConnection,
    token: &ReferralToken,
    now: &str,
) -> Result<Option<(i64, String)>, RegistryError> {
    let row: Option<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT id, status, link_expires_at, link_revoked_at FROM referral WHERE token_hash = $1",
    )
    .bind(token.hash())
    .fetch_optional(conn)
    .await?;
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
    Status::from_word(word).ok_or_else(|| RegistryError::Corrupt(format!("statut « {word} »")))
}

async fn load(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<Referral>, RegistryError> {
    let row: Option<AnyRow> = sqlx::query(
        "SELECT id, scheme_id, scheme_name, operator_id, operator_name, catalogue_version,
                person, contact, referrer, profile_json, eligibility, status, status_reason,
                created_at, updated_at, link_expires_at, contact_erased_at
         FROM referral WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else {
        return Ok(None);
    };
    let mut referral = Referral {
        id: r.try_get(0)?,
        scheme_id: r.try_get(1)?,
        scheme_name: r.try_get(2)?,
        operator_id: r.try_get(3)?,
        operator_name: r.try_get(4)?,
        catalogue_version: r.try_get(5)?,
        person: r.try_get(6)?,
        contact: r.try_get(7)?,
        referrer: r.try_get(8)?,
        profile_json: r.try_get(9)?,
        eligibility: r.try_get(10)?,
        status: status_of(&r.try_get::<String, _>(11)?)?,
        status_reason: r.try_get(12)?,
        created_at: r.try_get(13)?,
        updated_at: r.try_get(14)?,
        link_expires_at: r.try_get(15)?,
        contact_erased_at: r.try_get(16)?,
        history: Vec::new(),
    };
    let events: Vec<(String, Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT at, from_status, to_status, reason FROM referral_event
         WHERE referral_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for (at, from, to, reason) in events {
        referral.history.push(ReferralEvent {
            at,
            from: from.as_deref().map(status_of).transpose()?,
            to: status_of(&to)?,
            reason,
        });
    }
    Ok(Some(referral))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_addresses_escape_what_an_address_would_misread() {
        assert_eq!(
            sqlite_url(Path::new("/srv/essor 100%/a?b#c/registre.sqlite")).unwrap(),
            "sqlite:///srv/essor 100%25/a%3Fb%23c/registre.sqlite?mode=rw"
        );
    }

    #[test]
    fn postgres_addresses_lose_their_password_in_messages() {
        assert_eq!(
            redact("postgres://essor:s3cret@db.local:5432/essor"),
            "postgres://essor:***@db.local:5432/essor"
        );
        assert_eq!(
            redact("postgres://essor@127.0.0.1/essor"),
            "postgres://essor@127.0.0.1/essor"
        );
    }
}
