//! A store held in memory: for tests, examples and small demonstrations. Filtering is a
//! linear scan (full-text search with the same French words as the SQLite index); real
//! datasets belong in the SQLite or PostgreSQL store.

use super::{
    Actor, ActorQuery, ActorStore, ActorStream, DataStatus, Indicator, Page, Provenance,
    StoreError, TerritoryLevel, TerritoryRef,
};
use essor_model::Siret;
use std::collections::HashMap;

/// Actors and territory figures in memory.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    status: DataStatus,
    actors: Vec<Actor>,
    figures: HashMap<TerritoryRef, Vec<Indicator>>,
    provenance: Option<Provenance>,
}

impl MemoryStore {
    /// `synthetic` drives the "démonstration" banner.
    pub fn new(description: impl Into<String>, synthetic: bool) -> Self {
        Self {
            status: DataStatus {
                loaded: true,
                synthetic,
                description: description.into(),
                actors: 0,
            },
            actors: Vec::new(),
            figures: HashMap::new(),
            provenance: None,
        }
    }

    pub fn with_provenance(mut self, provenance: Provenance) -> Self {
        self.provenance = Some(provenance);
        self
    }

    pub fn with_actor(mut self, actor: Actor) -> Self {
        self.actors.push(actor);
        self.status.actors = self.actors.len() as u64;
        self
    }

    pub fn with_figures(mut self, territory: TerritoryRef, indicators: Vec<Indicator>) -> Self {
        self.figures.insert(territory, indicators);
        self
    }

    fn matches(actor: &Actor, q: &ActorQuery) -> bool {
        if let Some(bbox) = q.bbox
            && !actor
                .lon_lat
                .is_some_and(|(lon, lat)| bbox.contains(lon, lat))
        {
            return false;
        }
        if let Some(text) = &q.text
            && !actor.matches_text(text)
        {
            return false;
        }
        if !q.sectors.is_empty() && !q.sectors.contains(&actor.sector()) {
            return false;
        }
        if !q.families.is_empty() && !q.families.contains(&actor.legal_family) {
            return false;
        }
        if !q.bands.is_empty() && !q.bands.iter().any(|b| actor.band == Some(*b)) {
            return false;
        }
        if q.employer.is_some_and(|e| e != actor.employer) {
            return false;
        }
        if let Some(t) = &q.territory {
            // Arrondissements of Paris, Lyon and Marseille belong to their city.
            let commune = actor
                .commune
                .as_deref()
                .and_then(|c| essor_model::CommuneCode::parse(c).ok())
                .map(essor_model::CommuneCode::without_arrondissement);
            let code = commune.as_ref().map(essor_model::CommuneCode::as_str);
            let ok = match t.level {
                TerritoryLevel::France => true,
                TerritoryLevel::Qpv => actor.qpv_code.as_deref() == Some(t.code.as_str()),
                TerritoryLevel::Commune => code == Some(t.code.as_str()),
                TerritoryLevel::Departement => {
                    commune.as_ref().is_some_and(|c| c.departement() == t.code)
                }
                // Région and EPCI need the COG; a real store has them as columns.
                TerritoryLevel::Region | TerritoryLevel::Epci => code.is_some_and(|c| {
                    essor_refdata::cog::cog().commune(c).is_some_and(|com| {
                        com.region == t.code || com.code_epci.as_deref() == Some(&t.code)
                    })
                }),
                // The groupings of `indicators.csv` are figures, not actor filters (the API
                // refuses them as `territory=`).
                TerritoryLevel::QpvTotal
                | TerritoryLevel::HorsQpv
                | TerritoryLevel::Qpv300mTotal
                | TerritoryLevel::Qpv500mTotal
                | TerritoryLevel::Qpv500m => false,
            };
            if !ok {
                return false;
            }
        }
        true
    }

    fn select(&self, q: &ActorQuery) -> Vec<Actor> {
        self.actors
            .iter()
            .filter(|a| Self::matches(a, q))
            .cloned()
            .collect()
    }
}

#[async_trait::async_trait]
impl ActorStore for MemoryStore {
    fn status(&self) -> DataStatus {
        self.status.clone()
    }
    async fn actors(&self, query: &ActorQuery) -> Result<Page<Actor>, StoreError> {
        let all = self.select(query);
        let items = all
            .iter()
            .skip(query.offset() as usize)
            .take(query.per_page as usize)
            .cloned()
            .collect();
        Ok(Page {
            total: all.len() as u64,
            items,
        })
    }
    async fn export(&self, query: &ActorQuery) -> Result<ActorStream, StoreError> {
        let all = self.select(query);
        Ok(Box::pin(futures_util::stream::iter(
            all.into_iter().map(Ok),
        )))
    }
    async fn actor(&self, siret: Siret) -> Result<Option<Actor>, StoreError> {
        Ok(self.actors.iter().find(|a| a.siret == siret).cloned())
    }
    async fn territory(
        &self,
        territory: &TerritoryRef,
    ) -> Result<Option<Vec<Indicator>>, StoreError> {
        Ok(self.figures.get(territory).cloned())
    }
    fn provenance(&self) -> Option<Provenance> {
        self.provenance.clone()
    }
    /// A memory store never changes once built.
    fn generation(&self) -> Option<u64> {
        Some(0)
    }
}
