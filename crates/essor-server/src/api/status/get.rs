//! What this server serves.

use crate::AppState;
use crate::store::{DataStatus, Provenance};
use axum::Json;
use axum::extract::State;
use serde::Serialize;

/// Version, QPV layer, data and tile layers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Status {
    #[schema(example = "0.1.0")]
    pub version: String,
    /// Géographie QPV servie.
    #[schema(example = "QPV 2015")]
    pub qpv_geography: String,
    pub qpv_source: String,
    #[schema(example = 1514)]
    pub qpv_count: usize,
    pub data: DataStatus,
    /// D'où viennent les chiffres : fichiers, date du calcul, faits du calcul (absent sans
    /// données chargées).
    pub provenance: Option<Provenance>,
    /// Couches de tuiles vectorielles : `/tiles/{layer}/{z}/{x}/{y}.mvt`.
    pub tile_layers: Vec<String>,
}

/// État du service
#[utoipa::path(
    get,
    operation_id = "getStatus",
    path = "/api/v1/status",
    tag = "service",
    responses((status = 200, description = "Ce que sert ce serveur", body = Status))
)]
pub async fn get(State(state): State<AppState>) -> Json<Status> {
    let layer = state.index.layer();
    Json(Status {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        qpv_geography: layer.geography.to_string(),
        qpv_source: layer.source.clone(),
        qpv_count: layer.len(),
        data: state.store.status(),
        provenance: state.store.provenance(),
        tile_layers: state.tiles.names().map(str::to_owned).collect(),
    })
}
