//! What every request goes through before and after its handler (issue 11): security
//! headers on every answer, CORS for reads only, cross-site and oversized writes refused, a
//! rate limit on writes, caps on query strings, and errors kept French and in the API's
//! format whatever produced them.
//!
//! The layers, outermost first, as [`crate::router`] stacks them:
//!
//! 1. [`headers`]: `Content-Security-Policy` (`default-src 'self'`: the pages load nothing
//!    from other sites and have no inline script or style), `X-Content-Type-Options`,
//!    `X-Frame-Options`, `Referrer-Policy`.
//! 2. [`contract`]: an error answer that is not in the format of its side (problem JSON
//!    under `/api/` and `/tiles/`, a French HTML page elsewhere) is rewritten into it: that is
//!    how axum's own rejections (body too large, method not allowed) reach users in French.
//! 3. [`guard`]: CORS (`*` on `GET`/`HEAD` and their preflights only), the caps on the query
//!    string, and for writes the cross-site check, `Content-Type: application/json` on the
//!    API, the body cap and the rate limit.
//! 4. [`policy`], around each matched route: its declared [`policy::Access`]; a route without
//!    one is refused.

/// Error answers in the contract of their side.
pub mod contract;
/// Checks before the handler: CORS, query caps, writes.
pub mod guard;
/// Security headers of every answer.
pub mod headers;
/// Signing in through an OpenID Connect provider (ProConnect): discovery, request, checks.
pub mod oidc;
/// The declared access of every route, enforced.
pub mod policy;
/// The configured public address.
pub mod public_url;
/// Token buckets per address.
pub mod rate;
/// The session cookie and the anti-CSRF token of a signed-in person's forms.
pub mod session;

pub use public_url::PublicUrl;
pub use rate::{RateLimiter, WriteRate};

/// Largest request body, in bytes: a referral with a full profile is under 10 kB.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest query string, in bytes.
pub const QUERY_LIMIT: usize = 8 * 1024;
/// Most parameters in a query string.
pub const PARAMETER_LIMIT: usize = 100;

/// Paths answered in JSON (errors as problem JSON); everything else is a page.
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/tiles/")
}
