//! Secret tokens: the link of a referral (what lets an operator act on it without an
//! account), the cookie of a signed-in session, and the single-use links of an invitation or
//! a password reset ([`super::invitations`]).
//!
//! A token is 32 bytes (256 bits) from the operating system's random generator, written as
//! 64 lowercase hexadecimal digits. The registry stores only its SHA-256 hash, so a copy of
//! the database does not give the links away. The token's `Debug` never shows it (habit of
//! crates.io's `PlainToken`), and it has no `Display`: the one way to read it is
//! [`SecretToken::expose`], called where the link (or cookie) is handed to whoever created the
//! referral or signed in.

use sha2::{Digest, Sha256};
use std::fmt;

/// Bytes of randomness in a token (256 bits, above the 128 the design requires).
const TOKEN_BYTES: usize = 32;

/// A secret token (a referral's link, a session's cookie).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

/// A referral's secret link.
pub type ReferralToken = SecretToken;
/// A signed-in session's cookie.
pub type SessionToken = SecretToken;

impl SecretToken {
    /// A new token from the OS random generator.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(hex(&bytes)))
    }

    /// Reads a token as it appears in a link. `None` unless it has the exact form of a token
    /// (64 lowercase hexadecimal digits), so nothing else ever reaches the database.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == TOKEN_BYTES * 2
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Self(text.to_owned()))
    }

    /// The token itself, to build the link shown once to whoever created the referral.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the registry stores and looks up: SHA-256 of the token, in hexadecimal.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }

    /// A value bound to this token for one `purpose` (the anti-CSRF token of a session's
    /// forms): SHA-256 of the purpose and the token, in hexadecimal. It cannot be turned back
    /// into the token, nor made without it.
    pub fn derive(&self, purpose: &str) -> String {
        hex(&Sha256::digest(format!("{purpose}:{}", self.0).as_bytes()))
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<secret>)")
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_well_formed_and_hidden_from_debug() {
        let a = ReferralToken::generate().unwrap();
        let b = ReferralToken::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64);
        assert_eq!(ReferralToken::parse(a.expose()), Some(a.clone()));
        let debug = format!("{a:?} {:?}", Some(&a));
        assert!(!debug.contains(a.expose()), "{debug}");
        assert!(!debug.contains(&a.expose()[..8]), "{debug}");
    }

    #[test]
    fn only_the_exact_form_parses() {
        assert!(ReferralToken::parse(&"0".repeat(64)).is_some());
        for bad in [
            "",
            "abc",
            &"0".repeat(63),
            &"A".repeat(64),
            &"g".repeat(64),
            &format!("{}'", "0".repeat(63)),
        ] {
            assert!(ReferralToken::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_hash_is_sha256_of_the_token_text() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            SecretToken("abc".into()).hash(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
