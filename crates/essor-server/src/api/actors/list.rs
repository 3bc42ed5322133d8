//! The actors of a selection: a JSON page, or the whole selection streamed as GeoJSON or CSV.

use super::ActorJson;
use crate::AppState;
use crate::api::params::{self, Params};
use crate::error::{ApiError, ErrorEnvelope};
use crate::store::{
    Actor, ActorFacets, ActorQuery, DataStatus, LegalFamily, TerritoryLevel, TerritoryRef,
};
use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use essor_app::territories::search::{Entry, Resolution, TerritorySearch};
use essor_geo::Band;
use essor_model::csv_line::spreadsheet_text;
use essor_model::sector::EssSector;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActorListParams {
    /// Emprise minLon,minLat,maxLon,maxLat en degrés WGS84.
    #[param(value_type = Option<String>, example = "2.33,48.90,2.40,48.94")]
    pub bbox: Option<String>,
    /// Recherche plein texte (nom, activité, adresse).
    #[param(value_type = Option<String>, example = "régie de quartier")]
    pub q: Option<String>,
    /// Familles juridiques, séparées par des virgules : association, cooperative, mutuelle, fondation, societe_commerciale_ess (l'ancienne orthographe societe_commerciale est encore acceptée).
    #[param(value_type = Option<String>, example = "association,cooperative")]
    pub family: Option<String>,
    /// Tranches de proximité, séparées par des virgules : in, 300, 500, 1000, out.
    #[param(value_type = Option<String>, example = "in,300")]
    pub band: Option<String>,
    /// Secteurs de l'ESS (groupes d'activités NAF), séparés par des virgules : action_sociale, enseignement, sante, sport_loisirs, arts_spectacles, activites_financieres, autres.
    #[param(value_type = Option<String>, example = "action_sociale,sante")]
    pub sector: Option<String>,
    /// Territoire : NIVEAU:CODE (region, departement, epci, commune, qpv), ou un nom, un code ou un code postal qui le désigne sans ambiguïté (« Rennes », « Saint-Denis (93066) », « 35000 ») ; un nom partagé donne une erreur 400 qui liste les homonymes.
    #[param(value_type = Option<String>, example = "qpv:QP093028")]
    pub territory: Option<String>,
    /// true : établissements employeurs seulement ; false : non employeurs.
    #[param(value_type = Option<bool>)]
    pub employer: Option<String>,
    /// Page, à partir de 1.
    #[param(value_type = Option<u32>, minimum = 1, example = 1)]
    pub page: Option<String>,
    /// Acteurs par page, 1 à 100 (20 par défaut).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    pub per_page: Option<String>,
    /// true : ajoute à la page JSON les facettes de la sélection (nombre d'acteurs par famille, secteur, proximité et caractère employeur, chacune sous les autres filtres).
    #[param(value_type = Option<bool>)]
    pub facets: Option<String>,
    /// json (par défaut, paginé), geojson ou csv (toute la sélection, sans plafond).
    #[param(value_type = Option<String>, example = "json")]
    pub format: Option<String>,
}

/// Links to pages of the same selection.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PageLinks {
    #[serde(rename = "self")]
    pub this: String,
    pub first: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// One page of actors.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ActorPage {
    /// Taille de la sélection entière.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ActorJson>,
    pub links: PageLinks,
    pub data: DataStatus,
    /// Avec `facets=true` : les facettes de la sélection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<FacetsJson>,
}

/// One value of a facet.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetValue {
    /// La valeur à passer en paramètre (`family=association`).
    pub value: String,
    pub label: String,
    /// Acteurs de la sélection avec cette valeur, sous les autres filtres.
    pub count: u64,
}

/// The facets of a selection: each counts under every *other* filter, so that a value shows
/// what choosing it would give.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetsJson {
    pub family: Vec<FacetValue>,
    pub sector: Vec<FacetValue>,
    pub band: Vec<FacetValue>,
    pub employer: Vec<FacetValue>,
}

impl From<&ActorFacets> for FacetsJson {
    fn from(f: &ActorFacets) -> Self {
        let value = |value: &str, label: &str, count: u64| FacetValue {
            value: value.to_owned(),
            label: label.to_owned(),
            count,
        };
        Self {
            family: f
                .families
                .iter()
                .map(|(k, n)| value(k.as_str(), k.singular_label(), *n))
                .collect(),
            sector: f
                .sectors
                .iter()
                .map(|(k, n)| value(k.as_str(), k.label(), *n))
                .collect(),
            band: f
                .bands
                .iter()
                .map(|(k, n)| value(k, &band_label(k), *n))
                .collect(),
            employer: vec![
                value("true", "Employeurs", f.employer[1]),
                value("false", "Non employeurs", f.employer[0]),
            ],
        }
    }
}

/// A band in words.
pub fn band_label(band: &str) -> String {
    match band {
        "in" => "Dans un QPV".into(),
        "out" => "Au-delà d'1 km".into(),
        "1000" => "À 1 km ou moins".into(),
        t => format!("À {t} m ou moins"),
    }
}

/// Whether `facets=` asks for facets.
pub fn wants_facets(p: &ActorListParams) -> Result<bool, ApiError> {
    match p.facets.as_deref() {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(v) => Err(ApiError::bad_parameter(
            "facets",
            format!("« {v} » : true ou false attendu"),
        )),
    }
}

fn list_of<T>(
    name: &str,
    value: Option<&str>,
    expected: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, ApiError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(|v| {
            let v = v.trim();
            parse(v).ok_or_else(|| {
                ApiError::bad_parameter(name, format!("« {v} » inconnu ; valeurs : {expected}"))
            })
        })
        .collect()
}

/// A territory in words, to choose among namesakes: « Saint-Denis (93066), commune,
/// Seine-Saint-Denis (93) ».
pub fn describe(e: &Entry) -> String {
    let mut s = format!("{}, {}", e.field_value(), e.level.label().to_lowercase());
    if !e.context.is_empty() {
        s.push_str(", ");
        s.push_str(&e.context);
    }
    s
}

/// The territory of a `territory=` filter: `NIVEAU:CODE`, or a name, code or postcode that
/// designates one territory. Otherwise a French message that lists the namesakes (or the
/// closest names) to choose from (issue 12: « Rennes » was answered with an API error).
pub fn territory_filter(search: &TerritorySearch, text: &str) -> Result<TerritoryRef, ApiError> {
    let text = text.trim();
    if let Some((level, code)) = text.split_once(':')
        && TerritoryLevel::from_code(level.trim()).is_some()
    {
        let level = crate::api::territories::get::place_level(level.trim())?;
        let code = code.trim();
        // `commune:Rennes`: a name at that level, when it names one commune.
        if level != TerritoryLevel::France
            && search.get(level, code).is_none()
            && let Resolution::Found(e) = search.resolve(code, Some(level))
        {
            return Ok(e.reference());
        }
        return Ok(TerritoryRef {
            level,
            code: code.to_owned(),
        });
    }
    let list = |entries: &[&Entry]| {
        entries
            .iter()
            .take(8)
            .map(|e| format!("« {} »", describe(e)))
            .collect::<Vec<_>>()
            .join(" ; ")
    };
    match search.resolve(text, None) {
        Resolution::Found(e) => Ok(e.reference()),
        Resolution::Ambiguous(namesakes) => Err(ApiError::bad_parameter(
            "territory",
            format!(
                "« {text} » désigne {} territoires : {} ; choisissez-en un en écrivant son code entre parenthèses, ex. « {} »",
                namesakes.len(),
                list(&namesakes),
                namesakes[0].field_value()
            ),
        )),
        Resolution::Unknown(close) if !close.is_empty() => Err(ApiError::bad_parameter(
            "territory",
            format!(
                "aucun territoire ne s'appelle exactement « {text} » ; vouliez-vous dire : {} ? (ou NIVEAU:CODE, ex. qpv:QP093028)",
                list(&close)
            ),
        )),
        Resolution::Unknown(_) => Err(ApiError::bad_parameter(
            "territory",
            format!(
                "aucun territoire ne correspond à « {text} » : nom de commune, d'EPCI, de département, de région ou de QPV, code INSEE, code postal, code QPV, ou NIVEAU:CODE (ex. qpv:QP093028)"
            ),
        )),
    }
}

/// Validates the parameters into a store query; a territory filter is read with `search`.
pub fn query(p: &ActorListParams, search: &TerritorySearch) -> Result<ActorQuery, ApiError> {
    let territory = p
        .territory
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| territory_filter(search, t))
        .transpose()?;
    let employer = match p.employer.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(v) => {
            return Err(ApiError::bad_parameter(
                "employer",
                format!("« {v} » : true ou false attendu"),
            ));
        }
    };
    Ok(ActorQuery {
        bbox: p
            .bbox
            .as_deref()
            .filter(|b| !b.trim().is_empty())
            .map(|b| params::bbox(Some(b)))
            .transpose()?,
        text: p
            .q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned),
        families: list_of(
            "family",
            p.family.as_deref(),
            "association, cooperative, mutuelle, fondation, societe_commerciale_ess",
            |v| LegalFamily::from_code(v).and_then(LegalFamily::ess),
        )?,
        bands: list_of(
            "band",
            p.band.as_deref(),
            "in, 300, 500, 1000, out",
            Band::parse,
        )?,
        sectors: list_of(
            "sector",
            p.sector.as_deref(),
            "action_sociale, enseignement, sante, sport_loisirs, arts_spectacles, activites_financieres, autres",
            |v| EssSector::ALL.into_iter().find(|s| s.as_str() == v),
        )?,
        territory,
        employer,
        page: params::integer("page", p.page.as_deref(), 1..=u32::MAX)?.unwrap_or(1),
        per_page: params::integer("per_page", p.per_page.as_deref(), 1..=100)?.unwrap_or(20),
    })
}

/// The same query string with another page number.
fn page_link(raw: &str, page: u32) -> String {
    let mut parts: Vec<String> = raw
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("page="))
        .map(str::to_owned)
        .collect();
    parts.push(format!("page={page}"));
    format!("/api/v1/actors?{}", parts.join("&"))
}

const CSV_HEADER: &str = "siret,name,legal_family,categorie_juridique,naf,tranche_effectifs,employer,commune,lon,lat,qpv_code,nearest_qpv_code,distance_m,band\n";

fn csv_row(a: &Actor) -> String {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    essor_model::csv_line::line([
        a.siret.to_string(),
        // The one free text of the row: protected against formula injection.
        spreadsheet_text(&a.name).into_owned(),
        a.legal_family.as_str().to_owned(),
        a.categorie_juridique.clone(),
        opt(&a.naf),
        opt(&a.tranche_effectifs),
        a.employer.to_string(),
        opt(&a.commune),
        num(a.lon_lat.map(|p| p.0)),
        num(a.lon_lat.map(|p| p.1)),
        opt(&a.qpv_code),
        opt(&a.nearest_qpv_code),
        num(a.distance_m),
        a.band.map(|b| b.to_string()).unwrap_or_default(),
    ])
}

fn geojson_feature(a: &Actor) -> String {
    let geometry = a.lon_lat.map_or(
        serde_json::Value::Null,
        |(lon, lat)| serde_json::json!({ "type": "Point", "coordinates": [lon, lat] }),
    );
    serde_json::json!({ "type": "Feature", "id": a.siret.to_string(), "geometry": geometry, "properties": ActorJson::from(a) })
        .to_string()
}

/// Acteurs de l'ESS (recherche, filtres, exports)
///
/// Une page JSON de la sélection avec son total et des liens de pagination ; `format=geojson`
/// ou `format=csv` renvoient toute la sélection en flux, sans plafond. Seuls les
/// établissements diffusibles sont renvoyés.
#[utoipa::path(
    get,
    operation_id = "listActors",
    path = "/api/v1/actors",
    tag = "acteurs",
    params(ActorListParams),
    responses(
        (status = 200, description = "Une page d'acteurs (ou toute la sélection en GeoJSON ou CSV)", body = ActorPage),
        (status = 400, description = "Paramètre invalide", body = ErrorEnvelope),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    Params(p): Params<ActorListParams>,
) -> Result<Response, ApiError> {
    let q = query(&p, &state.search)?;
    let with_facets = wants_facets(&p)?;
    match p.format.as_deref().unwrap_or("json") {
        "json" | "" => {
            let (page, facets) = if with_facets {
                let (page, facets) = state.store.actors_and_facets(&q).await?;
                (page, Some(FacetsJson::from(&facets)))
            } else {
                (state.store.actors(&q).await?, None)
            };
            let raw = raw.unwrap_or_default();
            let last = page.total.div_ceil(u64::from(q.per_page)).max(1);
            Ok(Json(ActorPage {
                total: page.total,
                page: q.page,
                per_page: q.per_page,
                items: page.items.iter().map(ActorJson::from).collect(),
                links: PageLinks {
                    this: page_link(&raw, q.page),
                    first: page_link(&raw, 1),
                    prev: (q.page > 1).then(|| page_link(&raw, q.page - 1)),
                    next: (u64::from(q.page) < last).then(|| page_link(&raw, q.page + 1)),
                },
                data: state.store.status(),
                facets,
            })
            .into_response())
        }
        "geojson" => {
            let stream = state.store.export(&q).await?;
            let mut first = true;
            let features = stream.map(move |a| {
                let a = a.map_err(|e| std::io::Error::other(e.to_string()))?;
                let sep = if std::mem::take(&mut first) { "" } else { "," };
                Ok::<_, std::io::Error>(format!("{sep}{}", geojson_feature(&a)))
            });
            let body = futures_util::stream::once(async {
                Ok::<_, std::io::Error>(r#"{"type":"FeatureCollection","features":["#.to_owned())
            })
            .chain(features)
            .chain(futures_util::stream::once(async { Ok("]}".to_owned()) }));
            Ok((
                [(header::CONTENT_TYPE, "application/geo+json")],
                Body::from_stream(body),
            )
                .into_response())
        }
        "csv" => {
            let stream = state.store.export(&q).await?;
            let rows = stream.map(|a| {
                a.map(|a| csv_row(&a))
                    .map_err(|e| std::io::Error::other(e.to_string()))
            });
            let body = futures_util::stream::once(async {
                Ok::<_, std::io::Error>(CSV_HEADER.to_owned())
            })
            .chain(rows);
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"acteurs-ess.csv\"",
                    ),
                ],
                Body::from_stream(body),
            )
                .into_response())
        }
        other => Err(ApiError::bad_parameter(
            "format",
            format!("« {other} » inconnu ; formats : json, geojson, csv"),
        )),
    }
}
