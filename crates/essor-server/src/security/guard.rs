//! Checks made before any handler runs.
//!
//! **Reads.** `Access-Control-Allow-Origin: *` on `GET` and `HEAD` answers, so that any site
//! may reuse the open data; a preflight is answered only for those methods.
//!
//! **Query strings** over [`QUERY_LIMIT`] bytes (414) or [`PARAMETER_LIMIT`] parameters (400)
//! are refused before anything parses them: a request then costs time linear in its size.
//!
//! **Writes** (any other method):
//! - from a browser on another site, refused (403): a request whose `Sec-Fetch-Site` is not
//!   `same-origin`, or, without that header, whose `Origin` is neither the public address
//!   nor the `Host` it was sent to. A request with neither header does not come from a browser page (every
//!   current browser sends `Origin` with a `POST`), so it cannot ride on a visitor's browser;
//!   scripts and tools keep working. Public forms carry no token (there is no session to
//!   bind one to): the `Origin` check covers every browser that follows the Fetch standard;
//!   the forms of a signed-in person carry, on top of it, an anti-CSRF token derived from
//!   the session (`super::session`), and the API takes no cookie at all (API tokens only).
//! - on the API, `POST`, `PUT` and `PATCH` need `Content-Type: application/json` (415): no
//!   such body can be sent cross-site without a preflight, which is refused;
//! - a body announced over [`BODY_LIMIT`] is refused (413) before it is read; a chunked body
//!   is cut at the same size by the extractors (`DefaultBodyLimit`);
//! - each address gets [`WriteRate`](super::WriteRate) writes a minute (429 and
//!   `Retry-After`), except `POST /api/v1/orientation`, which computes and stores nothing.

use super::{BODY_LIMIT, PARAMETER_LIMIT, QUERY_LIMIT, RateLimiter, is_api};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Writes that change nothing, so are not rate-limited.
const READ_ONLY_POSTS: &[&str] = &["/api/v1/orientation"];

/// What the guard needs: the state (public address, pages) and the buckets of this router.
#[derive(Debug)]
pub struct Guard {
    pub state: AppState,
    pub limiter: RateLimiter,
}

impl Guard {
    pub fn new(state: AppState) -> Self {
        Self {
            limiter: RateLimiter::new(state.write_rate),
            state,
        }
    }

    /// The refusal in the format of the path's side.
    fn refuse(&self, path: &str, error: ApiError) -> Response {
        if is_api(path) {
            error.into_response()
        } else {
            crate::pages::errors::from_api(&self.state, error)
        }
    }
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
}

/// The middleware.
pub async fn guard(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    if method == Method::OPTIONS
        && let Some(wanted) = request.headers().get(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return preflight(&guard, &path, wanted);
    }
    if let Some(error) = query_error(request.uri().query().unwrap_or_default()) {
        return cors(&method, guard.refuse(&path, error));
    }
    if !is_read(&method) && method != Method::OPTIONS {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if let Err(error) = write_error(&guard, &method, &path, request.headers(), peer) {
            let mut response = guard.refuse(&path, error.0);
            if let Some(wait) = error.1 {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            }
            return response;
        }
    }
    cors(&method, next.run(request).await)
}

/// `*` on reads; nothing on writes, whatever a handler set.
fn cors(method: &Method, mut response: Response) -> Response {
    if is_read(method) {
        response.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    } else {
        response
            .headers_mut()
            .remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
    }
    response
}

/// A preflight: allowed for reads, refused for writes.
fn preflight(guard: &Guard, path: &str, wanted: &HeaderValue) -> Response {
    let wanted = wanted.to_str().unwrap_or_default().trim();
    if wanted.eq_ignore_ascii_case("GET") || wanted.eq_ignore_ascii_case("HEAD") {
        return (
            StatusCode::NO_CONTENT,
            [
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD"),
                (header::ACCESS_CONTROL_MAX_AGE, "86400"),
            ],
        )
            .into_response();
    }
    guard.refuse(
        path,
        ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site_write",
            format!(
                "écriture ({wanted}) depuis un autre site refusée : l'API n'accepte d'un autre site que les lectures (GET, HEAD)"
            ),
        ),
    )
}

/// Whether a query string is within the caps, counted without decoding it.
pub fn query_error(query: &str) -> Option<ApiError> {
    if query.len() > QUERY_LIMIT {
        return Some(ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!(
                "chaîne de requête trop longue : {} octets, {QUERY_LIMIT} au plus",
                query.len()
            ),
        ));
    }
    let count = query.split('&').filter(|p| !p.is_empty()).count();
    (count > PARAMETER_LIMIT).then(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "too_many_parameters",
            format!("trop de paramètres : {count}, {PARAMETER_LIMIT} au plus"),
        )
    })
}

type Refusal = (ApiError, Option<u64>);

fn write_error(
    guard: &Guard,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    peer: Option<std::net::IpAddr>,
) -> Result<(), Refusal> {
    if let Some(origin) = foreign_origin(guard, headers) {
        return Err((
            ApiError::new(
                StatusCode::FORBIDDEN,
                "cross_site_write",
                format!(
                    "écriture depuis un autre site ({origin}) refusée : envoyez le formulaire depuis les pages d'essor"
                ),
            ),
            None,
        ));
    }
    let has_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    if is_api(path) && has_body && !is_json(headers) {
        let given = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("aucun");
        return Err((
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "type de contenu « {given} » refusé : envoyez le corps en JSON avec l'en-tête Content-Type: application/json"
                ),
            ),
            None,
        ));
    }
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err((too_large(), None));
    }
    if !READ_ONLY_POSTS.contains(&path)
        && let Err(wait) = guard.limiter.take(peer, Instant::now())
    {
        let seconds = wait.as_secs() + 1;
        return Err((
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!(
                    "trop d'écritures depuis cette adresse : {} par minute au plus ; réessayez dans {seconds} s",
                    guard.state.write_rate.per_minute
                ),
            ),
            Some(seconds),
        ));
    }
    Ok(())
}

/// The 413 of a body over [`BODY_LIMIT`].
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "corps de requête trop volumineux : {} Kio au plus",
            BODY_LIMIT / 1024
        ),
    )
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// The origin of a cross-site browser request, `None` when same-origin or not a browser's.
///
/// `Sec-Fetch-Site`, which no page can set, decides when present: a form posted from a page
/// sent with `Referrer-Policy: no-referrer` (the referral pages) carries `Origin: null` even
/// on its own site. Without it (browsers before 2021-2023), `Origin` must be the public
/// address or the `Host` the request was sent to.
fn foreign_origin(guard: &Guard, headers: &HeaderMap) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if matches!(site, "same-origin" | "none") {
            return None;
        }
        let origin = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(site);
        return Some(origin.to_owned());
    }
    let origin = headers.get(header::ORIGIN)?;
    let origin = origin.to_str().unwrap_or("?").trim();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let authority = origin.split_once("://").map(|(_, a)| a);
    let same_host = authority.is_some_and(|a| host.is_some_and(|h| a.eq_ignore_ascii_case(h)));
    let public = guard
        .state
        .public_url
        .as_ref()
        .is_some_and(|u| origin.eq_ignore_ascii_case(u.origin()));
    (!(same_host || public)).then(|| origin.to_owned())
}
