//! Signing in through an OpenID Connect provider (ProConnect, the State's identity federation,
//! or any provider by configuration): the registry's half. The protocol itself (discovery,
//! the authorization request, the ID token's checks) belongs to the web layer; here are the
//! two things it must remember.
//!
//! - **Sign-ins under way** (`oidc_login`). The browser that starts one keeps a secret (a
//!   [`SecretToken`] in a cookie); the state, the nonce and the PKCE verifier sent to the
//!   provider are each derived from it ([`SecretToken::derive`]), and the registry keeps only
//!   the secret's hash, with where to go afterwards. A copy of the database thus holds nothing
//!   that could finish someone's sign-in. The row is taken once ([`Registry::oidc_login_take`]),
//!   within [`LOGIN_MINUTES`] minutes: a replayed answer of the provider finds it used.
//! - **Linked identities** (`oidc_identity`): the provider's issuer and subject, tied to an
//!   account. [`Registry::sign_in_with_identity`] signs in the account of a known identity;
//!   otherwise it links the account whose address is the one the provider vouched for — only
//!   when the provider says that address is verified — and never creates an account: essor's
//!   accounts are given by invitation.
//!
//! Linking and the session it opens are written in one [`UnitOfWork`](super::UnitOfWork) whose
//! principal is the account, each with its audit row.

use super::accounts::{email, open_session};
use super::{Channel, Registry, RegistryError, SignedIn, clock, token::SecretToken};
use essor_model::Principal;

/// How long a sign-in sent to the provider may take to come back, in minutes.
pub const LOGIN_MINUTES: i64 = 10;

/// Who the provider says signed in, once its ID token has been checked (signature, issuer,
/// audience, nonce, expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The provider's issuer (`https://…`), as the ID token names it.
    pub issuer: String,
    /// The person's stable identifier at that provider (`sub`).
    pub subject: String,
    /// The address the provider gives, if any.
    pub email: Option<String>,
    /// True only when the provider vouches that the address is the person's.
    pub email_verified: bool,
}

/// An identity of a provider linked to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedIdentity {
    pub id: i64,
    pub issuer: String,
    pub subject: String,
    pub account_id: i64,
    /// The address the provider vouched for when the link was made.
    pub email: String,
    pub linked_at: String,
    pub last_used_at: String,
}

/// Why a provider's identity does not sign anyone in. French messages, shown to the person
/// (who has proved who they are at the provider, so naming the reason reveals nothing).
#[derive(Debug, thiserror::Error)]
pub enum IdentityRefusal {
    /// No linked identity, and no account has the (verified) address.
    #[error(
        "aucun compte essor n'est associé à cette adresse ; demandez une invitation à l'administrateur de votre organisation"
    )]
    NoAccount,
    /// The provider does not vouch for the address (or gives none).
    #[error(
        "votre fournisseur d'identité n'atteste pas que votre adresse électronique est vérifiée : essor ne peut pas la rapprocher d'un compte ; vérifiez-la auprès de lui, ou connectez-vous avec votre mot de passe"
    )]
    Unverified,
    /// The account is already linked to another identity of the same provider.
    #[error(
        "ce compte essor est déjà associé à une autre identité de ce fournisseur ; adressez-vous à l'administrateur de votre organisation"
    )]
    OtherIdentity,
    /// The account is disabled.
    #[error(
        "ce compte essor est désactivé ; adressez-vous à l'administrateur de votre organisation"
    )]
    Disabled,
    #[error("{0}")]
    Registry(#[from] RegistryError),
}

impl From<sqlx::Error> for IdentityRefusal {
    fn from(e: sqlx::Error) -> Self {
        Self::Registry(e.into())
    }
}

impl Registry {
    /// Remembers a sign-in sent to the provider: the hash of the browser's `secret` and the
    /// path to open afterwards. Not audited: it writes nothing of anyone's (as failed
    /// sign-ins), and [`Registry::purge`] drops it after a day.
    pub async fn oidc_login_start(
        &self,
        secret: &SecretToken,
        next: &str,
    ) -> Result<(), RegistryError> {
        sqlx::query(
            "INSERT INTO oidc_login (secret_hash, next_path, created_at) VALUES ($1, $2, $3)",
        )
        .bind(secret.hash())
        .bind(next)
        .bind(clock::stamp(self.clock.now()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes the sign-in of `secret`, once: the path to open afterwards, or `None` when it is
    /// unknown, already taken (a replay) or older than [`LOGIN_MINUTES`] minutes.
    pub async fn oidc_login_take(
        &self,
        secret: &SecretToken,
    ) -> Result<Option<String>, RegistryError> {
        let now = self.clock.now();
        let since = clock::stamp(now - time::Duration::minutes(LOGIN_MINUTES));
        // One conditional statement: of two concurrent takes, only one finds it unused.
        let next: Option<String> = sqlx::query_scalar(
            "UPDATE oidc_login SET used_at = $1
             WHERE secret_hash = $2 AND used_at IS NULL AND created_at > $3
             RETURNING next_path",
        )
        .bind(clock::stamp(now))
        .bind(secret.hash())
        .bind(&since)
        .fetch_optional(&self.pool)
        .await?;
        Ok(next)
    }

    /// Signs in the person a provider vouched for: the account of their linked identity; else
    /// the account of their address, provided the provider says it is verified, which links
    /// the identity to it (`identity.link`); else a refusal. Opens a session as password
    /// sign-in does (`session.open`, method `oidc`). Both audit rows have the account as
    /// author and are written with the change, in one unit of work.
    pub async fn sign_in_with_identity(
        &self,
        identity: &ProviderIdentity,
        channel: Channel,
    ) -> Result<(SignedIn, SecretToken), IdentityRefusal> {
        let known: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, account_id FROM oidc_identity WHERE issuer = $1 AND subject = $2",
        )
        .bind(&identity.issuer)
        .bind(&identity.subject)
        .fetch_optional(&self.pool)
        .await?;
        let (account_id, link) = match known {
            Some((id, account_id)) => (account_id, Err(id)),
            None => {
                let address = match &identity.email {
                    Some(address) if identity.email_verified => address,
                    _ => return Err(IdentityRefusal::Unverified),
                };
                let address = email(address).map_err(|_| IdentityRefusal::NoAccount)?;
                let account: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM account WHERE email = $1")
                        .bind(&address)
                        .fetch_optional(&self.pool)
                        .await?;
                (account.ok_or(IdentityRefusal::NoAccount)?, Ok(address))
            }
        };
        let principal = Principal::User {
            user_id: account_id,
            organisation_id: None,
        };
        let mut unit = self.begin(&principal, channel).await?;
        let now = unit.now().to_owned();
        let disabled: Option<String> =
            sqlx::query_scalar("SELECT disabled_at FROM account WHERE id = $1")
                .bind(account_id)
                .fetch_one(unit.conn())
                .await?;
        if disabled.is_some() {
            return Err(IdentityRefusal::Disabled);
        }
        match link {
            Err(identity_id) => {
                sqlx::query("UPDATE oidc_identity SET last_used_at = $1 WHERE id = $2")
                    .bind(&now)
                    .bind(identity_id)
                    .execute(unit.conn())
                    .await?;
            }
            Ok(address) => {
                let other: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM oidc_identity WHERE issuer = $1 AND account_id = $2",
                )
                .bind(&identity.issuer)
                .bind(account_id)
                .fetch_one(unit.conn())
                .await?;
                if other > 0 {
                    return Err(IdentityRefusal::OtherIdentity);
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO oidc_identity
                         (issuer, subject, account_id, email, linked_at, last_used_at)
                     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                )
                .bind(&identity.issuer)
                .bind(&identity.subject)
                .bind(account_id)
                .bind(&address)
                .bind(&now)
                .fetch_one(unit.conn())
                .await?;
                // The issuer names a service, not a person; the subject and the address stay
                // out of the log.
                let after = serde_json::json!({ "account": account_id, "issuer": identity.issuer });
                unit.audit(
                    "oidc_identity",
                    id,
                    "identity.link",
                    &after,
                    None,
                    Some(&after),
                )
                .await?;
            }
        }
        let token = open_session(&mut unit, account_id, "oidc").await?;
        unit.commit().await?;
        let signed_in = self
            .session(&token)
            .await?
            .ok_or(IdentityRefusal::Disabled)?;
        Ok((signed_in, token))
    }

    /// The identities linked to an account, oldest first.
    pub async fn identities(&self, account_id: i64) -> Result<Vec<LinkedIdentity>, RegistryError> {
        /// id, issuer, subject, account, email, linked_at, last_used_at.
        type IdentityRow = (i64, String, String, i64, String, String, String);
        let rows: Vec<IdentityRow> = sqlx::query_as(
            "SELECT id, issuer, subject, account_id, email, linked_at, last_used_at
             FROM oidc_identity WHERE account_id = $1 ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, issuer, subject, account_id, email, linked_at, last_used_at)| {
                    LinkedIdentity {
                        id,
                        issuer,
                        subject,
                        account_id,
                        email,
                        linked_at,
                        last_used_at,
                    }
                },
            )
            .collect())
    }
}
