//! Accounts: organisations (with their territorial scope), the people who sign in, their
//! memberships with roles, instance administrators, signed-in sessions, and the throttling of
//! failed sign-ins.
//!
//! - **Passwords** are kept only as Argon2id hashes (the `argon2` crate, its default
//!   parameters: 19 MiB, 2 passes — OWASP's recommendation). A password has at least
//!   [`MIN_PASSWORD`] characters and is refused when `zxcvbn` finds it guessable (common
//!   passwords, dictionary words, keyboard patterns, the person's own e-mail or name).
//! - **Signing in** answers one generic message whatever went wrong (unknown address, wrong
//!   password, disabled account), and spends the same work on an unknown address as on a
//!   known one, so that nobody can learn who has an account. After [`MAX_FAILURES_ACCOUNT`]
//!   failures on an address in [`THROTTLE_MINUTES`] minutes, or [`MAX_FAILURES_ADDRESS`] from
//!   one network address, signing in is refused for a while.
//! - **Sessions** are secret tokens ([`SessionToken`]) of which only the hash is stored; they
//!   expire after [`SESSION_HOURS`] hours and end at sign-out.
//! - Every change (organisation, account, membership, session opened or closed) writes its
//!   audit row in the same unit of work, with the principal who made it. Passwords and their
//!   hashes never reach the audit log.

use super::{Channel, Registry, RegistryError, UnitOfWork, clock, token::SessionToken};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use essor_model::{OrganisationKind, Principal, Role, Siret, TerritoryLevel, TerritoryRef};
use sqlx::Row;

/// Shortest password, in characters.
pub const MIN_PASSWORD: usize = 12;
/// Longest password, in characters (hashing cost is bounded).
pub const MAX_PASSWORD: usize = 256;
/// Failed sign-ins on one address before it is throttled.
pub const MAX_FAILURES_ACCOUNT: i64 = 5;
/// Failed sign-ins from one network address before it is throttled.
pub const MAX_FAILURES_ADDRESS: i64 = 20;
/// The throttling window, in minutes.
pub const THROTTLE_MINUTES: i64 = 15;
/// How long a session lasts at most, in hours.
pub const SESSION_HOURS: i64 = 12;
/// A session unused for this long ends, in minutes.
pub const IDLE_MINUTES: i64 = 120;

/// The one message of a refused sign-in (no account enumeration).
pub const SIGN_IN_REFUSED: &str = "adresse électronique ou mot de passe incorrect";

/// What a new organisation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub kind: OrganisationKind,
    pub name: String,
    /// Checked (14 digits, Luhn); its SIREN is kept too.
    pub siret: Option<String>,
    /// The territories it works on: QPV, communes, EPCI, départements, régions.
    pub territories: Vec<TerritoryRef>,
}

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: i64,
    pub kind: OrganisationKind,
    pub name: String,
    pub siret: Option<String>,
    pub siren: Option<String>,
    pub territories: Vec<TerritoryRef>,
}

/// What a new account needs. The password is hashed and then dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password", &"<secret>")
            .finish()
    }
}

/// A person who signs in (no password, not even its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub instance_admin: bool,
    pub disabled: bool,
}

/// A role held in an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub organisation_id: i64,
    pub organisation_name: String,
    pub kind: OrganisationKind,
    pub role: Role,
}

/// A signed-in person, as a session shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub account: Account,
    pub memberships: Vec<Membership>,
    /// Until when the session lasts (UTC).
    pub expires_at: String,
}

impl SignedIn {
    /// The principal of this person acting for `organisation` (none: as themselves, which
    /// only an instance administrator's actions on the instance are).
    pub fn principal(&self, organisation: Option<i64>) -> Principal {
        Principal::User {
            user_id: self.account.id,
            organisation_id: organisation,
        }
    }

    /// True when they hold `role` in `organisation`.
    pub fn has_role(&self, organisation: i64, role: Role) -> bool {
        self.memberships
            .iter()
            .any(|m| m.organisation_id == organisation && m.role == role)
    }
}

fn field(field: &'static str, message: impl Into<String>) -> RegistryError {
    RegistryError::Field(super::FieldError {
        field,
        message: message.into(),
    })
}

/// A trimmed single-line text of at most `max` characters.
pub(super) fn text(name: &'static str, value: &str, max: usize) -> Result<String, RegistryError> {
    Ok(super::referral::single_line(name, value, max)?)
}

/// A plausible e-mail address, lower-cased.
pub(super) fn email(value: &str) -> Result<String, RegistryError> {
    let value = text("email", value, 254)?.to_lowercase();
    let ok = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value.contains(char::is_whitespace)
            && value.matches('@').count() == 1
    });
    if ok {
        Ok(value)
    } else {
        Err(field(
            "email",
            "adresse électronique attendue (nom@domaine.fr)",
        ))
    }
}

/// Checks a new password against the policy (module documentation); `hints` are words of
/// the person (e-mail, name) that must not make it up.
pub fn check_password(password: &str, hints: &[&str]) -> Result<(), RegistryError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        return Err(field(
            "password",
            format!("{MIN_PASSWORD} caractères au moins (une phrase de passe convient bien)"),
        ));
    }
    if n > MAX_PASSWORD {
        return Err(field(
            "password",
            format!("{MAX_PASSWORD} caractères au plus"),
        ));
    }
    // Each word of the hints counts on its own: « camille.dupont1 » is made of the name.
    let words: Vec<String> = hints
        .iter()
        .flat_map(|h| h.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect();
    let mut inputs: Vec<&str> = hints.to_vec();
    inputs.extend(words.iter().map(String::as_str));
    // What is left once the person's own words are taken out must be a password by itself.
    let mut rest = password.to_lowercase();
    for w in &words {
        rest = rest.replace(w.as_str(), "");
    }
    let own_words = rest.chars().count() < 8;
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if own_words || u8::from(estimate.score()) < 3 {
        return Err(field(
            "password",
            "trop facile à deviner (mot courant, suite de clavier, répétition ou tiré de votre nom ou adresse) : choisissez une phrase de plusieurs mots sans lien entre eux",
        ));
    }
    Ok(())
}

/// Argon2id computations running at once, at most: each holds 19 MiB, and 100 sign-ins at
/// once took the server to 1.7 GB (`bench/run.sh accounts`); the others wait their turn, so
/// the memory they take is bounded and the cores stay shared with the pages.
pub fn max_concurrent_hashes() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// Runs one Argon2id computation on the blocking pool, once one of the
/// [`max_concurrent_hashes`] permits is free.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let permits = PERMITS.get_or_init(|| tokio::sync::Semaphore::new(max_concurrent_hashes()));
    let _permit = permits.acquire().await.ok()?;
    tokio::task::spawn_blocking(move || {
        let running = RUNNING.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        PEAK.fetch_max(running, std::sync::atomic::Ordering::SeqCst);
        let out = work();
        RUNNING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        out
    })
    .await
    .ok()
}

/// Argon2id computations running now, and the most seen at once (for the tests).
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Argon2id hash of a password, as a PHC string (on the blocking pool: it is slow on purpose).
pub(super) async fn hash_password(password: String) -> Result<String, RegistryError> {
    hashing(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| RegistryError::Random(e.to_string()))?;
        let salt =
            SaltString::encode_b64(&salt).map_err(|e| RegistryError::Random(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| RegistryError::Corrupt(format!("hachage du mot de passe : {e}")))
    })
    .await
    .ok_or_else(|| RegistryError::Corrupt("tâche de hachage interrompue".into()))?
}

/// A fixed Argon2id hash checked against when the address is unknown, so that a refusal costs
/// the same time either way.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZXNzb3ItZGVjb3ktc2FsdA$GiA0Xw0xY6Te1O6RtgyOZkDx6jO4nlx3tZ9nHD5x7Iw";

/// True when `password` matches the PHC `hash` (on the blocking pool).
async fn verify_password(password: String, hash: String) -> bool {
    hashing(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

const SCOPE_LEVELS: [TerritoryLevel; 5] = [
    TerritoryLevel::Qpv,
    TerritoryLevel::Commune,
    TerritoryLevel::Epci,
    TerritoryLevel::Departement,
    TerritoryLevel::Region,
];

impl Registry {
    /// Records a new organisation with its territories, as `principal` (an instance
    /// administrator, or essor's `admin` task).
    pub async fn create_organisation(
        &self,
        new: NewOrganisation,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Organisation, RegistryError> {
        let name = text("name", &new.name, 200)?;
        let siret = match new
            .siret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => {
                let siret = Siret::parse(&s.replace(' ', ""))
                    .map_err(|e| field("siret", format!("SIRET invalide ({e})")))?;
                if !siret.checksum_ok() {
                    return Err(field(
                        "siret",
                        "SIRET invalide (sa clé de contrôle est fausse : vérifiez les 14 chiffres)",
                    ));
                }
                Some(siret)
            }
        };
        for t in &new.territories {
            if !SCOPE_LEVELS.contains(&t.level) || t.code.trim().is_empty() {
                return Err(field(
                    "territories",
                    format!(
                        "« {}:{} » : QPV, commune, EPCI, département ou région attendu",
                        t.level.code(),
                        t.code
                    ),
                ));
            }
        }
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisation WHERE name = $1")
            .bind(&name)
            .fetch_one(unit.conn())
            .await?;
        if taken > 0 {
            return Err(field(
                "name",
                format!("une organisation s'appelle déjà « {name} »"),
            ));
        }
        let (siret_text, siren_text) = (
            siret.map(|s| format!("{:014}", s.get())),
            siret.map(|s| format!("{:09}", s.siren().get())),
        );
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisation (kind, name, siret, siren, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(new.kind.as_str())
        .bind(&name)
        .bind(&siret_text)
        .bind(&siren_text)
        .bind(&now)
        .fetch_one(unit.conn())
        .await?;
        let mut territories = new.territories.clone();
        territories.sort_by(|a, b| (a.level.code(), &a.code).cmp(&(b.level.code(), &b.code)));
        territories.dedup();
        for t in &territories {
            sqlx::query(
                "INSERT INTO organisation_territory (organisation_id, level, code) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(t.level.code())
            .bind(t.code.trim())
            .execute(unit.conn())
            .await?;
        }
        let after = serde_json::json!({
            "kind": new.kind.as_str(),
            "name": name,
            "siret": siret_text,
            "territories": territories.iter().map(|t| format!("{}:{}", t.level.code(), t.code)).collect::<Vec<_>>(),
        });
        unit.audit(
            "organisation",
            id,
            "organisation.create",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        Ok(Organisation {
            id,
            kind: new.kind,
            name,
            siret: siret_text,
            siren: siren_text,
            territories,
        })
    }

    /// Records a new account; its password must pass [`check_password`] and is kept only as
    /// an Argon2id hash. The audit row holds neither the address nor the name (personal
    /// data): only the account's id.
    pub async fn create_account(
        &self,
        new: NewAccount,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Account, RegistryError> {
        let email = email(&new.email)?;
        let display_name = text("display_name", &new.display_name, 120)?;
        check_password(&new.password, &[&email, &display_name])?;
        let hash = hash_password(new.password).await?;
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account WHERE email = $1")
            .bind(&email)
            .fetch_one(unit.conn())
            .await?;
        if taken > 0 {
            return Err(field("email", "un compte existe déjà pour cette adresse"));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO account (email, display_name, password_hash, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(&email)
        .bind(&display_name)
        .bind(&hash)
        .bind(&now)
        .fetch_one(unit.conn())
        .await?;
        let after = serde_json::json!({ "account": id });
        unit.audit("account", id, "account.create", &after, None, Some(&after))
            .await?;
        unit.commit().await?;
        Ok(Account {
            id,
            email,
            display_name,
            instance_admin: false,
            disabled: false,
        })
    }

    /// Makes an account an administrator of the instance.
    pub async fn grant_instance_admin(
        &self,
        account_id: i64,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account WHERE id = $1")
            .bind(account_id)
            .fetch_one(unit.conn())
            .await?;
        if exists == 0 {
            return Err(RegistryError::NotFound);
        }
        let already: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM instance_admin WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(unit.conn())
                .await?;
        if already > 0 {
            return Ok(());
        }
        sqlx::query("INSERT INTO instance_admin (account_id, granted_at) VALUES ($1, $2)")
            .bind(account_id)
            .bind(&now)
            .execute(unit.conn())
            .await?;
        let after = serde_json::json!({ "instance_admin": true });
        unit.audit(
            "account",
            account_id,
            "account.instance_admin",
            &after,
            Some(&serde_json::json!({ "instance_admin": false })),
            Some(&after),
        )
        .await?;
        unit.commit().await
    }

    /// Gives `role` in `organisation_id` to `account_id` (nothing changes if they hold it).
    pub async fn grant_role(
        &self,
        account_id: i64,
        organisation_id: i64,
        role: Role,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let (accounts, organisations): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM account WHERE id = $1),
                    (SELECT COUNT(*) FROM organisation WHERE id = $2)",
        )
        .bind(account_id)
        .bind(organisation_id)
        .fetch_one(unit.conn())
        .await?;
        if accounts == 0 || organisations == 0 {
            return Err(RegistryError::NotFound);
        }
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM membership
             WHERE account_id = $1 AND organisation_id = $2 AND role = $3",
        )
        .bind(account_id)
        .bind(organisation_id)
        .bind(role.as_str())
        .fetch_one(unit.conn())
        .await?;
        if held > 0 {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO membership (account_id, organisation_id, role, granted_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(account_id)
        .bind(organisation_id)
        .bind(role.as_str())
        .bind(&now)
        .execute(unit.conn())
        .await?;
        let after = serde_json::json!({
            "account": account_id, "organisation": organisation_id, "role": role.as_str()
        });
        // Filed under the organisation, whose administrators read its log.
        unit.audit(
            "organisation",
            organisation_id,
            "membership.grant",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await
    }

    /// The account of an e-mail address, if any.
    pub async fn account_by_email(&self, address: &str) -> Result<Option<Account>, RegistryError> {
        let address = address.trim().to_lowercase();
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM account WHERE email = $1")
            .bind(&address)
            .fetch_optional(&self.pool)
            .await?;
        match id {
            None => Ok(None),
            Some(id) => self.account(id).await,
        }
    }

    /// An account by id.
    pub async fn account(&self, id: i64) -> Result<Option<Account>, RegistryError> {
        let row = sqlx::query(
            "SELECT a.id, a.email, a.display_name, a.disabled_at,
                    (SELECT COUNT(*) FROM instance_admin i WHERE i.account_id = a.id)
             FROM account a WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some(Account {
            id: r.try_get(0)?,
            email: r.try_get(1)?,
            display_name: r.try_get(2)?,
            disabled: r.try_get::<Option<String>, _>(3)?.is_some(),
            instance_admin: r.try_get::<i64, _>(4)? > 0,
        }))
    }

    /// Every account, by id.
    pub async fn accounts(&self) -> Result<Vec<Account>, RegistryError> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM account ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.account(id).await?);
        }
        Ok(out)
    }

    /// The roles of an account, by organisation name then role.
    pub async fn memberships(&self, account_id: i64) -> Result<Vec<Membership>, RegistryError> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT o.id, o.name, o.kind, m.role FROM membership m
             JOIN organisation o ON o.id = m.organisation_id
             WHERE m.account_id = $1 ORDER BY o.name, m.role",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(organisation_id, organisation_name, kind, role)| {
                Ok(Membership {
                    organisation_id,
                    organisation_name,
                    kind: OrganisationKind::parse(&kind)
                        .ok_or_else(|| RegistryError::Corrupt(format!("type « {kind} »")))?,
                    role: Role::parse(&role)
                        .ok_or_else(|| RegistryError::Corrupt(format!("rôle « {role} »")))?,
                })
            })
            .collect()
    }

    /// An organisation by id, with its territories.
    pub async fn organisation(&self, id: i64) -> Result<Option<Organisation>, RegistryError> {
        /// id, kind, name, siret, siren.
        type OrganisationRow = (i64, String, String, Option<String>, Option<String>);
        let row: Option<OrganisationRow> =
            sqlx::query_as("SELECT id, kind, name, siret, siren FROM organisation WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some((id, kind, name, siret, siren)) = row else {
            return Ok(None);
        };
        let territories: Vec<(String, String)> = sqlx::query_as(
            "SELECT level, code FROM organisation_territory WHERE organisation_id = $1
             ORDER BY level, code",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(Organisation {
            id,
            kind: OrganisationKind::parse(&kind)
                .ok_or_else(|| RegistryError::Corrupt(format!("type « {kind} »")))?,
            name,
            siret,
            siren,
            territories: territories
                .into_iter()
                .filter_map(|(level, code)| {
                    TerritoryLevel::from_code(&level).map(|l| TerritoryRef::new(l, code))
                })
                .collect(),
        }))
    }

    /// Signs in with an address and a password from the network address `from`: a new
    /// session, or the generic refusal ([`SIGN_IN_REFUSED`]) — or a throttling message when
    /// too many attempts failed recently. A success is audited; a failure is counted.
    pub async fn sign_in(
        &self,
        address: &str,
        password: &str,
        from: &str,
        channel: Channel,
    ) -> Result<(SignedIn, SessionToken), SignInError> {
        let address = address.trim().to_lowercase();
        let now = self.clock.now();
        let since = clock::stamp(now - time::Duration::minutes(THROTTLE_MINUTES));
        let keys = [format!("account:{address}"), format!("address:{from}")];
        let (by_account, by_address): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM login_failure WHERE key = $1 AND at > $3),
                    (SELECT COUNT(*) FROM login_failure WHERE key = $2 AND at > $3)",
        )
        .bind(&keys[0])
        .bind(&keys[1])
        .bind(&since)
        .fetch_one(&self.pool)
        .await?;
        if by_account >= MAX_FAILURES_ACCOUNT || by_address >= MAX_FAILURES_ADDRESS {
            return Err(SignInError::Throttled);
        }
        let row: Option<(i64, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, password_hash, disabled_at FROM account WHERE email = $1")
                .bind(&address)
                .fetch_optional(&self.pool)
                .await?;
        let (id, hash, disabled) = match row {
            Some((id, Some(hash), disabled)) => (Some(id), hash, disabled.is_some()),
            _ => (None, DECOY_HASH.to_owned(), true),
        };
        let matches = verify_password(password.to_owned(), hash).await;
        let (Some(id), true, false) = (id, matches, disabled) else {
            let stamp = clock::stamp(now);
            for key in &keys {
                sqlx::query("INSERT INTO login_failure (key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(&stamp)
                    .execute(&self.pool)
                    .await?;
            }
            return Err(SignInError::Refused);
        };
        let principal = Principal::User {
            user_id: id,
            organisation_id: None,
        };
        let mut unit = self.begin(&principal, channel).await?;
        let token = open_session(&mut unit, id, "password").await?;
        sqlx::query("DELETE FROM login_failure WHERE key = $1")
            .bind(&keys[0])
            .execute(unit.conn())
            .await?;
        unit.commit().await?;
        let signed_in = self.session(&token).await?.ok_or(SignInError::Refused)?;
        Ok((signed_in, token))
    }

    /// The person of a session; `None` when the token is unknown, expired, unused for
    /// [`IDLE_MINUTES`], closed, or its account disabled. Records the use (at most one write
    /// a minute per session), which keeps an active session open.
    pub async fn session(&self, token: &SessionToken) -> Result<Option<SignedIn>, RegistryError> {
        let at = self.clock.now();
        let now = clock::stamp(at);
        let idle_since = clock::stamp(at - time::Duration::minutes(IDLE_MINUTES));
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT s.id, s.account_id, s.expires_at, s.last_seen_at
             FROM session s JOIN account a ON a.id = s.account_id
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
               AND s.last_seen_at > $3 AND a.disabled_at IS NULL",
        )
        .bind(token.hash())
        .bind(&now)
        .bind(&idle_since)
        .fetch_optional(&self.pool)
        .await?;
        let Some((session, account_id, expires_at, seen)) = row else {
            return Ok(None);
        };
        if seen < clock::stamp(at - time::Duration::minutes(1)) {
            sqlx::query("UPDATE session SET last_seen_at = $1 WHERE id = $2")
                .bind(&now)
                .bind(session)
                .execute(&self.pool)
                .await?;
        }
        let Some(account) = self.account(account_id).await? else {
            return Ok(None);
        };
        Ok(Some(SignedIn {
            memberships: self.memberships(account_id).await?,
            account,
            expires_at,
        }))
    }

    /// Ends a session (sign-out); an unknown or already closed one changes nothing.
    pub async fn sign_out(
        &self,
        token: &SessionToken,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, account_id FROM session WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token.hash())
        .fetch_optional(&self.pool)
        .await?;
        let Some((session, account_id)) = row else {
            return Ok(());
        };
        let principal = Principal::User {
            user_id: account_id,
            organisation_id: None,
        };
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let closed =
            sqlx::query("UPDATE session SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(&now)
                .bind(session)
                .execute(unit.conn())
                .await?;
        if closed.rows_affected() == 1 {
            let after = serde_json::json!({ "session": session, "closed": true });
            unit.audit(
                "session",
                session,
                "session.close",
                &after,
                None,
                Some(&after),
            )
            .await?;
            unit.commit().await?;
        }
        Ok(())
    }
}

/// Opens a session of `account_id` in `unit` (whose principal is that account), with its
/// audit row naming how the person proved who they are (`password`, `oidc`); returns the
/// session's token, of which only the hash is stored. The one way every sign-in opens one.
pub(super) async fn open_session(
    unit: &mut UnitOfWork,
    account_id: i64,
    method: &str,
) -> Result<SessionToken, RegistryError> {
    let token = SessionToken::generate().map_err(|e| RegistryError::Random(e.to_string()))?;
    let opened = unit.now().to_owned();
    let expires = clock::stamp(unit.at() + time::Duration::hours(SESSION_HOURS));
    let session: i64 = sqlx::query_scalar(
        "INSERT INTO session (token_hash, account_id, created_at, expires_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $3) RETURNING id",
    )
    .bind(token.hash())
    .bind(account_id)
    .bind(&opened)
    .bind(&expires)
    .fetch_one(unit.conn())
    .await?;
    let after = serde_json::json!({ "session": session, "expires_at": expires, "method": method });
    unit.audit(
        "session",
        session,
        "session.open",
        &after,
        None,
        Some(&after),
    )
    .await?;
    Ok(token)
}

/// Why signing in did not succeed. Messages are French and never say whether the address
/// has an account.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("{SIGN_IN_REFUSED}")]
    Refused,
    #[error(
        "trop de tentatives de connexion infructueuses : réessayez dans {THROTTLE_MINUTES} minutes"
    )]
    Throttled,
    #[error("{0}")]
    Registry(#[from] RegistryError),
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> Self {
        Self::Registry(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_personal_passwords_are_refused_with_the_field_named() {
        for (password, why) in [
            ("motdepasse", "12 caractères au moins"),
            ("azertyuiop12", "trop facile à deviner"),
            ("password1234", "trop facile à deviner"),
            ("aaaaaaaaaaaaaaaa", "trop facile à deviner"),
            ("camille.dupont1", "trop facile à deviner"),
        ] {
            let err = check_password(password, &["camille.dupont@rennes.fr", "Camille Dupont"])
                .expect_err(password)
                .to_string();
            assert!(
                err.starts_with("champ « password » : "),
                "{password}: {err}"
            );
            assert!(err.contains(why), "{password}: {err}");
        }
        assert!(check_password("cerf-volant hibou grenadine 42", &[]).is_ok());
    }

    #[test]
    fn addresses_are_lower_cased_and_checked() {
        assert_eq!(
            email("  Camille.Dupont@Rennes.FR ").unwrap(),
            "camille.dupont@rennes.fr"
        );
        for bad in [
            "camille",
            "camille@rennes",
            "a@b@c.fr",
            "camille dupont@rennes.fr",
            "@rennes.fr",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn argon2id_runs_at_most_twice_the_cores_at_once_however_many_ask() {
        // 100 sign-ins at once took 1.7 GB of Argon2id memory (bench accounts).
        let cap = max_concurrent_hashes();
        let checks: Vec<_> = (0..cap * 3)
            .map(|_| tokio::spawn(verify_password("faux".into(), DECOY_HASH.into())))
            .collect();
        for c in checks {
            assert!(!c.await.unwrap());
        }
        let peak = PEAK.load(std::sync::atomic::Ordering::SeqCst);
        assert!(peak <= cap, "{peak} at once, cap {cap}");
        assert!(peak >= 2, "they did run side by side ({peak})");
    }

    #[test]
    fn the_decoy_hash_is_a_valid_argon2id_hash() {
        let parsed = PasswordHash::new(DECOY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
    }
}
