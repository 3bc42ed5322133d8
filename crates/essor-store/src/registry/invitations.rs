//! Invitations and password resets: single-use links that essor sends by e-mail (issue 15).
//!
//! Both are [`SecretToken`]s of which only the SHA-256 is stored, that expire
//! ([`INVITATION_DAYS`], [`RESET_MINUTES`]) and serve once: using one marks it used by an
//! update conditional on it being unused (`… WHERE used_at IS NULL`), so two concurrent uses
//! cannot both pass, on SQLite or PostgreSQL.
//!
//! - **An invitation** names an address, an organisation and a role. Accepting it creates the
//!   account of that address with the name and password chosen (checked by
//!   [`check_password`]) and gives it the role — or, when the address already has an account,
//!   only gives the role. The invitation's audit row names who invited (an account, or essor
//!   itself for `essor admin inviter`); the acceptance's rows name the new account.
//! - **A password reset** is asked for with an address. An unknown or disabled address gets
//!   no link, and the caller cannot tell: the answer is `None` either way only for the
//!   registry's caller, which must answer the person the same (no account enumeration). At
//!   most [`MAX_RESETS`] links are made per account in [`RESET_MINUTES`] minutes. Using the
//!   link sets the new password (checked), closes every session of the account and spends
//!   every other reset link it had.

use super::accounts::{Account, check_password, email, hash_password, text};
use super::token::SecretToken;
use super::{Channel, Registry, RegistryError, clock};
use essor_model::{Principal, Role};

/// How long an invitation can be accepted, in days.
pub const INVITATION_DAYS: i64 = 7;
/// How long a password-reset link works, in minutes.
pub const RESET_MINUTES: i64 = 60;
/// Reset links made for one account in [`RESET_MINUTES`] minutes, at most (the others are
/// silently not made: the mailbox of a person is not a target).
pub const MAX_RESETS: i64 = 3;

/// An invitation's secret link.
pub type InvitationToken = SecretToken;
/// A password reset's secret link.
pub type ResetToken = SecretToken;

/// Why a single-use link opens nothing any more. Messages are French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpentLink {
    /// It expired at `at` (UTC).
    #[error("ce lien a expiré le {} (heure UTC) : demandez-en un nouveau", at.replace('T', " à ").trim_end_matches('Z'))]
    Expired { at: String },
    /// It has already served.
    #[error("ce lien a déjà servi (il ne sert qu'une fois) : demandez-en un nouveau si besoin")]
    Used,
}

/// What an invitation needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    pub email: String,
    pub organisation_id: i64,
    pub role: Role,
}

/// An open invitation, as its link shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    /// The invited address, lower-cased.
    pub email: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub role: Role,
    /// Until when it can be accepted (UTC).
    pub expires_at: String,
    /// True when the address already has an account: accepting only gives the role.
    pub account_exists: bool,
}

/// What a person gives to accept an invitation that creates their account. The password is
/// hashed, then dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub display_name: String,
    pub password: String,
}

impl std::fmt::Debug for Acceptance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acceptance")
            .field("display_name", &self.display_name)
            .field("password", &"<secret>")
            .finish()
    }
}

/// The account of an accepted invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub account: Account,
    /// False when the account existed and only received the role.
    pub created: bool,
}

/// A password reset to send: to whom, and the link's token (known only now).
#[derive(Debug, Clone)]
pub struct ResetLink {
    pub account: Account,
    pub token: ResetToken,
    pub expires_at: String,
}

/// The row of a single-use link: `None` for an unknown token, [`SpentLink`] when expired or
/// used (checked against `now`).
fn open<T>(
    row: Option<(T, String, Option<String>)>,
    now: &str,
) -> Result<Option<T>, RegistryError> {
    match row {
        None => Ok(None),
        Some((_, _, Some(_))) => Err(SpentLink::Used.into()),
        Some((_, expires, None)) if expires.as_str() <= now => {
            Err(SpentLink::Expired { at: expires }.into())
        }
        Some((row, _, None)) => Ok(Some(row)),
    }
}

impl Registry {
    /// Records an invitation of `new.email` to `new.organisation_id` with `new.role`, made by
    /// `principal` (an account, or essor's `admin` task). Returns it with its token, which is
    /// stored only as a hash: this is the one moment it can be read.
    pub async fn create_invitation(
        &self,
        new: NewInvitation,
        principal: &Principal,
        channel: Channel,
    ) -> Result<(Invitation, InvitationToken), RegistryError> {
        let address = email(&new.email)?;
        let token =
            InvitationToken::generate().map_err(|e| RegistryError::Random(e.to_string()))?;
        let mut unit = self.begin(principal, channel).await?;
        let now = unit.now().to_owned();
        let expires = clock::stamp(unit.at() + time::Duration::days(INVITATION_DAYS));
        let organisation: Option<String> =
            sqlx::query_scalar("SELECT name FROM organisation WHERE id = $1")
                .bind(new.organisation_id)
                .fetch_optional(unit.conn())
                .await?;
        let Some(organisation_name) = organisation else {
            return Err(RegistryError::NotFound);
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invitation (token_hash, email, organisation_id, role, created_by,
                 created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(token.hash())
        .bind(&address)
        .bind(new.organisation_id)
        .bind(new.role.as_str())
        .bind(principal.user_id())
        .bind(&now)
        .bind(&expires)
        .fetch_one(unit.conn())
        .await?;
        // No address in the audit log (personal data): the invitation's id says which.
        let after = serde_json::json!({
            "invitation": id, "organisation": new.organisation_id, "role": new.role.as_str(),
            "expires_at": expires,
        });
        unit.audit(
            "invitation",
            id,
            "invitation.create",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        let account_exists = self.account_by_email(&address).await?.is_some();
        Ok((
            Invitation {
                id,
                email: address,
                organisation_id: new.organisation_id,
                organisation_name,
                role: new.role,
                expires_at: expires,
                account_exists,
            },
            token,
        ))
    }

    /// The open invitation of a link; `None` for an unknown token, [`SpentLink`] for an
    /// expired or used one.
    pub async fn invitation(
        &self,
        token: &InvitationToken,
    ) -> Result<Option<Invitation>, RegistryError> {
        /// id, email, organisation id and name, role, expiry, use.
        type Row = (i64, String, i64, String, String, String, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT i.id, i.email, i.organisation_id, o.name, i.role, i.expires_at, i.used_at
             FROM invitation i JOIN organisation o ON o.id = i.organisation_id
             WHERE i.token_hash = $1",
        )
        .bind(token.hash())
        .fetch_optional(&self.pool)
        .await?;
        let row = row.map(|(id, e, o, name, role, expires, used)| {
            ((id, e, o, name, role, expires.clone()), expires, used)
        });
        let Some((id, address, organisation_id, organisation_name, role, expires_at)) =
            open(row, &clock::stamp(self.clock.now()))?
        else {
            return Ok(None);
        };
        let role =
            Role::parse(&role).ok_or_else(|| RegistryError::Corrupt(format!("rôle « {role} »")))?;
        let account_exists = self.account_by_email(&address).await?.is_some();
        Ok(Some(Invitation {
            id,
            email: address,
            organisation_id,
            organisation_name,
            role,
            expires_at,
            account_exists,
        }))
    }

    /// Accepts an invitation: creates the account of its address with `acceptance` (its
    /// password checked by [`check_password`]) — or, when the address already has an account,
    /// keeps that account and ignores `acceptance` — and gives it the invitation's role. The
    /// invitation is spent by a conditional update: of two concurrent acceptances, one gets
    /// [`SpentLink::Used`] and writes nothing. Audited as the account.
    pub async fn accept_invitation(
        &self,
        token: &InvitationToken,
        acceptance: Acceptance,
        channel: Channel,
    ) -> Result<Accepted, RegistryError> {
        let invitation = self
            .invitation(token)
            .await?
            .ok_or(RegistryError::NotFound)?;
        let existing = self.account_by_email(&invitation.email).await?;
        // The slow hash before the transaction, and only for a new account.
        let new_account = match &existing {
            Some(_) => None,
            None => {
                let name = text("display_name", &acceptance.display_name, 120)?;
                check_password(&acceptance.password, &[&invitation.email, &name])?;
                Some((name, hash_password(acceptance.password).await?))
            }
        };
        let acting = |id| Principal::User {
            user_id: id,
            organisation_id: Some(invitation.organisation_id),
        };
        // Until the account exists, the unit acts as the holder of the link.
        let principal = existing
            .as_ref()
            .map_or(Principal::LinkHolder, |a| acting(a.id));
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let spent = sqlx::query(
            "UPDATE invitation SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(&now)
        .bind(invitation.id)
        .execute(unit.conn())
        .await?;
        if spent.rows_affected() != 1 {
            return Err(SpentLink::Used.into());
        }
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM account WHERE email = $1")
            .bind(&invitation.email)
            .fetch_optional(unit.conn())
            .await?;
        let (account_id, created) = match (taken, new_account) {
            (Some(id), _) => (id, false),
            (None, None) => return Err(RegistryError::Conflict),
            (None, Some((name, hash))) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO account (email, display_name, password_hash, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(&invitation.email)
                .bind(&name)
                .bind(&hash)
                .bind(&now)
                .fetch_one(unit.conn())
                .await?;
                unit.act_as(&acting(id));
                let after = serde_json::json!({ "account": id, "invitation": invitation.id });
                unit.audit("account", id, "account.create", &after, None, Some(&after))
                    .await?;
                (id, true)
            }
        };
        sqlx::query("UPDATE invitation SET account_id = $1 WHERE id = $2")
            .bind(account_id)
            .bind(invitation.id)
            .execute(unit.conn())
            .await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM membership
             WHERE account_id = $1 AND organisation_id = $2 AND role = $3",
        )
        .bind(account_id)
        .bind(invitation.organisation_id)
        .bind(invitation.role.as_str())
        .fetch_one(unit.conn())
        .await?;
        if held == 0 {
            sqlx::query(
                "INSERT INTO membership (account_id, organisation_id, role, granted_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(account_id)
            .bind(invitation.organisation_id)
            .bind(invitation.role.as_str())
            .bind(&now)
            .execute(unit.conn())
            .await?;
            let after = serde_json::json!({
                "account": account_id, "organisation": invitation.organisation_id,
                "role": invitation.role.as_str(), "invitation": invitation.id,
            });
            unit.audit(
                "membership",
                account_id,
                "membership.grant",
                &after,
                None,
                Some(&after),
            )
            .await?;
        }
        let after = serde_json::json!({ "invitation": invitation.id, "account": account_id });
        unit.audit(
            "invitation",
            invitation.id,
            "invitation.accept",
            &after,
            Some(&serde_json::json!({ "invitation": invitation.id, "used": false })),
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        let account = self
            .account(account_id)
            .await?
            .ok_or(RegistryError::NotFound)?;
        Ok(Accepted { account, created })
    }

    /// Makes a password-reset link for the account of `address`. `None` for an unknown or
    /// disabled address, or when [`MAX_RESETS`] links were made for it lately: the caller
    /// must answer the same whatever it gets. Audited as an anonymous request.
    pub async fn request_password_reset(
        &self,
        address: &str,
        channel: Channel,
    ) -> Result<Option<ResetLink>, RegistryError> {
        let Ok(address) = email(address) else {
            return Ok(None);
        };
        let Some(account) = self.account_by_email(&address).await? else {
            return Ok(None);
        };
        if account.disabled {
            return Ok(None);
        }
        let token = ResetToken::generate().map_err(|e| RegistryError::Random(e.to_string()))?;
        let mut unit = self.begin(&Principal::Anonymous, channel).await?;
        let now = unit.now().to_owned();
        let since = clock::stamp(unit.at() - time::Duration::minutes(RESET_MINUTES));
        let recent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM password_reset WHERE account_id = $1 AND created_at > $2",
        )
        .bind(account.id)
        .bind(&since)
        .fetch_one(unit.conn())
        .await?;
        if recent >= MAX_RESETS {
            return Ok(None);
        }
        let expires = clock::stamp(unit.at() + time::Duration::minutes(RESET_MINUTES));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO password_reset (token_hash, account_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token.hash())
        .bind(account.id)
        .bind(&now)
        .bind(&expires)
        .fetch_one(unit.conn())
        .await?;
        let after =
            serde_json::json!({ "reset": id, "account": account.id, "expires_at": expires });
        unit.audit(
            "password_reset",
            id,
            "password_reset.request",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        Ok(Some(ResetLink {
            account,
            token,
            expires_at: expires,
        }))
    }

    /// The account whose password a reset link changes; `None` for an unknown token,
    /// [`SpentLink`] for an expired or used one.
    pub async fn reset_account(
        &self,
        token: &ResetToken,
    ) -> Result<Option<Account>, RegistryError> {
        let row: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT account_id, expires_at, used_at FROM password_reset WHERE token_hash = $1",
        )
        .bind(token.hash())
        .fetch_optional(&self.pool)
        .await?;
        match open(row, &clock::stamp(self.clock.now()))? {
            None => Ok(None),
            Some(id) => Ok(self.account(id).await?.filter(|a| !a.disabled)),
        }
    }

    /// Sets the password of a reset link's account (checked by [`check_password`]), closes
    /// every session of the account and spends its reset links, this one by a conditional
    /// update. Audited as the account.
    pub async fn reset_password(
        &self,
        token: &ResetToken,
        password: &str,
        channel: Channel,
    ) -> Result<Account, RegistryError> {
        let account = self
            .reset_account(token)
            .await?
            .ok_or(RegistryError::NotFound)?;
        check_password(password, &[&account.email, &account.display_name])?;
        let hash = hash_password(password.to_owned()).await?;
        let principal = Principal::User {
            user_id: account.id,
            organisation_id: None,
        };
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let spent = sqlx::query(
            "UPDATE password_reset SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
        )
        .bind(&now)
        .bind(token.hash())
        .execute(unit.conn())
        .await?;
        if spent.rows_affected() != 1 {
            return Err(SpentLink::Used.into());
        }
        sqlx::query(
            "UPDATE password_reset SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL",
        )
        .bind(&now)
        .bind(account.id)
        .execute(unit.conn())
        .await?;
        sqlx::query("UPDATE account SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(&hash)
            .bind(&now)
            .bind(account.id)
            .execute(unit.conn())
            .await?;
        let closed = sqlx::query(
            "UPDATE session SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(account.id)
        .execute(unit.conn())
        .await?;
        let after = serde_json::json!({
            "account": account.id, "password": "changed",
            "sessions_closed": closed.rows_affected(),
        });
        unit.audit(
            "account",
            account.id,
            "account.password_reset",
            &after,
            None,
            Some(&after),
        )
        .await?;
        unit.commit().await?;
        Ok(account)
    }
}
