//! What an organisation's members reach once signed in, and what a person may ask of their
//! own data:
//!
//! - **Operator organisations** answer for operators of the orientation catalogue
//!   (`organisation_operator`): their members with the `operator` role see the referrals
//!   addressed to those operators, personal data included, and move them on — the same
//!   lifecycle and the same unit of work as through a secret link ([`ReferralKey`]).
//! - **The organisation's audit log**: the changes its members made for it, the changes made
//!   to it (its memberships), and every change to the referrals it receives.
//! - **Personal API tokens** for scripts: shown once, stored as a SHA-256 hash, scoped
//!   ([`ApiScope`]), revocable, with their last use.
//! - **A person's data** (RGPD): everything essor holds on an account, as JSON
//!   ([`Registry::personal_data`]), and the erasure of the account by its owner
//!   ([`Registry::erase_account`]): its address and name are replaced, its roles, sessions and
//!   tokens removed; its audit rows stay, pointing to an id that no longer names anyone.

use super::accounts::{Account, SignedIn};
use super::referral::{Referral, Status, StatusChange};
use super::token::SecretToken;
use super::{AUDIT_SELECT, AuditEntry, Channel, Registry, RegistryError, audit_entry, clock};
use essor_model::{Principal, Role};
use sqlx::{AssertSqlSafe, Row};

/// How a change reaches a referral.
#[derive(Debug, Clone, Copy)]
pub enum ReferralKey<'a> {
    /// Its secret link.
    Link(&'a SecretToken),
    /// Its number, by a member of an organisation that answers for its operator.
    Organisation { organisation: i64, referral: i64 },
}

/// The referral `referral` and its status, if `organisation` answers for its operator.
pub(crate) async fn open_for(
    conn: &mut sqlx::AnyConnection,
    organisation: i64,
    referral: i64,
) -> Result<Option<(i64, String)>, RegistryError> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.status FROM referral r
         WHERE r.id = $1 AND r.operator_id IN
             (SELECT operator_id FROM organisation_operator WHERE organisation_id = $2)",
    )
    .bind(referral)
    .bind(organisation)
    .fetch_optional(conn)
    .await?)
}

/// A member of an organisation and their roles in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub account_id: i64,
    pub display_name: String,
    pub email: String,
    pub roles: Vec<Role>,
}

/// What a personal API token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiScope {
    /// Reads (`GET`, `HEAD`).
    Read,
    /// Reads and writes.
    Write,
}

impl ApiScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "read" | "lecture" => Some(Self::Read),
            "write" | "ecriture" | "écriture" => Some(Self::Write),
            _ => None,
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "lecture seule",
            Self::Write => "lecture et écriture",
        }
    }

    /// True when a request with `method` is within the scope.
    pub fn allows(self, method: &str) -> bool {
        self == Self::Write || matches!(method, "GET" | "HEAD")
    }
}

/// A personal API token, as its owner sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: ApiScope,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Most tokens one account may hold at once.
pub const MAX_API_TOKENS: i64 = 20;
/// Most referrals an organisation's page lists (most recently changed first).
pub const MAX_LISTED: i64 = 500;

impl Registry {
    /// Makes `organisation` answer for the catalogue operator `operator_id`: its members with
    /// the `operator` role receive the referrals addressed to it.
    pub async fn link_operator(
        &self,
        organisation: i64,
        operator_id: &str,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let operator_id = operator_id.trim();
        if operator_id.is_empty()
            || operator_id.len() > 100
            || !operator_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(RegistryError::Field(super::FieldError {
                field: "operator",
                message: "identifiant d'opérateur du catalogue attendu (lettres, chiffres, tirets : « adie », « france-active »)".into(),
            }));
        }
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisation WHERE id = $1")
            .bind(organisation)
            .fetch_one(unit.conn())
            .await?;
        if exists == 0 {
            return Err(RegistryError::NotFound);
        }
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organisation_operator
             WHERE organisation_id = $1 AND operator_id = $2",
        )
        .bind(organisation)
        .bind(operator_id)
        .fetch_one(unit.conn())
        .await?;
        if held > 0 {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO organisation_operator (organisation_id, operator_id, linked_at)
             VALUES ($1, $2, $3)",
        )
        .bind(organisation)
        .bind(operator_id)
        .bind(&now)
        .execute(unit.conn())
        .await?;
        let after = serde_json::json!({ "operator": operator_id });
        unit.audit(
            "organisation",
            organisation,
            "organisation.operator",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await
    }

    /// Takes `role` in `organisation` away from `account_id`; [`RegistryError::NotFound`] when
    /// they do not hold it. An organisation keeps at least one administrator: removing the
    /// last one is refused (a French field error).
    pub async fn revoke_role(
        &self,
        account_id: i64,
        organisation: i64,
        role: Role,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let mut unit = self.begin(principal, channel).await?;
        if role == Role::Admin {
            let admins: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM membership WHERE organisation_id = $1 AND role = 'admin'",
            )
            .bind(organisation)
            .fetch_one(unit.conn())
            .await?;
            if admins <= 1 {
                return Err(RegistryError::Field(super::FieldError {
                    field: "role",
                    message: "l'organisation doit garder au moins un administrateur : donnez d'abord ce rôle à quelqu'un d'autre".into(),
                }));
            }
        }
        let removed = sqlx::query(
            "DELETE FROM membership WHERE account_id = $1 AND organisation_id = $2 AND role = $3",
        )
        .bind(account_id)
        .bind(organisation)
        .bind(role.as_str())
        .execute(unit.conn())
        .await?;
        if removed.rows_affected() != 1 {
            return Err(RegistryError::NotFound);
        }
        let before = serde_json::json!({
            "account": account_id, "organisation": organisation, "role": role.as_str()
        });
        unit.audit(
            "organisation",
            organisation,
            "membership.revoke",
            &before,
            Some(&before),
            None,
        )
        .await?;
        unit.commit().await
    }

    /// The catalogue operators an organisation answers for.
    pub async fn operators(&self, organisation: i64) -> Result<Vec<String>, RegistryError> {
        Ok(sqlx::query_scalar(
            "SELECT operator_id FROM organisation_operator WHERE organisation_id = $1
             ORDER BY operator_id",
        )
        .bind(organisation)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The members of an organisation with their roles, by name.
    pub async fn members(&self, organisation: i64) -> Result<Vec<Member>, RegistryError> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT a.id, a.display_name, a.email, m.role FROM membership m
             JOIN account a ON a.id = m.account_id
             WHERE m.organisation_id = $1 AND a.disabled_at IS NULL
             ORDER BY a.display_name, a.id, m.role",
        )
        .bind(organisation)
        .fetch_all(&self.pool)
        .await?;
        let mut members: Vec<Member> = Vec::new();
        for (account_id, display_name, email, role) in rows {
            let role = Role::parse(&role)
                .ok_or_else(|| RegistryError::Corrupt(format!("rôle « {role} »")))?;
            match members.last_mut() {
                Some(m) if m.account_id == account_id => m.roles.push(role),
                _ => members.push(Member {
                    account_id,
                    display_name,
                    email,
                    roles: vec![role],
                }),
            }
        }
        Ok(members)
    }

    /// The referrals addressed to the operators `organisation` answers for, with their
    /// personal data and history, most recently changed first ([`MAX_LISTED`] at most);
    /// only those in `status` when given.
    pub async fn organisation_referrals(
        &self,
        organisation: i64,
        status: Option<Status>,
    ) -> Result<Vec<Referral>, RegistryError> {
        let ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT r.id FROM referral r
             WHERE r.operator_id IN
                 (SELECT operator_id FROM organisation_operator WHERE organisation_id = $1)
               AND ($2 = '' OR r.status = $2)
             ORDER BY r.updated_at DESC, r.id DESC LIMIT {MAX_LISTED}"
        )))
        .bind(organisation)
        .bind(status.map(Status::word).unwrap_or_default())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.load(id).await?);
        }
        Ok(out)
    }

    /// Moves on referral `referral` for `organisation` (a member with the `operator` role:
    /// the caller checks the role). [`RegistryError::NotFound`] when the organisation does not
    /// answer for its operator, exactly as for a referral that does not exist.
    pub async fn change_status_for(
        &self,
        organisation: i64,
        referral: i64,
        change: &StatusChange,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryError> {
        self.move_on(
            ReferralKey::Organisation {
                organisation,
                referral,
            },
            change,
            principal,
            channel,
        )
        .await
    }

    /// The audit log of an organisation from `since` on (a UTC time or date), oldest first:
    /// what was done for it, what was done to it, and every change to the referrals it
    /// receives.
    pub async fn organisation_audit(
        &self,
        organisation: i64,
        since: Option<&str>,
    ) -> Result<Vec<AuditEntry>, RegistryError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{AUDIT_SELECT}
             WHERE at >= $2 AND (organisation_id = $1
                OR (object_type = 'organisation' AND object_id = $1)
                OR (object_type = 'referral' AND object_id IN
                    (SELECT r.id FROM referral r JOIN organisation_operator o
                         ON o.operator_id = r.operator_id
                     WHERE o.organisation_id = $1)))
             ORDER BY id"
        )))
        .bind(organisation)
        .bind(since.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_entry).collect()
    }

    /// A new personal API token for `account_id`: the token itself is returned this once.
    pub async fn create_api_token(
        &self,
        account_id: i64,
        name: &str,
        scope: ApiScope,
        channel: Channel,
    ) -> Result<(ApiToken, SecretToken), RegistryError> {
        let name = super::referral::single_line("name", name, 80)?;
        let token = SecretToken::generate().map_err(|e| RegistryError::Random(e.to_string()))?;
        let principal = user(account_id);
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_token WHERE account_id = $1 AND revoked_at IS NULL",
        )
        .bind(account_id)
        .fetch_one(unit.conn())
        .await?;
        if held >= MAX_API_TOKENS {
            return Err(RegistryError::Field(super::FieldError {
                field: "name",
                message: format!(
                    "{MAX_API_TOKENS} jetons actifs au plus : révoquez ceux qui ne servent plus"
                ),
            }));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_token (account_id, name, token_hash, scope, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(account_id)
        .bind(&name)
        .bind(token.hash())
        .bind(scope.as_str())
        .bind(&now)
        .fetch_one(unit.conn())
        .await?;
        let after = serde_json::json!({ "token": id, "scope": scope.as_str() });
        unit.audit(
            "api_token",
            id,
            "api_token.create",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        Ok((
            ApiToken {
                id,
                name,
                scope,
                created_at: now,
                last_used_at: None,
                revoked_at: None,
            },
            token,
        ))
    }

    /// The API tokens of an account, newest first.
    pub async fn api_tokens(&self, account_id: i64) -> Result<Vec<ApiToken>, RegistryError> {
        let rows = sqlx::query(
            "SELECT id, name, scope, created_at, last_used_at, revoked_at FROM api_token
             WHERE account_id = $1 ORDER BY id DESC",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let scope: String = r.try_get(2)?;
                Ok(ApiToken {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    scope: ApiScope::parse(&scope)
                        .ok_or_else(|| RegistryError::Corrupt(format!("portée « {scope} »")))?,
                    created_at: r.try_get(3)?,
                    last_used_at: r.try_get(4)?,
                    revoked_at: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Revokes one of the account's tokens; [`RegistryError::NotFound`] when it has no such
    /// active token.
    pub async fn revoke_api_token(
        &self,
        account_id: i64,
        token_id: i64,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let principal = user(account_id);
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let done = sqlx::query(
            "UPDATE api_token SET revoked_at = $1
             WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(token_id)
        .bind(account_id)
        .execute(unit.conn())
        .await?;
        if done.rows_affected() != 1 {
            return Err(RegistryError::NotFound);
        }
        unit.audit(
            "api_token",
            token_id,
            "api_token.revoke",
            &serde_json::json!({ "token": token_id }),
            Some(&serde_json::json!({ "revoked": false })),
            Some(&serde_json::json!({ "revoked": true })),
        )
        .await?;
        unit.commit().await
    }

    /// The person behind an API token and its scope; `None` for an unknown or revoked token,
    /// or a disabled account. Records the day of use (at most one write a minute per token).
    /// The [`SignedIn::expires_at`] of a token is empty: it lasts until revoked.
    pub async fn api_session(
        &self,
        token: &SecretToken,
    ) -> Result<Option<(SignedIn, ApiScope)>, RegistryError> {
        let row: Option<(i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT t.id, t.account_id, t.scope, t.last_used_at FROM api_token t
             JOIN account a ON a.id = t.account_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL",
        )
        .bind(token.hash())
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, account_id, scope, last)) = row else {
            return Ok(None);
        };
        let scope = ApiScope::parse(&scope)
            .ok_or_else(|| RegistryError::Corrupt(format!("portée « {scope} »")))?;
        let now = self.clock.now();
        let minute_ago = clock::stamp(now - time::Duration::minutes(1));
        if last.is_none_or(|l| l < minute_ago) {
            sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
                .bind(clock::stamp(now))
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        let Some(account) = self.account(account_id).await? else {
            return Ok(None);
        };
        Ok(Some((
            SignedIn {
                memberships: self.memberships(account_id).await?,
                account,
                expires_at: String::new(),
            },
            scope,
        )))
    }

    /// Closes every open session of an account (« se déconnecter partout »); returns how
    /// many were open.
    pub async fn sign_out_everywhere(
        &self,
        account_id: i64,
        channel: Channel,
    ) -> Result<u64, RegistryError> {
        let principal = user(account_id);
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let closed = sqlx::query(
            "UPDATE session SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(account_id)
        .execute(unit.conn())
        .await?
        .rows_affected();
        let after = serde_json::json!({ "sessions_closed": closed });
        unit.audit(
            "account",
            account_id,
            "session.close_all",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        Ok(closed)
    }

    /// Everything essor holds on an account (RGPD, right of access), as JSON: the account,
    /// its roles, its sessions and API tokens (dates and names, never a secret), and the
    /// audit rows of what it did.
    pub async fn personal_data(&self, account_id: i64) -> Result<serde_json::Value, RegistryError> {
        let Some(Account {
            id,
            email,
            display_name,
            instance_admin,
            ..
        }) = self.account(account_id).await?
        else {
            return Err(RegistryError::NotFound);
        };
        let created: String = sqlx::query_scalar("SELECT created_at FROM account WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        let roles: Vec<serde_json::Value> = self
            .memberships(id)
            .await?
            .into_iter()
            .map(|m| {
                serde_json::json!({
                    "organisation": m.organisation_name,
                    "organisation_id": m.organisation_id,
                    "role": m.role.as_str(),
                })
            })
            .collect();
        let sessions: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT created_at, expires_at, revoked_at FROM session WHERE account_id = $1
             ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let tokens = self.api_tokens(id).await?;
        let audit = sqlx::query(AssertSqlSafe(format!(
            "{AUDIT_SELECT} WHERE principal_kind = 'user' AND user_id = $1 ORDER BY id"
        )))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let audit: Vec<serde_json::Value> = audit
            .iter()
            .map(audit_entry)
            .map(|e| {
                e.map(|e| {
                    serde_json::json!({
                        "at": e.at, "action": e.action, "object_type": e.object_type,
                        "object_id": e.object_id, "channel": e.channel,
                        "organisation_id": e.organisation_id,
                    })
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(serde_json::json!({
            "account": {
                "id": id, "email": email, "display_name": display_name,
                "instance_admin": instance_admin, "created_at": created,
            },
            "roles": roles,
            "sessions": sessions.into_iter().map(|(c, e, r)| serde_json::json!({
                "opened_at": c, "expires_at": e, "closed_at": r,
            })).collect::<Vec<_>>(),
            "api_tokens": tokens.into_iter().map(|t| serde_json::json!({
                "name": t.name, "scope": t.scope.as_str(), "created_at": t.created_at,
                "last_used_at": t.last_used_at, "revoked_at": t.revoked_at,
            })).collect::<Vec<_>>(),
            "actions": audit,
        }))
    }

    /// Erases an account at its owner's request (RGPD, right to erasure): the address and
    /// name are replaced, the password hash dropped, the roles, instance administration,
    /// sessions, API tokens, reset links and linked OpenID Connect identities removed, in one unit of work with its audit row. The audit
    /// rows it authored stay (the log is append-only) and point to an id that names nobody.
    pub async fn erase_account(
        &self,
        account_id: i64,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(), RegistryError> {
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let erased = sqlx::query(
            "UPDATE account SET email = $1, display_name = 'compte supprimé',
                 password_hash = NULL, disabled_at = $2, erased_at = $2, updated_at = $2
             WHERE id = $3 AND erased_at IS NULL",
        )
        .bind(format!("compte-{account_id}@supprime.invalid"))
        .bind(&now)
        .bind(account_id)
        .execute(unit.conn())
        .await?;
        if erased.rows_affected() != 1 {
            return Err(RegistryError::NotFound);
        }
        let roles: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM membership WHERE account_id = $1")
                .bind(account_id)
                .fetch_one(unit.conn())
                .await?;
        for statement in [
            "DELETE FROM membership WHERE account_id = $1",
            "DELETE FROM instance_admin WHERE account_id = $1",
            "DELETE FROM session WHERE account_id = $1",
            "DELETE FROM api_token WHERE account_id = $1",
            "DELETE FROM password_reset WHERE account_id = $1",
            "DELETE FROM oidc_identity WHERE account_id = $1",
        ] {
            sqlx::query(statement)
                .bind(account_id)
                .execute(unit.conn())
                .await?;
        }
        unit.audit(
            "account",
            account_id,
            "account.erase",
            &serde_json::json!({ "erased": ["email", "display_name", "password"] }),
            Some(&serde_json::json!({ "roles": roles })),
            Some(&serde_json::json!({ "erased": true })),
        )
        .await?;
        unit.commit().await
    }
}

/// A person acting as themselves.
fn user(account_id: i64) -> Principal {
    Principal::User {
        user_id: account_id,
        organisation_id: None,
    }
}
