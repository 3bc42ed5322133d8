//! Where a point stands relative to the QPV: the same answer as one row of `essor locate`.

use crate::AppState;
use crate::api::params::{self, Params};
use crate::error::{ApiError, ErrorEnvelope};
use axum::Json;
use axum::extract::State;
use essor_geo::Bands;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateParams {
    /// Longitude WGS84 en degrés décimaux.
    #[param(value_type = f64, required = true, example = 2.381534449)]
    pub lon: Option<String>,
    /// Latitude WGS84 en degrés décimaux.
    #[param(value_type = f64, required = true, example = 48.917712167)]
    pub lat: Option<String>,
    /// Seuils des tranches de distance en mètres (par défaut 300,500,1000).
    #[param(value_type = Option<String>, example = "300,500,1000")]
    pub bands: Option<String>,
}

/// The point, its territory, the covering and nearest QPV, the distance and the band.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Located {
    pub lon: f64,
    pub lat: f64,
    /// Territoire (France métropolitaine, Guadeloupe…), qui fixe la projection des distances.
    #[schema(example = "France métropolitaine")]
    pub territory: String,
    /// QPV qui contient le point (bord compris), sinon null.
    #[schema(example = "QP093028")]
    pub qpv_code: Option<String>,
    pub qpv_name: Option<String>,
    /// QPV le plus proche (celui qui contient le point le cas échéant) ; null si le territoire n'a pas de QPV.
    #[schema(example = "QP093028")]
    pub nearest_qpv_code: Option<String>,
    pub nearest_qpv_name: Option<String>,
    /// Distance en mètres au bord du QPV le plus proche (0 dedans), arrondie au décimètre.
    #[schema(example = 0.0)]
    pub distance_m: Option<f64>,
    /// `in`, le plus petit seuil non dépassé (`300`, `500`, `1000`), ou `out`.
    #[schema(example = "in")]
    pub band: String,
}

/// Situer un point par rapport aux QPV
///
/// Même sens qu'une ligne de `essor locate` : QPV qui contient le point, QPV le plus proche,
/// distance en mètres (mesurée dans la projection du territoire : Lambert-93 en métropole,
/// UTM locale outre-mer) et tranche de proximité.
#[utoipa::path(
    get,
    operation_id = "locatePoint",
    path = "/api/v1/locate",
    tag = "géographie",
    params(LocateParams),
    responses(
        (status = 200, description = "Le point situé", body = Located),
        (status = 400, description = "Coordonnées absentes, illisibles ou hors des territoires pris en charge", body = ErrorEnvelope),
    )
)]
pub async fn locate(
    State(state): State<AppState>,
    Params(p): Params<LocateParams>,
) -> Result<Json<Located>, ApiError> {
    let (lon, lat) = params::lon_lat(p.lon.as_deref(), p.lat.as_deref())?;
    let custom;
    let bands = match p.bands.as_deref().filter(|b| !b.trim().is_empty()) {
        None => &state.bands,
        Some(b) => {
            custom = b
                .parse::<Bands>()
                .map_err(|e| ApiError::bad_parameter("bands", e))?;
            &custom
        }
    };
    let loc = state
        .index
        .locate_lonlat(lon, lat)
        .map_err(|e| ApiError::bad_parameter("lon/lat", e.to_string()))?;
    let layer = state.index.layer();
    let code = |id| layer.get(id).code.as_str().to_owned();
    let name = |id| layer.get(id).name.clone();
    Ok(Json(Located {
        lon,
        lat,
        territory: loc.territory.name().to_owned(),
        qpv_code: loc.qpv.map(code),
        qpv_name: loc.qpv.map(name),
        nearest_qpv_code: loc.nearest.map(code),
        nearest_qpv_name: loc.nearest.map(name),
        distance_m: loc.distance_m.map(|d| (d * 10.0).round() / 10.0),
        band: bands
            .classify(loc.qpv.is_some(), loc.distance_m)
            .to_string(),
    }))
}
