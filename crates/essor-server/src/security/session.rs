//! The session cookie of a signed-in person: `essor_session`, holding a secret token of
//! which the registry keeps only the hash. `HttpOnly` (no script reads it), `SameSite=Lax`
//! (not sent with cross-site writes), `Path=/`, `Secure` when the server's public address is
//! https, and as long-lived as the session itself. Forms of a signed-in person carry an
//! anti-CSRF token derived from the session's ([`csrf`]), checked on every write they make,
//! on top of the guard's `Origin`/`Sec-Fetch-Site` check.

use crate::AppState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use essor_store::registry::{SecretToken, SessionToken, SignedIn};

/// The cookie's name.
pub const COOKIE: &str = "essor_session";

/// A signed-in request: the person and the session's token (put in the request's extensions
/// by the policy layer on routes that need a session).
#[derive(Debug, Clone)]
pub struct Session {
    pub token: SessionToken,
    pub signed_in: SignedIn,
}

impl Session {
    /// The anti-CSRF token of this session's forms.
    pub fn csrf(&self) -> String {
        csrf(&self.token)
    }

    /// Checks the anti-CSRF token of a form this session posted (`csrf` field): `None` when
    /// it is right, else the French 403 that refuses the form.
    pub fn refuse_forged(&self, form: &crate::pages::form::Fields) -> Option<Response> {
        let sent = form.get("csrf");
        if sent == self.csrf() {
            return None;
        }
        Some(
            (
                StatusCode::FORBIDDEN,
                crate::api::referrals::PRIVATE,
                "jeton anti-falsification absent ou faux : rechargez la page puis recommencez",
            )
                .into_response(),
        )
    }
}

/// The anti-CSRF token of a session's forms.
pub fn csrf(token: &SessionToken) -> String {
    token.derive("csrf")
}

/// The session token a request carries, if it has the form of one.
pub fn token(headers: &HeaderMap) -> Option<SessionToken> {
    secret_cookie(headers, COOKIE)
}

/// The secret token in the cookie `name` of a request, if it has the form of one (the
/// session's, or that of an OpenID Connect sign-in under way).
pub fn secret_cookie(headers: &HeaderMap, name: &str) -> Option<SecretToken> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .and_then(|(_, value)| SecretToken::parse(value.trim()))
}

/// The open session of a request, if any.
pub async fn current(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let token = token(headers)?;
    match state.accounts.session(&token).await {
        Ok(Some(signed_in)) => Some(Session { token, signed_in }),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            None
        }
    }
}

/// `; Secure` when the public address is https (a cookie then never travels in clear).
pub(crate) fn secure(state: &AppState) -> &'static str {
    match &state.public_url {
        Some(url) if url.origin().starts_with("https://") => "; Secure",
        _ => "",
    }
}

/// The `Set-Cookie` that opens a session for `seconds`.
pub fn open(state: &AppState, token: &SessionToken, seconds: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={seconds}{}",
        token.expose(),
        secure(state)
    ))
    .expect("a token is ASCII")
}

/// The `Set-Cookie` that forgets the session.
pub fn close(state: &AppState) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure(state)
    ))
    .expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_among_other_cookies_and_nothing_else_passes() {
        let token = SessionToken::generate().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("theme=sombre; {COOKIE}={}; x=1", token.expose()))
                .unwrap(),
        );
        assert_eq!(super::token(&headers), Some(token.clone()));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("essor_session=pas-un-jeton"),
        );
        assert_eq!(super::token(&headers), None);
        assert_ne!(csrf(&token), token.expose());
        assert_eq!(csrf(&token).len(), 64);
    }
}
