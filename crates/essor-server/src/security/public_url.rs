//! The site's public address, from configuration only.
//!
//! Absolute links (a referral's secret link, the shareable address of an orientation) are
//! built from this base and never from the request's `Host` or `X-Forwarded-Proto`: both are
//! chosen by whoever sends the request, so trusting them lets a stranger put
//! `javascript:` or their own host in a link that essor hands to someone else (issue 11).

use axum::http::Uri;
use std::fmt;
use std::net::SocketAddr;

/// An `http(s)://host[:port][/prefix]` base, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    base: String,
    /// `scheme://authority`, what a browser sends as `Origin`.
    origin: String,
}

impl PublicUrl {
    /// Reads `--public-url`: http or https, a host, no query or fragment.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().trim_end_matches('/');
        let uri: Uri = text.parse().map_err(|_| {
            format!("« {text} » n'est pas une adresse, ex. https://essor.example.fr")
        })?;
        let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!(
                "« {text} » : adresse http:// ou https:// attendue, ex. https://essor.example.fr"
            ));
        }
        let Some(authority) = uri.authority().filter(|a| !a.host().is_empty()) else {
            return Err(format!("« {text} » : nom d'hôte manquant"));
        };
        if authority.as_str().contains('@') {
            return Err(format!(
                "« {text} » : identifiants interdits dans l'adresse"
            ));
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(format!(
                "« {text} » : ni « ? » ni « # » dans l'adresse publique"
            ));
        }
        let authority = authority.as_str().to_ascii_lowercase();
        let path = uri.path().trim_end_matches('/');
        Ok(Self {
            base: format!("{scheme}://{authority}{path}"),
            origin: format!("{scheme}://{authority}"),
        })
    }

    /// The address of a server listening on `addr` when no public address was given: a
    /// wildcard address becomes `localhost`, the only name sure to reach it.
    pub fn local(addr: SocketAddr) -> Self {
        let host = match addr.ip() {
            ip if ip.is_unspecified() => "localhost".to_owned(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        let origin = format!("http://{host}:{}", addr.port());
        Self {
            base: origin.clone(),
            origin,
        }
    }

    /// The absolute address of `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `scheme://host[:port]`, compared with a request's `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

impl std::str::FromStr for PublicUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::PublicUrl;

    #[test]
    fn a_public_url_keeps_its_prefix_and_gives_its_origin() {
        let u = PublicUrl::parse("https://Essor.Example.fr/ess/").unwrap();
        assert_eq!(
            u.join("/orientation"),
            "https://essor.example.fr/ess/orientation"
        );
        assert_eq!(u.origin(), "https://essor.example.fr");
    }

    #[test]
    fn only_http_and_https_addresses_are_public_urls() {
        for bad in [
            "javascript:alert(1)",
            "ftp://example.fr",
            "essor.example.fr",
            "https://a@b.fr",
            "https://b.fr/?q=1",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_wildcard_listening_address_becomes_localhost() {
        let u = PublicUrl::local("0.0.0.0:8080".parse().unwrap());
        assert_eq!(u.join("/x"), "http://localhost:8080/x");
        let u = PublicUrl::local("[::1]:3000".parse().unwrap());
        assert_eq!(u.origin(), "http://[::1]:3000");
    }
}
