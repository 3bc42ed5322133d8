//! The registry seam over `essor_store::registry::Registry`: `registre.sqlite` in a store
//! folder, or a PostgreSQL database shared by several servers — one adapter for both, since
//! the registry speaks to both through `sqlx`.

use super::{
    Channel, NewReferral, Principal, Referral, ReferralFilter, ReferralListing, ReferralRegistry,
    ReferralToken, RegistryFailure, StatusChange,
};
use essor_store::registry::{Location, Registry, RegistryError, Retention};
use std::path::Path;

/// A registry on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlRegistry {
    inner: Registry,
}

impl SqlRegistry {
    pub fn new(registry: Registry) -> Self {
        Self { inner: registry }
    }

    /// Opens `registre.sqlite` in the store folder `dir`, creating it (and the folder) when
    /// absent, with its schema brought up to date.
    pub async fn open_in(dir: &Path, retention: Retention) -> Result<Self, RegistryError> {
        Ok(Self::new(
            Registry::open_in(dir).await?.with_retention(retention),
        ))
    }

    /// Connects to the PostgreSQL registry at `url`, with its schema brought up to date.
    pub async fn connect(url: &str, retention: Retention) -> Result<Self, RegistryError> {
        Ok(Self::new(
            Registry::connect(url).await?.with_retention(retention),
        ))
    }

    /// Where the registry lives (a file, or a server address without its password).
    pub fn location(&self) -> &Location {
        self.inner.location()
    }

    /// The registry itself (administration commands, tests).
    pub fn registry(&self) -> &Registry {
        &self.inner
    }
}

/// The failure the web layer sees for a registry error.
pub(super) fn failure(e: RegistryError) -> RegistryFailure {
    match e {
        RegistryError::Field(f) => RegistryFailure::Field(f),
        RegistryError::Transition(t) => RegistryFailure::Transition(t),
        RegistryError::NotFound => RegistryFailure::NotFound,
        e @ (RegistryError::LinkExpired { .. }
        | RegistryError::LinkRevoked
        | RegistryError::Spent(_)) => RegistryFailure::LinkClosed(e.to_string()),
        e @ RegistryError::Conflict => RegistryFailure::Conflict(e.to_string()),
        other => RegistryFailure::Backend(other.to_string()),
    }
}

#[async_trait::async_trait]
impl ReferralRegistry for SqlRegistry {
    fn enabled(&self) -> bool {
        true
    }

    fn retention(&self) -> Retention {
        self.inner.retention()
    }

    async fn create(
        &self,
        new: NewReferral,
        principal: Principal,
        channel: Channel,
    ) -> Result<(Referral, ReferralToken), RegistryFailure> {
        self.inner
            .create_referral(new, &principal, channel)
            .await
            .map_err(failure)
    }

    async fn by_token(&self, token: &ReferralToken) -> Result<Option<Referral>, RegistryFailure> {
        self.inner.referral_by_token(token).await.map_err(failure)
    }

    async fn change_status(
        &self,
        token: &ReferralToken,
        change: StatusChange,
        principal: Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryFailure> {
        self.inner
            .change_status(token, &change, &principal, channel)
            .await
            .map_err(failure)
    }

    async fn list(&self, filter: ReferralFilter) -> Result<Vec<ReferralListing>, RegistryFailure> {
        self.inner.list_referrals(&filter).await.map_err(failure)
    }

    async fn revoke(
        &self,
        token: &ReferralToken,
        principal: Principal,
        channel: Channel,
    ) -> Result<(), RegistryFailure> {
        self.inner
            .revoke_link(token, &principal, channel)
            .await
            .map_err(failure)
    }

    async fn purge(&self) -> Result<u64, RegistryFailure> {
        self.inner.purge().await.map_err(failure)
    }
}
