//! The accounts seam: signing in and out, reading a session, inviting, accepting an
//! invitation and resetting a password through their single-use links, for the web layer. The SQL registry
//! implements it ([`super::SqlRegistry`]); a server without a registry has no accounts
//! ([`super::Disabled`]: signing in says how to turn them on).

use super::sql::failure;
use super::{Disabled, RegistryFailure, SqlRegistry};
use essor_store::registry::{
    Acceptance, Accepted, Account, Channel, Invitation, InvitationToken, NewInvitation, Principal,
    RegistryError, ResetLink, ResetToken, SessionToken, SignInError, SignedIn,
};

/// Why signing in did not succeed (French messages that never say whether an account
/// exists).
#[derive(Debug, thiserror::Error)]
pub enum SignInFailure {
    /// Wrong address or password (one message for both).
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
}

fn backend(e: RegistryError) -> RegistryFailure {
    RegistryFailure::Backend(e.to_string())
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
}
