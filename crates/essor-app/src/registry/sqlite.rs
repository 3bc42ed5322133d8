//! The registry seam over `essor_store::registry::Registry` (`registre.sqlite`). SQLite calls
//! block, so each runs on tokio's blocking pool.

use super::{
    Channel, NewReferral, Principal, Referral, ReferralFilter, ReferralListing, ReferralRegistry,
    ReferralToken, RegistryFailure, StatusChange,
};
use essor_store::registry::{Registry, RegistryError, Retention};
use std::path::Path;
use std::sync::Arc;

/// `registre.sqlite` in a store folder.
#[derive(Debug, Clone)]
pub struct SqliteRegistry {
    inner: Arc<Registry>,
}

impl SqliteRegistry {
    pub fn new(registry: Registry) -> Self {
        Self {
            inner: Arc::new(registry),
        }
    }

    /// Opens `registre.sqlite` in the store folder `dir`, creating it (and the folder) when
    /// absent, with its schema brought up to date.
    pub fn open_in(dir: &Path, retention: Retention) -> Result<Self, RegistryError> {
        Registry::open_in(dir).map(|r| Self::new(r.with_retention(retention)))
    }

    /// The registry file.
    pub fn path(&self) -> &Path {
        self.inner.path()
    }

    /// Runs `f` on the blocking pool.
    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Registry) -> Result<T, RegistryError> + Send + 'static,
    ) -> Result<T, RegistryFailure> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| RegistryFailure::Backend(format!("registry task failed: {e}")))?
            .map_err(failure)
    }
}

fn failure(e: RegistryError) -> RegistryFailure {
    match e {
        RegistryError::Field(f) => RegistryFailure::Field(f),
        RegistryError::Transition(t) => RegistryFailure::Transition(t),
        RegistryError::NotFound => RegistryFailure::NotFound,
        e @ (RegistryError::LinkExpired { .. } | RegistryError::LinkRevoked) => {
            RegistryFailure::LinkClosed(e.to_string())
        }
        other => RegistryFailure::Backend(other.to_string()),
    }
}

#[async_trait::async_trait]
impl ReferralRegistry for SqliteRegistry {
    fn enabled(&self) -> bool {
        true
    }

    async fn create(
        &self,
        new: NewReferral,
        principal: Principal,
        channel: Channel,
    ) -> Result<(Referral, ReferralToken), RegistryFailure> {
        self.call(move |r| r.create_referral(new, &principal, channel))
            .await
    }

    async fn by_token(&self, token: &ReferralToken) -> Result<Option<Referral>, RegistryFailure> {
        let token = token.clone();
        self.call(move |r| r.referral_by_token(&token)).await
    }

    async fn change_status(
        &self,
        token: &ReferralToken,
        change: StatusChange,
        principal: Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryFailure> {
        let token = token.clone();
        self.call(move |r| r.change_status(&token, &change, &principal, channel))
            .await
    }

    async fn list(&self, filter: ReferralFilter) -> Result<Vec<ReferralListing>, RegistryFailure> {
        self.call(move |r| r.list_referrals(&filter)).await
    }

    async fn revoke(
        &self,
        token: &ReferralToken,
        principal: Principal,
        channel: Channel,
    ) -> Result<(), RegistryFailure> {
        let token = token.clone();
        self.call(move |r| r.revoke_link(&token, &principal, channel))
            .await
    }

    async fn purge(&self) -> Result<u64, RegistryFailure> {
        self.call(Registry::purge).await
    }
}
