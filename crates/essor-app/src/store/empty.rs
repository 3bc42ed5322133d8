//! The store of a server started without data: empty pages, no actor, no figures.

use super::{
    Actor, ActorQuery, ActorStore, ActorStream, DataStatus, Indicator, Page, StoreError,
    TerritoryRef,
};
use essor_model::Siret;

/// Answers "no data loaded" to everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmptyStore;

#[async_trait::async_trait]
impl ActorStore for EmptyStore {
    fn status(&self) -> DataStatus {
        DataStatus::empty()
    }
    async fn actors(&self, _query: &ActorQuery) -> Result<Page<Actor>, StoreError> {
        Ok(Page::empty())
    }
    async fn export(&self, _query: &ActorQuery) -> Result<ActorStream, StoreError> {
        Ok(Box::pin(futures_util::stream::empty()))
    }
    async fn actor(&self, _siret: Siret) -> Result<Option<Actor>, StoreError> {
        Ok(None)
    }
    async fn territory(
        &self,
        _territory: &TerritoryRef,
    ) -> Result<Option<Vec<Indicator>>, StoreError> {
        Ok(None)
    }
    fn generation(&self) -> Option<u64> {
        Some(0)
    }
}
