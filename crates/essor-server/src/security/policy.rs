//! Who may reach each route. Every route of the router declares its [`Access`] here, in
//! [`ROUTES`], and [`enforce`] refuses a request to a route that has none (fail closed, a
//! French 403 and an error in the log): a route added without a declaration cannot be
//! reached, and the tests (`tests/it/policy.rs`) enumerate the router and the OpenAPI
//! document against this table.
//!
//! Today essor has these kinds of access: public reads (open data: figures, maps, the
//! directory of diffusible actors, the catalogue), public writes that need no account (the
//! orientation form, a new referral, signing in: rate-limited, cross-site refused, see
//! [`super::guard`]), the holder of a referral's secret link (the handler checks the link
//! against the registry), a signed-in person, a member of the organisation named by the
//! route's `{org}`, and a member holding a given role in it.
//!
//! Who is signed in: on pages, the session cookie ([`Session`], whose forms carry an
//! anti-CSRF token); on the API, a personal API token (`Authorization: Bearer …`), whose scope
//! must allow the method — the API takes no cookie, so no cross-site request can act through
//! it. [`enforce`] puts the person ([`SignedIn`]) in the request's extensions (and the
//! [`Session`] on pages). Without anyone signed in, a page sends the browser to the sign-in
//! page and the API answers 401; a person without the access gets a French 403 page or a
//! problem document — the same whether the organisation exists or not.

use super::session::{self, Session};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
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
    /// A signed-in person (any account).
    SignedIn,
    /// A member (any role) of the organisation `{org}` of the route.
    Member,
    /// A member of the organisation `{org}` holding this role there.
    Role(Role),
}

impl Access {
    /// True for the accesses that need someone signed in.
    pub fn needs_account(self) -> bool {
        matches!(self, Self::SignedIn | Self::Member | Self::Role(_))
    }
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

use Access::{Member, Public, PublicWrite, SecretLink, SignedIn};
use essor_model::Role;
use essor_store::registry::SignedIn as Person;

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
    route("GET", "/mot-de-passe-oublie", Public),
    route("POST", "/mot-de-passe-oublie", PublicWrite),
    route("GET", "/reinitialiser/{token}", SecretLink),
    route("POST", "/reinitialiser/{token}", SecretLink),
    route("GET", "/invitation/{token}", SecretLink),
    route("POST", "/invitation/{token}", SecretLink),
    // Signing in through an OpenID Connect provider: a redirection to it (remembering the
    // sign-in under way), and its answer, checked against the browser's cookie.
    route("GET", "/connexion/oidc", Public),
    route("GET", "/connexion/oidc/retour", Public),
    route("GET", "/compte", SignedIn),
    route("POST", "/compte/invitations", SignedIn),
    route("POST", "/deconnexion", SignedIn),
    route("POST", "/compte/deconnexion-partout", SignedIn),
    route("GET", "/compte/donnees", SignedIn),
    route("POST", "/compte/supprimer", SignedIn),
    route("GET", "/compte/jetons", SignedIn),
    route("POST", "/compte/jetons", SignedIn),
    route("POST", "/compte/jetons/{id}/revoquer", SignedIn),
    route("GET", "/donnees-personnelles", Public),
    route("GET", "/organisations/{org}", Member),
    route(
        "GET",
        "/organisations/{org}/journal",
        Access::Role(Role::Admin),
    ),
    route(
        "POST",
        "/organisations/{org}/roles",
        Access::Role(Role::Admin),
    ),
    route(
        "GET",
        "/organisations/{org}/mises-en-relation",
        Access::Role(Role::Operator),
    ),
    route(
        "POST",
        "/organisations/{org}/mises-en-relation/{id}",
        Access::Role(Role::Operator),
    ),
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
    // With a personal API token.
    route("GET", "/api/v1/me", SignedIn),
    route(
        "GET",
        "/api/v1/organisations/{org}/referrals",
        Access::Role(Role::Operator),
    ),
    route(
        "PATCH",
        "/api/v1/organisations/{org}/referrals/{id}",
        Access::Role(Role::Operator),
    ),
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
/// signed-in page to the sign-in page (and back afterwards), and refuses a route that
/// declares nothing.
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(path) = request.extensions().get::<MatchedPath>().cloned() else {
        return next.run(request).await;
    };
    match access(request.method(), path.as_str()) {
        Some(Public | PublicWrite | SecretLink) => next.run(request).await,
        Some(access) if access.needs_account() => {
            let api = path.as_str().starts_with("/api/");
            match admit(&state, request, access, api).await {
                Ok(request) => next.run(request).await,
                Err(refusal) => refusal,
            }
        }
        None if declared(path.as_str()) => next.run(request).await,
        _ => {
            tracing::error!(route = %path.as_str(), method = %request.method(), "route without a declared access refused");
            (
                StatusCode::FORBIDDEN,
                "accès refusé : cette adresse ne déclare pas qui peut l'utiliser",
            )
                .into_response()
        }
    }
}

/// The request with the person (and on pages the session) in its extensions, or the answer
/// that refuses it.
async fn admit(
    state: &AppState,
    request: Request,
    access: Access,
    api: bool,
) -> Result<Request, Response> {
    let (mut parts, body) = request.into_parts();
    let person = if api {
        let Some(token) = bearer(&parts.headers) else {
            return Err(unauthorised());
        };
        match state.accounts.api_session(&token).await {
            Ok(Some((person, scope))) if scope.allows(parts.method.as_str()) => person,
            Ok(Some(_)) => {
                return Err(forbidden(
                    state,
                    true,
                    "ce jeton d'API est en lecture seule : créez un jeton « lecture et écriture » pour modifier",
                ));
            }
            Ok(None) => return Err(unauthorised()),
            Err(e) => {
                tracing::error!(error = %e, "API token lookup failed");
                return Err(ApiError::internal().into_response());
            }
        }
    } else {
        match session::current(state, &parts.headers).await {
            Some(session) => {
                let person = session.signed_in.clone();
                parts.extensions.insert::<Session>(session);
                person
            }
            None => {
                let back = parts.uri.path();
                return Err((
                    StatusCode::SEE_OTHER,
                    [
                        (header::LOCATION, format!("/connexion?suite={back}")),
                        (header::CACHE_CONTROL, "no-store".to_owned()),
                    ],
                )
                    .into_response());
            }
        }
    };
    let wanted = match access {
        Access::Member => Some(None),
        Access::Role(role) => Some(Some(role)),
        _ => None,
    };
    if let Some(role) = wanted {
        let organisation = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .ok()
            .and_then(|params| {
                params
                    .iter()
                    .find(|(name, _)| *name == "org")
                    .and_then(|(_, value)| value.parse::<i64>().ok())
            });
        let allowed = organisation.is_some_and(|org| {
            person
                .memberships
                .iter()
                .any(|m| m.organisation_id == org && role.is_none_or(|r| m.role == r))
        });
        if !allowed {
            let message = match role {
                None => "cette adresse est réservée aux membres de l'organisation".to_owned(),
                Some(r) => format!(
                    "cette adresse est réservée aux membres de l'organisation qui y ont le rôle « {} »",
                    r.label()
                ),
            };
            return Err(forbidden(state, api, &message));
        }
    }
    parts.extensions.insert::<Person>(person);
    Ok(Request::from_parts(parts, body))
}

/// The personal API token of `Authorization: Bearer …`, if it has the form of one.
fn bearer(headers: &axum::http::HeaderMap) -> Option<essor_store::registry::SecretToken> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    essor_store::registry::SecretToken::parse(token.trim())
}

/// 401 on the API: no valid token.
fn unauthorised() -> Response {
    let mut response = ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: "unauthorized",
        parameter: None,
        detail: "jeton d'API absent, inconnu ou révoqué : créez-en un sur la page « Mon compte » et envoyez-le dans l'en-tête `Authorization: Bearer …`".into(),
    }
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        axum::http::HeaderValue::from_static("Bearer realm=\"essor\""),
    );
    response
}

/// 403: a French page, or a problem document on the API.
fn forbidden(state: &AppState, api: bool, message: &str) -> Response {
    if api {
        return ApiError {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            parameter: None,
            detail: message.to_owned(),
        }
        .into_response();
    }
    crate::pages::errors::forbidden(state, message)
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
