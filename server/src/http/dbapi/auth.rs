//! The bearer token of the `/db` write endpoints. v2 had none (anyone who reached the port
//! could rewrite billing state); here a write needs `Authorization: Bearer <token>` equal to
//! one of the configured tokens (`--db-api-token-file`, `--api-tokens-file` and their
//! variables), whatever the authentication mode of the other surfaces, compared in constant
//! time; no token configured means no writes. Neither a token nor what a client sent is ever
//! logged or echoed.

use axum::http::HeaderMap;

use super::error::DbApiError;
use crate::http::auth::{bearer, BearerTokens};

/// Whether the request may write: `Ok` with a right token; 401 without one, 403 with a
/// wrong one or when writes are disabled.
pub(super) fn authorize(configured: &BearerTokens, headers: &HeaderMap) -> Result<(), DbApiError> {
    if configured.is_empty() {
        return Err(DbApiError::Forbidden(
            "The /db write endpoints are disabled: no token is configured \
             (serve --db-api-token-file FILE, or STACKTACH_DB_API_TOKEN)."
                .into(),
        ));
    }
    let Some(given) = bearer(headers) else {
        return Err(DbApiError::Unauthorized(
            "Authentication required: send 'Authorization: Bearer <token>'.".into(),
        ));
    };
    if configured.matches(given) {
        Ok(())
    } else {
        tracing::warn!("A /db write was refused: wrong bearer token.");
        Err(DbApiError::Forbidden("Invalid token.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use axum::http::header;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn bearer_tokens_are_checked() {
        let token = BearerTokens::new(vec![Secret::new("s3cret")]);
        let none = BearerTokens::default();
        let status = |r: Result<(), DbApiError>| match r {
            Ok(()) => 200,
            Err(DbApiError::Unauthorized(_)) => 401,
            Err(DbApiError::Forbidden(m)) => {
                assert!(!m.contains("s3cret"));
                403
            }
            Err(_) => 0,
        };
        assert_eq!(status(authorize(&token, &headers("Bearer s3cret"))), 200);
        assert_eq!(status(authorize(&token, &headers("bearer  s3cret "))), 200);
        assert_eq!(status(authorize(&token, &headers("Bearer s3cre"))), 403);
        assert_eq!(status(authorize(&token, &headers("Basic czNjcmV0"))), 401);
        assert_eq!(status(authorize(&token, &headers("Bearer"))), 401);
        assert_eq!(status(authorize(&token, &HeaderMap::new())), 401);
        assert_eq!(status(authorize(&none, &headers("Bearer s3cret"))), 403);
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
            let token = BearerTokens::new(vec![Secret::new("s3cret")]);
            assert!(authorize(&token, &headers("Bearer sent-by-client")).is_err());
            assert!(authorize(&token, &HeaderMap::new()).is_err());
        });
        let text = String::from_utf8(log.0.lock().expect("log buffer").clone()).unwrap();
        assert!(text.contains("wrong bearer token"), "{text}");
        assert!(
            !text.contains("s3cret") && !text.contains("sent-by-client"),
            "{text}"
        );
    }
}
