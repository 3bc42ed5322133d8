//! The registry seam: what the web layer asks of the database of user writes (referrals
//! today), in one small trait, so that handlers do not know which database holds them. Handlers and pages only see
//! `Arc<dyn ReferralRegistry>`; each backend gets an adapter module here.
//!
//! The referral types and their lifecycle come from `essor_store::registry` (no HTTP there):
//! every backend must refuse the same moves with the same French message, and write each
//! change with its history and audit rows in one transaction.
//!
//! - [`Disabled`]: a server started without `--store` keeps no personal data anywhere; every
//!   referral call answers [`RegistryFailure::Disabled`], shown as a French 503 that says how
//!   to turn referrals on.
//! - [`sql::SqlRegistry`]: `registre.sqlite` in the store folder, or a PostgreSQL database
//!   (`--registre postgres://…`) shared by several servers.

/// Signing in and out, sessions.
pub mod accounts;
/// The SQL adapter (SQLite and PostgreSQL).
pub mod sql;

pub use accounts::{AccountDirectory, OrganisationView, SignInFailure};
pub use essor_store::registry::{
    Channel, FieldError, NewReferral, Principal, Referral, ReferralEvent, ReferralFilter,
    ReferralListing, ReferralToken, Status, StatusChange, TransitionError,
};
pub use sql::SqlRegistry;

/// Why a registry call did not succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryFailure {
    /// The server keeps no registry (started without `--store`).
    #[error(
        "les mises en relation ne sont pas activées sur ce serveur : lancez `essor serve --store DOSSIER` pour les enregistrer dans DOSSIER/registre.sqlite"
    )]
    Disabled,
    /// No referral has this link.
    #[error("aucune mise en relation ne correspond à ce lien")]
    NotFound,
    /// The link has expired or was revoked (French message saying which).
    #[error("{0}")]
    LinkClosed(String),
    /// Someone else changed the record between the check and the write; nothing written
    /// (French message).
    #[error("{0}")]
    Conflict(String),
    /// A field is refused; French message.
    #[error("{0}")]
    Field(FieldError),
    /// Several fields of a form are refused, in the form's order (at least one); the first
    /// is the message.
    #[error("{}", .0.first().map(ToString::to_string).unwrap_or_default())]
    Fields(Vec<FieldError>),
    /// The lifecycle refuses the change; French message.
    #[error("{0}")]
    Transition(TransitionError),
    /// Anything else; logged in English, shown as a 500.
    #[error("registry backend error: {0}")]
    Backend(String),
}

impl RegistryFailure {
    /// A refused field, with its French message.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Field(FieldError {
            field,
            message: message.into(),
        })
    }
}

/// The registry of referrals, as the web layer sees it.
#[async_trait::async_trait]
pub trait ReferralRegistry: Send + Sync + std::fmt::Debug + 'static {
    /// False when referrals are off (no `--store`): pages then say how to turn them on.
    fn enabled(&self) -> bool;

    /// How long links and personal data are kept (the defaults when referrals are off).
    fn retention(&self) -> essor_store::registry::Retention {
        essor_store::registry::Retention::default()
    }

    /// Records a new referral; returns it with its secret token (the only time it is known).
    async fn create(
        &self,
        new: NewReferral,
        principal: Principal,
        channel: Channel,
    ) -> Result<(Referral, ReferralToken), RegistryFailure>;

    /// The referral of a link.
    async fn by_token(&self, token: &ReferralToken) -> Result<Option<Referral>, RegistryFailure>;

    /// Moves a referral on, if its lifecycle allows it; a refusal writes nothing.
    async fn change_status(
        &self,
        token: &ReferralToken,
        change: StatusChange,
        principal: Principal,
        channel: Channel,
    ) -> Result<Referral, RegistryFailure>;

    /// Referrals without personal data, most recently changed first.
    async fn list(&self, filter: ReferralFilter) -> Result<Vec<ReferralListing>, RegistryFailure>;

    /// Revokes the link of a referral: it opens nothing from now on.
    async fn revoke(
        &self,
        token: &ReferralToken,
        principal: Principal,
        channel: Channel,
    ) -> Result<(), RegistryFailure>;

    /// Erases the personal data kept past their retention; returns how many referrals.
    async fn purge(&self) -> Result<u64, RegistryFailure>;
}

/// The registry of a server without `--store`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Disabled;

#[async_trait::async_trait]
impl ReferralRegistry for Disabled {
    fn enabled(&self) -> bool {
        false
    }
    async fn create(
        &self,
        _new: NewReferral,
        _principal: Principal,
        _channel: Channel,
    ) -> Result<(Referral, ReferralToken), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn by_token(&self, _token: &ReferralToken) -> Result<Option<Referral>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn change_status(
        &self,
        _token: &ReferralToken,
        _change: StatusChange,
        _principal: Principal,
        _channel: Channel,
    ) -> Result<Referral, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn list(&self, _filter: ReferralFilter) -> Result<Vec<ReferralListing>, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn revoke(
        &self,
        _token: &ReferralToken,
        _principal: Principal,
        _channel: Channel,
    ) -> Result<(), RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
    async fn purge(&self) -> Result<u64, RegistryFailure> {
        Err(RegistryFailure::Disabled)
    }
}
