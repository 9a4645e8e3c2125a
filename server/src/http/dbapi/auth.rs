//! The bearer token of the `/db` write endpoints. v2 had none (anyone who reached the port
//! could rewrite billing state); here a write needs `Authorization: Bearer <token>` equal to
//! the configured token, compared in constant time, and no token configured means no writes.
//! Neither the token nor what a client sent is ever logged or echoed.

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use super::error::DbApiError;
use crate::config::Secret;

/// Whether the request may write: `Ok` with the right token; 401 without one, 403 with a
/// wrong one or when writes are disabled.
pub(super) fn authorize(
    configured: Option<&Secret>,
    headers: &HeaderMap,
) -> Result<(), DbApiError> {
    let Some(expected) = configured else {
        return Err(DbApiError::Forbidden(
            "The /db write endpoints are disabled: no token is configured \
             (serve --db-api-token-file FILE, or STACKTACH_DB_API_TOKEN)."
                .into(),
        ));
    };
    let Some(given) = bearer(headers) else {
        return Err(DbApiError::Unauthorized(
            "Authentication required: send 'Authorization: Bearer <token>'.".into(),
        ));
    };
    if same(given, expected.expose().as_bytes()) {
        Ok(())
    } else {
        tracing::warn!("A /db write was refused: wrong bearer token.");
        Err(DbApiError::Forbidden("Invalid token.".into()))
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
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
    fn bearer_tokens_are_checked() {
        let token = Secret::new("s3cret");
        let status = |r: Result<(), DbApiError>| match r {
            Ok(()) => 200,
            Err(DbApiError::Unauthorized(_)) => 401,
            Err(DbApiError::Forbidden(m)) => {
                assert!(!m.contains("s3cret"));
                403
            }
            Err(_) => 0,
        };
        assert_eq!(
            status(authorize(Some(&token), &headers("Bearer s3cret"))),
            200
        );
        assert_eq!(
            status(authorize(Some(&token), &headers("bearer  s3cret "))),
            200
        );
        assert_eq!(
            status(authorize(Some(&token), &headers("Bearer s3cre"))),
            403
        );
        assert_eq!(
            status(authorize(Some(&token), &headers("Basic czNjcmV0"))),
            401
        );
        assert_eq!(status(authorize(Some(&token), &headers("Bearer"))), 401);
        assert_eq!(status(authorize(Some(&token), &HeaderMap::new())), 401);
        assert_eq!(status(authorize(None, &headers("Bearer s3cret"))), 403);
    }

    /// Captured log output.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("log buffer").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn refusals_log_neither_token() {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            // Other tests' threads may have cached these callsites as uninteresting while no
            // subscriber of theirs wanted them: ask every callsite again, now that ours is set.
            tracing::callsite::rebuild_interest_cache();
            let token = Secret::new("s3cret");
            assert!(authorize(Some(&token), &headers("Bearer sent-by-client")).is_err());
            assert!(authorize(Some(&token), &HeaderMap::new()).is_err());
        });
        let text = String::from_utf8(log.0.lock().expect("log buffer").clone()).unwrap();
        assert!(text.contains("wrong bearer token"), "{text}");
        assert!(
            !text.contains("s3cret") && !text.contains("sent-by-client"),
            "{text}"
        );
    }
}
