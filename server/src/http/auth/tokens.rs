//! Bearer tokens (`Authorization: Bearer <token>`): the configured set, and the one
//! comparison every check goes through, which takes the same time wherever a guess differs
//! and whichever token it resembles.

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// The tokens accepted on every surface (scripts, Prometheus, the billing feed), the `/db`
/// write token of `--db-api-token-file` among them. `Debug` prints each as `***`.
#[derive(Debug, Clone, Default)]
pub struct BearerTokens(Vec<Secret>);

impl BearerTokens {
    /// The set of `tokens`, duplicates kept (harmless).
    #[must_use]
    pub fn new(tokens: Vec<Secret>) -> Self {
        Self(tokens)
    }

    /// No token configured: the `/db` writes are off.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `given` is one of the tokens. Every token is compared (no early exit), each in
    /// constant time, so the time says nothing about which one came close.
    #[must_use]
    pub fn matches(&self, given: &[u8]) -> bool {
        self.0
            .iter()
            .fold(false, |found, t| same(given, t.expose().as_bytes()) | found)
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
#[must_use]
pub fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, token) = value.split_at(value.iter().position(|b| *b == b' ')?);
    let token = token.trim_ascii();
    (scheme.eq_ignore_ascii_case(b"bearer") && !token.is_empty()).then_some(token)
}

/// Equality that takes the same time wherever the texts differ: both are hashed first (so
/// lengths do not show either), then every byte of the digests is compared.
fn same(a: &[u8], b: &[u8]) -> bool {
    let (x, y) = (Sha256::digest(a), Sha256::digest(b));
    x.iter()
        .zip(y.iter())
        .fold(0_u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn any_configured_token_matches() {
        let tokens = BearerTokens::new(vec![Secret::new("alpha-1"), Secret::new("beta-2")]);
        assert!(tokens.matches(b"alpha-1"));
        assert!(tokens.matches(b"beta-2"));
        assert!(!tokens.matches(b"alpha-"));
        assert!(!tokens.matches(b""));
        assert!(!BearerTokens::default().matches(b"alpha-1"));
        assert!(BearerTokens::default().is_empty());
        assert_eq!(format!("{tokens:?}"), "BearerTokens([***, ***])");
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        assert_eq!(bearer(&headers("Bearer abc")), Some(&b"abc"[..]));
        assert_eq!(bearer(&headers("bEaReR   abc ")), Some(&b"abc"[..]));
        assert_eq!(bearer(&headers("Bearer")), None);
        assert_eq!(bearer(&headers("Bearer  ")), None);
        assert_eq!(bearer(&headers("Basic YTpi")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
