//! Who may reach each route. Every route of the router declares its [`Access`] here, in
//! [`ROUTES`], and [`enforce`] refuses a request to a route that has none (fail closed, a
//! French 403 and an error in the log): a route added without a declaration cannot be
//! reached, and the tests (`tests/it/policy.rs`) enumerate the router and the OpenAPI
//! document against this table.
//!
//! Today essor has four kinds of access: public reads (open data: figures, maps, the
//! directory of diffusible actors, the catalogue), public writes that need no account (the
//! orientation form, a new referral, signing in: rate-limited, cross-site refused, see
//! [`super::guard`]), the holder of a referral's secret link (the handler checks the link
//! against the registry), and a signed-in person: [`enforce`] looks the session cookie up and
//! hands the [`Session`] to the handler, or sends the browser to the sign-in page. Roles per
//! organisation come as further [`Access`] cases, enforced here from the same session.

use super::session::{self, Session};
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What a request needs to reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: public data.
    Public,
    /// Anyone, to submit a form that needs no account (rate-limited).
    PublicWrite,
    /// The holder of a secret link, checked by the handler (an unknown link is a 404).
    SecretLink,
    /// A signed-in person (any account): their [`Session`] is in the request's extensions.
    SignedIn,
}

/// One route and method, with its access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteAccess {
    pub method: &'static str,
    /// The route as the router declares it (`/acteurs/{siret}`).
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RouteAccess {
    RouteAccess {
        method,
        path,
        access,
    }
}

use Access::{Public, PublicWrite, SecretLink, SignedIn};

/// Every route of the server, with its access. `HEAD` follows `GET`.
pub const ROUTES: &[RouteAccess] = &[
    // Pages.
    route("GET", "/", Public),
    route("GET", "/carte", Public),
    route("GET", "/annuaire", Public),
    route("GET", "/territoires", Public),
    route("GET", "/territoires/{name}", Public),
    route("GET", "/territoires/{level}/{code}", Public),
    route("GET", "/territoires/{level}/{code}/dossier", Public),
    route("GET", "/methodologie", Public),
    route("GET", "/acteurs/{siret}", Public),
    route("GET", "/orientation", Public),
    route("GET", "/dispositifs", Public),
    route("GET", "/dispositifs/{id}", Public),
    route("GET", "/mises-en-relation", Public),
    route("POST", "/mises-en-relation", PublicWrite),
    route("GET", "/mises-en-relation/nouvelle", Public),
    route("GET", "/mises-en-relation/suivi/{token}", SecretLink),
    route("POST", "/mises-en-relation/suivi/{token}", SecretLink),
    route(
        "POST",
        "/mises-en-relation/suivi/{token}/revoquer",
        SecretLink,
    ),
    route("GET", "/connexion", Public),
    route("POST", "/connexion", PublicWrite),
    // Signing in through an OpenID Connect provider: a redirection to it (remembering the
    // sign-in under way), and its answer, checked against the browser's cookie.
    route("GET", "/connexion/oidc", Public),
    route("GET", "/connexion/oidc/retour", Public),
    route("GET", "/compte", SignedIn),
    route("POST", "/deconnexion", SignedIn),
    route("GET", "/api/docs", Public),
    route("GET", "/assets/{*path}", Public),
    route("GET", "/favicon.ico", Public),
    route("GET", "/tiles/{layer}/{z}/{x}/{file}", Public),
    // The API.
    route("GET", "/api/v1/openapi.json", Public),
    route("GET", "/api/v1/locate", Public),
    route("GET", "/api/v1/qpv", Public),
    route("GET", "/api/v1/qpv/{code}", Public),
    route("GET", "/api/v1/actors", Public),
    route("GET", "/api/v1/actors/{siret}", Public),
    route("GET", "/api/v1/territories/search", Public),
    route("GET", "/api/v1/territories/{level}/{code}", Public),
    route(
        "GET",
        "/api/v1/territories/{level}/{code}/indicators.csv",
        Public,
    ),
    route(
        "GET",
        "/api/v1/territories/{level}/{code}/actors.geojson",
        Public,
    ),
    route(
        "GET",
        "/api/v1/territories/{level}/{code}/qpv.geojson",
        Public,
    ),
    route(
        "GET",
        "/api/v1/territories/{level}/{code}/report.html",
        Public,
    ),
    route("GET", "/api/v1/status", Public),
    route("GET", "/api/v1/map/labels", Public),
    route("POST", "/api/v1/orientation", PublicWrite),
    route("GET", "/api/v1/schemes", Public),
    route("GET", "/api/v1/schemes/{id}", Public),
    // Listings carry no personal data (no name, contact, reason or token).
    route("GET", "/api/v1/referrals", Public),
    route("POST", "/api/v1/referrals", PublicWrite),
    route("GET", "/api/v1/referrals/{token}", SecretLink),
    route("PATCH", "/api/v1/referrals/{token}", SecretLink),
    route("DELETE", "/api/v1/referrals/{token}", SecretLink),
];

/// The declared access of `method` on the route `path`; `HEAD` is `GET`'s, `OPTIONS` (CORS
/// preflight, answered by the guard) that of any method of the route.
pub fn access(method: &Method, path: &str) -> Option<Access> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|r| r.path == path && (r.method == method || method == "OPTIONS"))
        .map(|r| r.access)
}

/// True when some method of `path` is declared.
fn declared(path: &str) -> bool {
    ROUTES.iter().any(|r| r.path == path)
}

/// Lets a request through when its route declares an access it has, lets the router answer
/// 405 for a method the route does not have, sends a request without a session on a
/// signed-in route to the sign-in page (and back afterwards), and refuses a route that
/// declares nothing.
pub async fn enforce(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let Some(path) = request.extensions().get::<MatchedPath>().cloned() else {
        return next.run(request).await;
    };
    match access(request.method(), path.as_str()) {
        Some(Public | PublicWrite | SecretLink) => next.run(request).await,
        Some(SignedIn) => match session::current(&state, request.headers()).await {
            Some(session) => {
                request.extensions_mut().insert::<Session>(session);
                next.run(request).await
            }
            None => {
                let back = request.uri().path();
                (
                    StatusCode::SEE_OTHER,
                    [
                        (header::LOCATION, format!("/connexion?suite={back}")),
                        (header::CACHE_CONTROL, "no-store".to_owned()),
                    ],
                )
                    .into_response()
            }
        },
        None if declared(path.as_str()) => next.run(request).await,
        None => {
            tracing::error!(route = %path.as_str(), method = %request.method(), "route without a declared access refused");
            (
                StatusCode::FORBIDDEN,
                "accès refusé : cette adresse ne déclare pas qui peut l'utiliser",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn an_undeclared_route_is_refused_and_a_declared_one_answers() {
        let app = Router::new()
            .route("/carte", get(|| async { "carte" }))
            .route("/oubliee", get(|| async { "secret" }))
            .route_layer(axum::middleware::from_fn_with_state(
                AppState::embedded(),
                enforce,
            ));
        let call = |uri: &'static str, method: Method| {
            let app = app.clone();
            async move {
                app.oneshot(
                    Request::builder()
                        .method(method)
                        .uri(uri)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap()
                .status()
            }
        };
        assert_eq!(call("/carte", Method::GET).await, StatusCode::OK);
        assert_eq!(call("/carte", Method::HEAD).await, StatusCode::OK);
        assert_eq!(call("/oubliee", Method::GET).await, StatusCode::FORBIDDEN);
        assert_eq!(
            call("/carte", Method::POST).await,
            StatusCode::METHOD_NOT_ALLOWED,
            "a method the route lacks is the router's 405"
        );
    }

    #[test]
    fn each_route_and_method_is_declared_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            assert!(
                !ROUTES[..i]
                    .iter()
                    .any(|b| b.path == a.path && b.method == a.method),
                "{} {} twice",
                a.method,
                a.path
            );
        }
    }
}
