//! [`require`]: the router-level layer that authenticates every request before any handler
//! runs — pages, server functions, static files, the `/live/ws` upgrade (refused before it
//! happens), `/stacky`, `/api/v1`, `/db` and `/metrics`. Only `/healthz` stays open, for load
//! balancers. Refusals are answered 401 (with the mode's challenge, so a browser shows its
//! prompt), 403 (a user header from an untrusted address) or 429 (too many failures), and
//! logged with the client, the path and the claimed user, never a password or a token.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::authenticator::{Authenticator, Refusal};
use crate::config::auth::AuthMode;

/// The path that stays open in every mode.
const OPEN_PATH: &str = "/healthz";

/// Lets the request through once the authenticator accepts it; answers the refusal else.
pub async fn require(
    State(auth): State<Arc<Authenticator>>,
    request: Request,
    next: Next,
) -> Response {
    if auth.mode() == AuthMode::None || request.uri().path() == OPEN_PATH {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let decision = auth.decide(peer, request.headers()).await;
    match decision.outcome {
        Ok(_) => next.run(request).await,
        Err(refusal) => {
            let client = decision
                .client
                .map_or_else(|| "unknown".to_owned(), |c| c.to_string());
            log(&refusal, &client, request.uri().path());
            refuse(auth.mode(), &refusal)
        }
    }
}

/// One line per refusal worth an operator's eye; a browser's first, credential-less request
/// is only a debug line.
fn log(refusal: &Refusal, client: &str, path: &str) {
    match refusal {
        Refusal::Missing => {
            tracing::debug!(client = %client, path = %path, "Authentication required: no credentials.");
        }
        Refusal::Unsupported => {
            tracing::info!(
                client = %client,
                path = %path,
                "Authentication failed: credentials of a kind this mode does not take."
            );
        }
        Refusal::Wrong { user: Some(user) } => {
            tracing::warn!(client = %client, path = %path, user = ?user, "Authentication failed: wrong user name or password.");
        }
        Refusal::Wrong { user: None } => {
            tracing::warn!(client = %client, path = %path, "Authentication failed: wrong bearer token.");
        }
        Refusal::Untrusted { user } => {
            tracing::warn!(client = %client, path = %path, user = ?user, "Authentication refused: the user header came from an address that is not a trusted proxy.");
        }
        Refusal::Blocked { retry_after } => {
            tracing::debug!(
                client = %client,
                path = %path,
                retry_after = retry_after.as_secs(),
                "Authentication refused: too many failures."
            );
        }
    }
}

/// The answer to a refusal.
fn refuse(mode: AuthMode, refusal: &Refusal) -> Response {
    match refusal {
        Refusal::Untrusted { .. } => (
            StatusCode::FORBIDDEN,
            "Forbidden: only a trusted proxy may name the user.\n",
        )
            .into_response(),
        Refusal::Blocked { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after.as_secs().to_string())],
            "Too many failed attempts; try again later.\n",
        )
            .into_response(),
        Refusal::Missing | Refusal::Unsupported | Refusal::Wrong { .. } => {
            let mut response =
                (StatusCode::UNAUTHORIZED, "Authentication required.\n").into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge(mode));
            response
        }
    }
}

/// Basic (the browser prompts) in mode `basic`; Bearer in mode `proxy`, where a browser
/// should come back through the proxy rather than be prompted.
fn challenge(mode: AuthMode) -> HeaderValue {
    match mode {
        AuthMode::Basic => HeaderValue::from_static("Basic realm=\"StackTach\", charset=\"UTF-8\""),
        AuthMode::Proxy | AuthMode::None => HeaderValue::from_static("Bearer realm=\"StackTach\""),
    }
}
