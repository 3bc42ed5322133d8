//! The schemes of the catalogue, filtered.

use super::{CatalogueJson, SchemeJson};
use crate::AppState;
use crate::api::params::Params;
use crate::error::{ApiError, ErrorEnvelope};
use crate::orientation::schemes::SchemeQuery;
use axum::Json;
use axum::extract::State;
use essor_orientation::text;
use essor_orientation::vocab::{Holder, Kind, Need, Stage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchemeListParams {
    /// Types, séparés par des virgules : accompagnement, subvention, pret, garantie, fonds_propres, microcredit, poste_aide, label, cooperation, locaux, commande_publique.
    #[param(value_type = Option<String>, example = "pret,garantie")]
    pub kind: Option<String>,
    /// Étapes, séparées par des virgules : besoin, idee, emergence, creation, developpement, consolidation, changement_echelle.
    #[param(value_type = Option<String>, example = "creation")]
    pub stage: Option<String>,
    /// Porteurs (publics du dispositif), séparés par des virgules : person, collective, structure, collectivite.
    #[param(value_type = Option<String>, example = "collective")]
    pub holder: Option<String>,
    /// Besoins, séparés par des virgules (mêmes mots que le profil).
    #[param(value_type = Option<String>, example = "locaux")]
    pub need: Option<String>,
    /// Mots à chercher dans le nom, la description, les thèmes et les opérateurs.
    #[param(value_type = Option<String>, example = "coopérative jeunesse")]
    pub q: Option<String>,
}

/// Les dispositifs retenus.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SchemeList {
    pub catalogue: CatalogueJson,
    /// Nombre de dispositifs retenus.
    pub total: usize,
    pub items: Vec<SchemeJson>,
}

fn list_of<T>(
    name: &str,
    value: Option<&str>,
    words: &[&str],
    parse: fn(&str) -> Option<T>,
) -> Result<Vec<T>, ApiError> {
    let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            parse(v).ok_or_else(|| {
                ApiError::bad_parameter(
                    name,
                    format!("« {v} » inconnu ; valeurs : {}", words.join(", ")),
                )
            })
        })
        .collect()
}

/// Validates the parameters into a selection.
pub fn query(p: &SchemeListParams) -> Result<SchemeQuery, ApiError> {
    Ok(SchemeQuery {
        kinds: list_of("kind", p.kind.as_deref(), Kind::WORDS, Kind::from_word)?,
        stages: list_of("stage", p.stage.as_deref(), Stage::WORDS, Stage::from_word)?,
        holders: list_of(
            "holder",
            p.holder.as_deref(),
            Holder::WORDS,
            Holder::from_word,
        )?,
        needs: list_of("need", p.need.as_deref(), Need::WORDS, Need::from_word)?,
        words: p.q.as_deref().map(text::words).unwrap_or_default(),
    })
}

/// Dispositifs du catalogue
///
/// Les dispositifs d'accompagnement et de financement du catalogue d'essor, filtrés par
/// type, étape, porteur, besoin ou mots. Dans un filtre les valeurs sont des alternatives ;
/// les filtres se cumulent. Chaque dispositif cite sa source (document source et passage, ou
/// texte officiel).
#[utoipa::path(
    get,
    operation_id = "listSchemes",
    path = "/api/v1/schemes",
    tag = "orientation",
    params(SchemeListParams),
    responses(
        (status = 200, description = "Les dispositifs retenus, dans l'ordre du catalogue", body = SchemeList),
        (status = 400, description = "Valeur de filtre inconnue", body = ErrorEnvelope),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Params(p): Params<SchemeListParams>,
) -> Result<Json<SchemeList>, ApiError> {
    let q = query(&p)?;
    let catalogue = &state.orientation.catalogue;
    let items: Vec<SchemeJson> = q
        .select(catalogue)
        .into_iter()
        .map(SchemeJson::from)
        .collect();
    Ok(Json(SchemeList {
        catalogue: CatalogueJson::from(catalogue),
        total: items.len(),
        items,
    }))
}
