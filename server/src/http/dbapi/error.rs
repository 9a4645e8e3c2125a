//! The response side every `/db` handler shares: v2's error envelope
//! `{"message": "...", "status": N}` ([`DbApiError`]), JSON answers and the empty 200 the write
//! endpoints answer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::store::StoreError;

/// Why a `/db` request failed; answered as `{"message": …, "status": …}`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbApiError {
    #[error("{0}")]
    BadRequest(String),
    /// No `Authorization: Bearer …` on a write (answered with `WWW-Authenticate: Bearer`).
    #[error("{0}")]
    Unauthorized(String),
    /// A wrong token, or writes disabled because no token is configured.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// v2's `APIException`: a 500 with its own text (several exists for one message id).
    #[error("{0}")]
    Server(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for DbApiError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            Self::Unauthorized(m) => (StatusCode::UNAUTHORIZED, m),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Self::Server(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
            Self::Store(e) => {
                tracing::warn!(error = %e, "A /db request failed in the database.");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The database could not answer; see the server log.".to_string(),
                )
            }
        };
        let body = json!({"message": message, "status": status.as_u16()});
        let mut response = json_response(status, &body);
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"stacktach-db\""),
            );
        }
        response
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A 200 `application/json` answer.
pub(super) fn ok(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

/// v2's answer to a successful write: 200, `application/json`, no body.
pub(super) fn ok_empty() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        "",
    )
        .into_response()
}

/// What every handler returns.
pub(super) type Answer = Result<Response, DbApiError>;

/// The 404 of a path parameter v2's URL patterns would not have matched.
pub(super) fn no_route() -> DbApiError {
    DbApiError::NotFound("Not Found".into())
}
