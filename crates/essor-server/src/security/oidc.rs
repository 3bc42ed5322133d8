//! Signing in through an OpenID Connect provider (ProConnect, the State's identity federation
//! for public agents, or any provider by configuration), the protocol's half: discovery at
//! startup, the authorization request (code flow with PKCE S256, state and nonce), and on the
//! way back the code exchanged for an ID token whose signature, issuer, audience, nonce and
//! expiry are checked (the `openidconnect` crate). What it yields, a [`ProviderIdentity`], goes
//! to the registry, which links it to an account or refuses it
//! (`essor_store::registry::oidc`).
//!
//! **Where the state, nonce and PKCE verifier live.** The browser that starts a sign-in gets
//! a fresh [`SecretToken`] in an `HttpOnly`, `SameSite=Lax` cookie ([`COOKIE`], 10 minutes,
//! path `/connexion/oidc`); the state, the nonce and the verifier are derived from it
//! ([`SecretToken::derive`], one purpose each), and the registry keeps a row with the secret's
//! hash only. On the way back the state must be the one derived from the cookie (so a
//! provider's answer only signs in the browser that asked: no login CSRF), and the row is
//! taken once within 10 minutes (no replay). Neither the cookie alone (the row is single-use
//! and server-side) nor the database alone (it holds no secret) can finish a sign-in; and the
//! verifier never travels through the browser's address bar, where the state does.
//!
//! The provider is reached over HTTPS (rustls), without following redirections; plain `http`
//! is accepted for a provider on loopback only (tests).

use crate::AppState;
use crate::security::PublicUrl;
use crate::security::session::secure;
use axum::http::HeaderValue;
use essor_store::registry::{ProviderIdentity, SecretToken};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreProviderMetadata,
};
use openidconnect::url::{Host, Url};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, reqwest,
};
use std::fmt;
use std::time::Duration;

/// The cookie holding the secret of a sign-in under way.
pub const COOKIE: &str = "essor_oidc";
/// The path of that cookie: the start and the return of a sign-in.
pub const COOKIE_PATH: &str = "/connexion/oidc";
/// Where the provider sends the browser back, under the public address.
pub const RETURN_PATH: &str = "/connexion/oidc/retour";
/// The cookie's lifetime, as the registry's row ([`essor_store::registry::oidc::LOGIN_MINUTES`]).
pub const COOKIE_SECONDS: i64 = essor_store::registry::oidc::LOGIN_MINUTES * 60;
/// How long a call to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(15);

/// What `essor serve --oidc-*` configures.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer (`https://…`), whose `/.well-known/openid-configuration` is read at startup.
    pub issuer: String,
    pub client_id: String,
    /// From the environment only, never the command line.
    pub client_secret: String,
    /// The button's text (« ProConnect »).
    pub label: String,
    /// Scopes asked for besides `openid` (`email`; `given_name`, `usual_name` for ProConnect).
    pub scopes: Vec<String>,
    /// Take the provider's address as verified when it says nothing (`email_verified` absent),
    /// for a provider that only ever gives verified addresses (ProConnect). An explicit
    /// `email_verified: false` is never overridden.
    pub trust_email: bool,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<secret>")
            .field("label", &self.label)
            .field("scopes", &self.scopes)
            .field("trust_email", &self.trust_email)
            .finish()
    }
}

/// Why a sign-in through the provider failed. The messages are for the log and the operator
/// (startup); a person is shown a short French page that gives no token's details.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OidcError {
    #[error(
        "fournisseur OpenID Connect « {0} » : adresse https:// attendue (http:// seulement sur la boucle locale, pour les essais)"
    )]
    Issuer(String),
    #[error(
        "fournisseur OpenID Connect {issuer} : découverte impossible ({reason}) ; vérifiez --oidc-issuer et que {issuer}/.well-known/openid-configuration répond"
    )]
    Discovery { issuer: String, reason: String },
    #[error("fournisseur OpenID Connect : {0}")]
    Client(String),
    #[error("OpenID Connect code exchange failed: {0}")]
    Exchange(String),
    #[error("OpenID Connect ID token refused: {0}")]
    IdToken(String),
    #[error("OpenID Connect userinfo failed: {0}")]
    UserInfo(String),
}

/// The client of the discovered provider.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A discovered provider, ready to send people to and to check what comes back.
pub struct Oidc {
    client: Client,
    http: reqwest::Client,
    issuer: String,
    label: String,
    scopes: Vec<String>,
    trust_email: bool,
}

impl fmt::Debug for Oidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.issuer)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// The issuer's address, checked: https, or http on loopback.
fn issuer_url(text: &str) -> Result<IssuerUrl, OidcError> {
    let text = text.trim();
    let bad = || OidcError::Issuer(text.to_owned());
    let url = Url::parse(text).map_err(|_| bad())?;
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => return Err(bad()),
    };
    let ok = match url.scheme() {
        "https" => true,
        "http" => loopback,
        _ => false,
    };
    if !ok || !url.username().is_empty() || url.query().is_some() || url.fragment().is_some() {
        return Err(bad());
    }
    IssuerUrl::new(text.to_owned()).map_err(|_| bad())
}

/// The `Set-Cookie` that hands a browser the secret of its sign-in under way.
pub fn open_cookie(state: &AppState, secret: &SecretToken) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path={COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age={COOKIE_SECONDS}{}",
        secret.expose(),
        secure(state)
    ))
    .expect("a token is ASCII")
}

/// The `Set-Cookie` that forgets it (the sign-in is over, either way).
pub fn close_cookie(state: &AppState) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path={COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=0{}",
        secure(state)
    ))
    .expect("ASCII")
}

/// The state sent to the provider for the sign-in of `secret`.
pub fn state_of(secret: &SecretToken) -> String {
    secret.derive("oidc-state")
}

fn nonce_of(secret: &SecretToken) -> Nonce {
    Nonce::new(secret.derive("oidc-nonce"))
}

/// The PKCE verifier: 64 hexadecimal digits, within RFC 7636's 43 to 128 unreserved
/// characters.
fn verifier_of(secret: &SecretToken) -> PkceCodeVerifier {
    PkceCodeVerifier::new(secret.derive("oidc-pkce"))
}

/// A short description of an error and its causes, for the log.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl Oidc {
    /// Reads the provider's discovery document and keys, for a site whose public address is
    /// `public_url` (the return address is [`RETURN_PATH`] under it).
    pub async fn discover(config: OidcConfig, public_url: &PublicUrl) -> Result<Self, OidcError> {
        let issuer = issuer_url(&config.issuer)?;
        let http = reqwest::Client::builder()
            // Following redirections would let a provider's answer send essor elsewhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Client(chain(&e)))?;
        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|e| OidcError::Discovery {
                issuer: issuer.to_string(),
                reason: chain(&e),
            })?;
        // client_secret_basic unless the provider only takes the secret in the body.
        let methods = metadata.token_endpoint_auth_methods_supported().cloned();
        let auth_type = match methods {
            Some(m)
                if !m.contains(&CoreClientAuthMethod::ClientSecretBasic)
                    && m.contains(&CoreClientAuthMethod::ClientSecretPost) =>
            {
                AuthType::RequestBody
            }
            _ => AuthType::BasicAuth,
        };
        let redirect = RedirectUrl::new(public_url.join(RETURN_PATH))
            .map_err(|e| OidcError::Client(format!("adresse de retour : {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id),
            Some(ClientSecret::new(config.client_secret)),
        )
        .set_redirect_uri(redirect)
        .set_auth_type(auth_type);
        Ok(Self {
            client,
            http,
            issuer: issuer.to_string(),
            label: config.label,
            scopes: config.scopes,
            trust_email: config.trust_email,
        })
    }

    /// The button's text.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The issuer, as configured and as the provider's document confirms it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The provider's authorization address for the sign-in of `secret`.
    pub fn authorization_url(&self, secret: &SecretToken) -> String {
        let state = state_of(secret);
        let nonce = nonce_of(secret);
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier_of(secret));
        let mut request = self
            .client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                move || nonce,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        request.url().0.to_string()
    }

    /// Exchanges `code` (with the verifier of `secret`) for the ID token, checks it (signature,
    /// issuer, audience, expiry, and the nonce of `secret`), and reads the address from it, or
    /// from the userinfo endpoint when the token carries none (ProConnect's case).
    pub async fn identity(
        &self,
        secret: &SecretToken,
        code: &str,
    ) -> Result<ProviderIdentity, OidcError> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Exchange(chain(&e)))?
            .set_pkce_verifier(verifier_of(secret))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(chain(&e)))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| OidcError::IdToken("no id_token in the token response".into()))?;
        let claims = id_token
            .claims(&self.client.id_token_verifier(), &nonce_of(secret))
            .map_err(|e| OidcError::IdToken(chain(&e)))?;
        let subject = claims.subject().clone();
        let (email, verified) = match claims.email() {
            Some(email) => (Some(email.to_string()), claims.email_verified()),
            None => {
                let info: openidconnect::UserInfoClaims<
                    openidconnect::EmptyAdditionalClaims,
                    openidconnect::core::CoreGenderClaim,
                > = self
                    .client
                    .user_info(response.access_token().clone(), Some(subject.clone()))
                    .map_err(|e| OidcError::UserInfo(chain(&e)))?
                    .request_async(&self.http)
                    .await
                    .map_err(|e| OidcError::UserInfo(chain(&e)))?;
                (info.email().map(|e| e.to_string()), info.email_verified())
            }
        };
        Ok(ProviderIdentity {
            issuer: claims.issuer().to_string(),
            subject: subject.to_string(),
            email,
            email_verified: verified.unwrap_or(self.trust_email),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_or_http_on_loopback_only() {
        for ok in [
            "https://auth.agentconnect.gouv.fr/api/v2",
            "http://127.0.0.1:4000",
            "http://[::1]:4000",
            "http://localhost:4000",
        ] {
            assert!(issuer_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://auth.example.fr",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "auth.example.fr",
            "https://user@auth.example.fr",
            "https://auth.example.fr/?x=1",
        ] {
            let err = issuer_url(bad).unwrap_err().to_string();
            assert!(err.contains("adresse https:// attendue"), "{bad}: {err}");
        }
    }

    #[test]
    fn state_nonce_and_verifier_are_distinct_derivations_of_the_secret() {
        let secret = SecretToken::generate().unwrap();
        let (state, nonce, verifier) = (
            state_of(&secret),
            nonce_of(&secret).secret().clone(),
            verifier_of(&secret).secret().clone(),
        );
        assert_ne!(state, nonce);
        assert_ne!(state, verifier);
        assert_ne!(nonce, verifier);
        for derived in [&state, &nonce, &verifier] {
            assert!(!derived.contains(secret.expose()));
        }
        assert_eq!(verifier.len(), 64, "RFC 7636: 43 to 128 characters");
        let config = OidcConfig {
            issuer: "https://a.fr".into(),
            client_id: "essor".into(),
            client_secret: "très-secret".into(),
            label: "ProConnect".into(),
            scopes: vec!["email".into()],
            trust_email: false,
        };
        assert!(!format!("{config:?}").contains("très-secret"));
    }
}
