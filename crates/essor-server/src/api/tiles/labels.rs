//! The place names of the map (see [`crate::tiles::labels`]).

use crate::tiles::labels::{Label, labels};
use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

/// Les noms de lieux de la carte.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MapLabels {
    /// Les régions et les départements (au centre de leur population), les communes d'au moins 5 000 habitants (en un point intérieur).
    pub labels: &'static [Label],
}

/// Noms de lieux de la carte
///
/// Les régions, départements et communes d'au moins 5 000 habitants, avec un point où écrire
/// leur nom et leur population, pour choisir les noms à montrer selon le zoom. Données de
/// référence embarquées (COG 2026, points intérieurs IGN 2018) ; réponse identique jusqu'à
/// la prochaine version d'essor.
#[utoipa::path(
    get,
    operation_id = "getMapLabels",
    path = "/api/v1/map/labels",
    tag = "géographie",
    responses(
        (status = 200, description = "Les noms de lieux", body = MapLabels),
    )
)]
pub async fn get() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        Json(MapLabels { labels: labels() }),
    )
}
