//! The security headers of every answer.
//!
//! The policy allows only essor's own files: scripts and styles come from `/assets/`, the
//! map's worker too; `data:` images are the DSFR and MapLibre icons inlined in their CSS, and
//! `blob:` the images and worker MapLibre makes in the browser. No inline script or style
//! attribute is allowed, so an injected `<script>` or `style=` does nothing.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The `Content-Security-Policy` of every answer.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Paths whose pages or answers may carry a secret link: no `Referer` ever leaves them.
fn private(path: &str) -> bool {
    [
        "/mises-en-relation",
        "/api/v1/referrals",
        "/invitation/",
        "/reinitialiser/",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// Adds the headers, keeping a `Referrer-Policy` the handler chose.
pub async fn headers(request: Request, next: Next) -> Response {
    let referrer = if private(request.uri().path()) {
        "no-referrer"
    } else {
        "strict-origin-when-cross-origin"
    };
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static(referrer));
    }
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}
