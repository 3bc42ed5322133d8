//! The accounts seam: signing in (with a password, or through an OpenID Connect provider) and
//! out and reading a session, for the web layer. The SQL registry implements it
//! ([`super::SqlRegistry`]); a server without a registry has no accounts ([`super::Disabled`]:
//! signing in says how to turn them on).

use super::{Disabled, RegistryFailure, SqlRegistry};
use essor_store::registry::{
    Channel, IdentityRefusal, ProviderIdentity, RegistryError, SecretToken, SessionToken,
    SignInError, SignedIn,
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
