//! The accounts seam: signing in (with a password, or through an OpenID Connect provider) and
//! out, reading a session, inviting, accepting an
//! invitation and resetting a password through their single-use links, organisations and
//! their members, API tokens and a person's data, for the web layer. The SQL registry
//! implements it ([`super::SqlRegistry`]); a server without a registry has no accounts
//! ([`super::Disabled`]: signing in says how to turn them on).

use super::sql::failure;
use super::{Disabled, RegistryFailure, SqlRegistry};
use essor_model::Role;
use essor_store::registry::{
    Acceptance, Accepted, Account, ApiScope, ApiToken, AuditEntry, Channel, IdentityRefusal,
    Invitation, InvitationToken, Member, NewInvitation, Organisation, Principal, ProviderIdentity,
    Referral, ResetLink, ResetToken, SecretToken, SessionToken, SignInError, SignedIn, Status,
    StatusChange,
};

/// Why signing in did not succeed (French messages that never say whether an account
/// exists).
#[derive(Debug, thiserror::Error)]
pub enum SignInFailure {
    /// Wrong address or password (one message for both), or a provider's identity that no
    /// account may take (the French message says why).
    #[error("{0}")]
    Refused(String),
    /// Too many failures lately.
    #[error("{0}")]
    Throttled(String),
    /// No registry, or a backend failure.
    #[error("{0}")]
    Registry(RegistryFailure),
}

/// Accounts, as the web layer sees them.
#[async_trait::async_trait]
pub trait AccountDirectory: Send + Sync + std::fmt::Debug + 'static {
    /// Signs in from the network address `from`: the person and a new session's token.
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        from: &str,
    ) -> Result<(SignedIn, SessionToken), SignInFailure>;

    /// The person of a session, if it is open.
    async fn session(&self, token: &SessionToken) -> Result<Option<SignedIn>, RegistryFailure>;

    /// Ends a session.
    async fn sign_out(&self, token: &SessionToken) -> Result<(), RegistryFailure>;

    /// Ends every session of an account; how many were open.
    async fn sign_out_everywhere(&self, account: i64) -> Result<u64, RegistryFailure>;

    /// The person behind a personal API token, and what it allows.
    async fn api_session(
        &self,
        token: &SecretToken,
    ) -> Result<Option<(SignedIn, ApiScope)>, RegistryFailure>;

    /// An organisation with its members and the catalogue operators it answers for.
    async fn organisation(&self, id: i64) -> Result<Option<OrganisationView>, RegistryFailure>;

    /// The referrals an organisation receives (personal data included: for its operators).
    async fn organisation_referrals(
        &self,
        organisation: i64,
        status: Option<Status>,
    ) -> Result<Vec<Referral>, RegistryFailure>;

    /// Moves on a referral an organisation receives, as `principal`.
    async fn change_status_for(
        &self,
        organisation: i64,
        referral: i64,
        change: &StatusChange,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryFailure>;

    /// The audit log of an organisation, from `since` on.
    async fn organisation_audit(
        &self,
        organisation: i64,
        since: Option<&str>,
    ) -> Result<Vec<AuditEntry>, RegistryFailure>;

    /// A new personal API token (shown once).
    async fn create_api_token(
        &self,
        account: i64,
        name: &str,
        scope: ApiScope,
    ) -> Result<(ApiToken, SecretToken), RegistryFailure>;

    /// The API tokens of an account.
    async fn api_tokens(&self, account: i64) -> Result<Vec<ApiToken>, RegistryFailure>;

    /// Revokes one of the account's API tokens.
    async fn revoke_api_token(&self, account: i64, token: i64) -> Result<(), RegistryFailure>;

    /// Everything essor holds on an account, as JSON.
    async fn personal_data(&self, account: i64) -> Result<serde_json::Value, RegistryFailure>;

    /// Erases an account at its owner's request.
    async fn erase_account(&self, account: i64) -> Result<(), RegistryFailure>;

    /// Gives `role` in `organisation` to the account of `email` (it must exist), as
    /// `principal` (an administrator of the organisation).
    async fn grant_role_by_email(
        &self,
        organisation: i64,
        email: &str,
        role: Role,
        principal: &Principal,
    ) -> Result<(), RegistryFailure>;

    /// Takes `role` in `organisation` away from `account`, as `principal`.
    async fn revoke_role(
        &self,
        organisation: i64,
        account: i64,
        role: Role,
        principal: &Principal,
    ) -> Result<(), RegistryFailure>;

    /// Invites a person to an organisation with a role, as `principal` (the caller has
    /// checked that they may); the invitation and its token, known only now.
    async fn invite(
        &self,
        new: NewInvitation,
        principal: Principal,
    ) -> Result<(Invitation, InvitationToken), RegistryFailure>;

    /// The open invitation of a link; `None` for an unknown one, [`RegistryFailure::LinkClosed`]
    /// for an expired or used one.
    async fn invitation(
        &self,
        token: &InvitationToken,
    ) -> Result<Option<Invitation>, RegistryFailure>;

    /// Accepts an invitation (creating the account, or giving the role to the existing one).
    async fn accept_invitation(
        &self,
        token: &InvitationToken,
        acceptance: Acceptance,
    ) -> Result<Accepted, RegistryFailure>;

    /// A password-reset link for `email`, or `None` (unknown address, or too many lately):
    /// the caller answers the same either way.
    async fn request_password_reset(
        &self,
        email: &str,
    ) -> Result<Option<ResetLink>, RegistryFailure>;

    /// The account of a reset link; `None` for an unknown one.
    async fn reset_account(&self, token: &ResetToken) -> Result<Option<Account>, RegistryFailure>;

    /// Sets a new password through a reset link, closing every session of the account.
    async fn reset_password(
        &self,
        token: &ResetToken,
        password: &str,
    ) -> Result<Account, RegistryFailure>;

    /// Remembers an OpenID Connect sign-in sent to the provider (the hash of the browser's
    /// `secret`, and the path to open afterwards).
    async fn oidc_login_start(
        &self,
        secret: &SecretToken,
        next: &str,
    ) -> Result<(), RegistryFailure>;

    /// Takes that sign-in once, within its ten minutes: the path to open afterwards.
    async fn oidc_login_take(
        &self,
        secret: &SecretToken,
    ) -> Result<Option<String>, RegistryFailure>;

    /// Signs in the person a provider vouched for (linking their identity to the account of
    /// their verified address the first time).
    async fn sign_in_with_identity(
        &self,
        identity: &ProviderIdentity,
    ) -> Result<(SignedIn, SessionToken), SignInFailure>;
}

/// An organisation as its members see it.
#[derive(Debug, Clone)]
pub struct OrganisationView {
    pub organisation: Organisation,
    pub members: Vec<Member>,
    /// The catalogue operators it answers for (`adie`, `france-active`).
    pub operators: Vec<String>,
}

fn backend(e: essor_store::registry::RegistryError) -> RegistryFailure {
    RegistryFailure::Backend(e.to_string())
}

fn person(account: i64) -> Principal {
    Principal::User {
        user_id: account,
        organisation_id: None,
    }
}

#[async_trait::async_trait]
impl AccountDirectory for SqlRegistry {
    async fn sign_in(
        &self,
        email: &str,
        password: &str,
        from: &str,
    ) -> Result<(SignedIn, SessionToken), SignInFailure> {
        self.registry()
            .sign_in(email, password, from, Channel::Page)
            .await
            .map_err(|e| match e {
                SignInError::Refused => SignInFailure::Refused(e.to_string()),
                SignInError::Throttled => SignInFailure::Throttled(e.to_string()),
                SignInError::Registry(e) => SignInFailure::Registry(backend(e)),
            })
    }

    async fn session(&self, token: &SessionToken) -> Result<Option<SignedIn>, RegistryFailure> {
        self.registry().session(token).await.map_err(backend)
    }

    async fn sign_out(&self, token: &SessionToken) -> Result<(), RegistryFailure> {
        self.registry()
            .sign_out(token, Channel::Page)
            .await
            .map_err(backend)
    }

    async fn sign_out_everywhere(&self, account: i64) -> Result<u64, RegistryFailure> {
        self.registry()
            .sign_out_everywhere(account, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn api_session(
        &self,
        token: &SecretToken,
    ) -> Result<Option<(SignedIn, ApiScope)>, RegistryFailure> {
        self.registry().api_session(token).await.map_err(backend)
    }

    async fn organisation(&self, id: i64) -> Result<Option<OrganisationView>, RegistryFailure> {
        let registry = self.registry();
        let Some(organisation) = registry.organisation(id).await.map_err(backend)? else {
            return Ok(None);
        };
        Ok(Some(OrganisationView {
            organisation,
            members: registry.members(id).await.map_err(backend)?,
            operators: registry.operators(id).await.map_err(backend)?,
        }))
    }

    async fn organisation_referrals(
        &self,
        organisation: i64,
        status: Option<Status>,
    ) -> Result<Vec<Referral>, RegistryFailure> {
        self.registry()
            .organisation_referrals(organisation, status)
            .await
            .map_err(backend)
    }

    async fn change_status_for(
        &self,
        organisation: i64,
        referral: i64,
        change: &StatusChange,
        principal: &Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryFailure> {
        self.registry()
            .change_status_for(organisation, referral, change, principal, channel)
            .await
            .map_err(failure)
    }

    async fn organisation_audit(
        &self,
        organisation: i64,
        since: Option<&str>,
    ) -> Result<Vec<AuditEntry>, RegistryFailure> {
        self.registry()
            .organisation_audit(organisation, since)
            .await
            .map_err(backend)
    }

    async fn create_api_token(
        &self,
        account: i64,
        name: &str,
        scope: ApiScope,
    ) -> Result<(ApiToken, SecretToken), RegistryFailure> {
        self.registry()
            .create_api_token(account, name, scope, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn api_tokens(&self, account: i64) -> Result<Vec<ApiToken>, RegistryFailure> {
        self.registry().api_tokens(account).await.map_err(backend)
    }

    async fn revoke_api_token(&self, account: i64, token: i64) -> Result<(), RegistryFailure> {
        self.registry()
            .revoke_api_token(account, token, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn personal_data(&self, account: i64) -> Result<serde_json::Value, RegistryFailure> {
        self.registry()
            .personal_data(account)
            .await
            .map_err(failure)
    }

    async fn erase_account(&self, account: i64) -> Result<(), RegistryFailure> {
        self.registry()
            .erase_account(account, &person(account), Channel::Page)
            .await
            .map_err(failure)
    }

    async fn grant_role_by_email(
        &self,
        organisation: i64,
        email: &str,
        role: Role,
        principal: &Principal,
    ) -> Result<(), RegistryFailure> {
        let registry = self.registry();
        let Some(account) = registry.account_by_email(email).await.map_err(backend)? else {
            return Err(RegistryFailure::field(
                "email",
                "aucun compte n'a cette adresse : la personne doit d'abord avoir un compte (invitation)",
            ));
        };
        registry
            .grant_role(account.id, organisation, role, principal, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn revoke_role(
        &self,
        organisation: i64,
        account: i64,
        role: Role,
        principal: &Principal,
    ) -> Result<(), RegistryFailure> {
        self.registry()
            .revoke_role(account, organisation, role, principal, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn invite(
        &self,
        new: NewInvitation,
        principal: Principal,
    ) -> Result<(Invitation, InvitationToken), RegistryFailure> {
        self.registry()
            .create_invitation(new, &principal, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn invitation(
        &self,
        token: &InvitationToken,
    ) -> Result<Option<Invitation>, RegistryFailure> {
        self.registry().invitation(token).await.map_err(failure)
    }

    async fn accept_invitation(
        &self,
        token: &InvitationToken,
        acceptance: Acceptance,
    ) -> Result<Accepted, RegistryFailure> {
        self.registry()
            .accept_invitation(token, acceptance, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn request_password_reset(
        &self,
        email: &str,
    ) -> Result<Option<ResetLink>, RegistryFailure> {
        self.registry()
            .request_password_reset(email, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn reset_account(&self, token: &ResetToken) -> Result<Option<Account>, RegistryFailure> {
        self.registry().reset_account(token).await.map_err(failure)
    }

    async fn reset_password(
        &self,
        token: &ResetToken,
        password: &str,
    ) -> Result<Account, RegistryFailure> {
        self.registry()
            .reset_password(token, password, Channel::Page)
            .await
            .map_err(failure)
    }

    async fn oidc_login_start(
        &self,
        secret: &SecretToken,
        next: &str,
    ) -> Result<(), RegistryFailure> {
        self.registry()
            .oidc_login_start(secret, next)
            .await
            .map_err(backend)
    }

    async fn oidc_login_take(
        &self,
        secret: &SecretToken,
    ) -> Result<Option<String>, RegistryFailure> {
        self.registry()
            .oidc_login_take(secret)
            .await
            .map_err(backend)
    }

    async fn sign_in_with_identity(
        &self,
        identity: &ProviderIdentity,
    ) -> Result<(SignedIn, SessionToken), SignInFailure> {
        self.registry()
            .sign_in_with_identity(identity, Channel::Page)
            .await
            .map_err(|e| match e {
                IdentityRefusal::Registry(e) => SignInFailure::Registry(backend(e)),
                refusal => SignInFailure::Refused(refusal.to_string()),
            })
    }
}

#[async_trait::async_trait]
impl AccountDirectory for Disabled {
    async fn sign_in(
        &self,
        _email: &str,
        _password: &str,
        _from: &str,
    ) -> Result<(SignedIn, SessionToken), SignInFailure> {
        Err(SignInFailure::Registry(RegistryFailure::Disabled))
    }
    async fn session(&self, _token: &SessionToken) -> Result<Option<SignedIn>, RegistryFailure> {
        Ok(None)
    }
    async fn sign_out(&self, _token: &SessionToken) -> Result<(), RegistryFailure> {
        Ok(())
    }
    async fn sign_out_everywhere(&self, _account: i64) -> Result<u64, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn api_session(
        &self,
        _token: &SecretToken,
    ) -> Result<Option<(SignedIn, ApiScope)>, RegistryFailure> {
        Ok(None)
    }
    async fn organisation(&self, _id: i64) -> Result<Option<OrganisationView>, RegistryFailure> {
        Ok(None)
    }
    async fn organisation_referrals(
        &self,
        _organisation: i64,
        _status: Option<Status>,
    ) -> Result<Vec<Referral>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn change_status_for(
        &self,
        _organisation: i64,
        _referral: i64,
        _change: &StatusChange,
        _principal: &Principal,
        _channel: Channel,
    ) -> Result<Referral, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn organisation_audit(
        &self,
        _organisation: i64,
        _since: Option<&str>,
    ) -> Result<Vec<AuditEntry>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn create_api_token(
        &self,
        _account: i64,
        _name: &str,
        _scope: ApiScope,
    ) -> Result<(ApiToken, SecretToken), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn api_tokens(&self, _account: i64) -> Result<Vec<ApiToken>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn revoke_api_token(&self, _account: i64, _token: i64) -> Result<(), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn personal_data(&self, _account: i64) -> Result<serde_json::Value, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn erase_account(&self, _account: i64) -> Result<(), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn grant_role_by_email(
        &self,
        _organisation: i64,
        _email: &str,
        _role: Role,
        _principal: &Principal,
    ) -> Result<(), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn revoke_role(
        &self,
        _organisation: i64,
        _account: i64,
        _role: Role,
        _principal: &Principal,
    ) -> Result<(), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn invite(
        &self,
        _new: NewInvitation,
        _principal: Principal,
    ) -> Result<(Invitation, InvitationToken), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn invitation(
        &self,
        _token: &InvitationToken,
    ) -> Result<Option<Invitation>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn accept_invitation(
        &self,
        _token: &InvitationToken,
        _acceptance: Acceptance,
    ) -> Result<Accepted, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn request_password_reset(
        &self,
        _email: &str,
    ) -> Result<Option<ResetLink>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn reset_account(&self, _token: &ResetToken) -> Result<Option<Account>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn reset_password(
        &self,
        _token: &ResetToken,
        _password: &str,
    ) -> Result<Account, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn oidc_login_start(
        &self,
        _secret: &SecretToken,
        _next: &str,
    ) -> Result<(), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn oidc_login_take(
        &self,
        _secret: &SecretToken,
    ) -> Result<Option<String>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn sign_in_with_identity(
        &self,
        _identity: &ProviderIdentity,
    ) -> Result<(SignedIn, SessionToken), SignInFailure> {
        Err(SignInFailure::Registry(RegistryFailure::Disabled))
    }
}
