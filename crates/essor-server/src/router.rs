//! Every route of the server, in one place. API handlers are registered through
//! `utoipa_axum::routes!`, which also collects their OpenAPI descriptions; the tile route is
//! registered by hand (its `{y}.mvt` segment) and described in [`crate::api::openapi`].
//! Around every route, the layers of [`crate::security`]; each route declares who may reach
//! it in [`crate::security::policy::ROUTES`] (a route without a declaration is refused).

use crate::api::openapi::ApiDoc;
use crate::security::{self, guard::Guard};
use crate::{AppState, api, assets, pages};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API routes with their OpenAPI descriptions.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::locate::get::locate))
        .routes(routes!(api::qpv::list::list))
        .routes(routes!(api::qpv::get::get))
        .routes(routes!(api::actors::list::list))
        .routes(routes!(api::actors::get::get))
        .routes(routes!(api::territories::search::search))
        .routes(routes!(api::territories::get::get))
        .routes(routes!(api::territories::indicators_csv::get))
        .routes(routes!(api::territories::actors_geojson::get))
        .routes(routes!(api::territories::qpv_geojson::get))
        .routes(routes!(api::territories::report::get))
        .routes(routes!(api::status::get::get))
        .routes(routes!(api::tiles::labels::get))
        .routes(routes!(api::orientation::post::post))
        .routes(routes!(api::schemes::list::list))
        .routes(routes!(api::schemes::get::get))
        .routes(routes!(
            api::referrals::create::create,
            api::referrals::list::list
        ))
        .routes(routes!(
            api::referrals::get::get,
            api::referrals::update::update,
            api::referrals::revoke::revoke
        ))
        .routes(routes!(api::organisations::me))
        .routes(routes!(api::organisations::received))
        .routes(routes!(api::organisations::update))
}

/// The OpenAPI 3.1 document of the API (`GET /api/v1/openapi.json`, `schemas/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::openapi::finish(api_routes().split_for_parts().1)
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api_routes().split_for_parts();
    let openapi = api::openapi::finish(openapi);
    let guard = Arc::new(Guard::new(state.clone()));
    let openapi = Arc::new(
        openapi
            .to_pretty_json()
            .expect("the OpenAPI document serialises"),
    );
    let docs = openapi.clone();
    api.route(
        "/api/v1/openapi.json",
        get(move || async move {
            (
                [(header::CONTENT_TYPE, "application/json")],
                openapi.as_str().to_owned(),
            )
                .into_response()
        }),
    )
    .route("/tiles/{layer}/{z}/{x}/{file}", get(api::tiles::get::tile))
    .route("/", get(pages::home::show))
    .route("/carte", get(pages::map::show))
    .route("/annuaire", get(pages::directory::show))
    .route("/territoires", get(pages::territories::search))
    .route("/territoires/{name}", get(pages::territories::named))
    .route("/territoires/{level}/{code}", get(pages::territory::show))
    .route(
        "/territoires/{level}/{code}/dossier",
        get(pages::dossier::show),
    )
    .route("/methodologie", get(pages::methodology::show))
    .route("/acteurs/{siret}", get(pages::actor::show))
    .route("/orientation", get(pages::orientation::show))
    .route("/dispositifs", get(pages::schemes::list))
    .route("/dispositifs/{id}", get(pages::schemes::show))
    .route(
        "/mises-en-relation",
        get(pages::referrals::list).post(pages::referrals::create),
    )
    .route("/mises-en-relation/nouvelle", get(pages::referrals::new))
    .route(
        "/mises-en-relation/suivi/{token}",
        get(pages::referrals::show).post(pages::referrals::update),
    )
    .route(
        "/mises-en-relation/suivi/{token}/revoquer",
        post(pages::referrals::revoke),
    )
    .route(
        "/connexion",
        get(pages::account::sign_in_form).post(pages::account::sign_in),
    )
    .route(
        "/mot-de-passe-oublie",
        get(pages::password::form).post(pages::password::request),
    )
    .route(
        "/reinitialiser/{token}",
        get(pages::password::show).post(pages::password::reset),
    )
    .route(
        "/invitation/{token}",
        get(pages::invitation::show).post(pages::invitation::accept),
    )
    .route("/connexion/oidc", get(pages::oidc::start))
    .route("/connexion/oidc/retour", get(pages::oidc::finish))
    .route("/compte", get(pages::account::show))
    .route("/compte/invitations", post(pages::invitation::send))
    .route("/deconnexion", post(pages::account::sign_out))
    .route(
        "/compte/deconnexion-partout",
        post(pages::account::sign_out_everywhere),
    )
    .route("/compte/donnees", get(pages::account::personal_data))
    .route("/compte/supprimer", post(pages::account::erase))
    .route(
        "/compte/jetons",
        get(pages::account::tokens).post(pages::account::create_token),
    )
    .route(
        "/compte/jetons/{id}/revoquer",
        post(pages::account::revoke_token),
    )
    .route("/donnees-personnelles", get(pages::account::privacy))
    .route("/organisations/{org}", get(pages::organisation::show))
    .route(
        "/organisations/{org}/roles",
        post(pages::organisation::roles),
    )
    .route(
        "/organisations/{org}/journal",
        get(pages::organisation::journal),
    )
    .route(
        "/organisations/{org}/mises-en-relation",
        get(pages::organisation::referrals),
    )
    .route(
        "/organisations/{org}/mises-en-relation/{id}",
        post(pages::organisation::update),
    )
    .route(
        "/api/docs",
        get(move |s| pages::api_docs::show(s, docs.clone())),
    )
    .route("/assets/{*path}", get(assets::serve))
    .route("/favicon.ico", get(assets::favicon))
    .route_layer(from_fn_with_state(state.clone(), security::policy::enforce))
    .fallback(pages::errors::fallback)
    .layer(DefaultBodyLimit::max(security::BODY_LIMIT))
    .layer(from_fn_with_state(guard, security::guard::guard))
    .layer(from_fn_with_state(
        state.clone(),
        security::contract::contract,
    ))
    .layer(from_fn(security::headers::headers))
    .layer(CompressionLayer::new())
    .with_state(state)
}
