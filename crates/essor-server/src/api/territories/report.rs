//! The diagnostic report of a territory, the HTML file of its pack.

use super::{file, pack_data};
use crate::AppState;
use crate::dossier::methodology_text;
use crate::error::{ApiError, ErrorEnvelope};
use crate::store::TerritoryLevel;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;

/// The report of a territory: the pack's HTML, with the méthodologie of the loaded data.
///
/// A report reads every actor of its territory and can take seconds of CPU (France's lists
/// every QPV), so it is made once per store generation and kept (`AppState::reports`), and
/// at most [`crate::state::HEAVY_RENDERS`] are made at once (`AppState::heavy`): a burst of
/// requests waits for a permit, then finds the report another request has just made.
pub async fn render(state: &AppState, level: &str, code: &str) -> Result<Bytes, ApiError> {
    let generation = state.store.generation();
    let kept = |l: TerritoryLevel| state.reports.get(generation, l, code);
    let key = TerritoryLevel::from_code(level);
    if let Some(html) = key.and_then(kept) {
        return Ok(html);
    }
    let _permit = state
        .heavy
        .acquire()
        .await
        .map_err(|_| ApiError::internal())?;
    if let Some(html) = key.and_then(kept) {
        return Ok(html);
    }
    let data = pack_data(state, level, code).await?;
    let (index, methodology) = (state.index.clone(), methodology_text(state));
    let html = tokio::task::spawn_blocking(move || {
        essor_observatory::pack::render(
            &data,
            index.layer(),
            &methodology,
            &essor_observatory::methodology::today(),
        )
        .html
    })
    .await
    .map_err(|_| ApiError::internal())?;
    let html = Bytes::from(html);
    if let Some(l) = key {
        state.reports.put(generation, l, code, html.clone());
    }
    Ok(html)
}

/// Dossier de diagnostic d'un territoire (HTML)
///
/// Le rapport autonome de `essor diagnose --territory` : chiffres clés comparés (le territoire,
/// ses QPV, le territoire hors QPV, l'ensemble des QPV, la France), graphiques et carte en SVG,
/// tableaux par QPV et par secteur, acteurs dans les QPV et à leurs abords, méthodologie et
/// sources. Aucune ressource externe : le fichier s'ouvre hors ligne.
#[utoipa::path(
    get,
    operation_id = "getTerritoryReport",
    path = "/api/v1/territories/{level}/{code}/report.html",
    tag = "territoires",
    params(
        ("level" = String, Path, description = "france, region, departement, epci, commune ou qpv", example = "qpv"),
        ("code" = String, Path, description = "FR, code région, département, SIREN d'EPCI, code INSEE de commune ou code QPV", example = "QP093028"),
    ),
    responses(
        (status = 200, description = "Le rapport, une page HTML autonome", content_type = "text/html", body = String),
        (status = 400, description = "Niveau inconnu ou sans dossier", body = ErrorEnvelope),
        (status = 404, description = "Territoire inconnu ou sans chiffres", body = ErrorEnvelope),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Path((level, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let html = render(&state, &level, &code).await?;
    Ok(file(
        "text/html; charset=utf-8",
        format!("diagnostic-{level}-{code}.html"),
        html,
    ))
}
