//! The response side every `/stacky` handler shares: a JSON answer ([`ok`]) or a
//! [`StackyError`] in v2's error shape, `[["Error", "Message"], [kind, message]]`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::store::StoreError;

/// Why a `/stacky` request failed; answered in v2's error shape.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StackyError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for StackyError {
    fn into_response(self) -> Response {
        let (status, kind, message) = match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad Request", json!(m)),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, "Not Found", json!(m)),
            Self::Store(e) => {
                tracing::warn!(error = %e, "A /stacky query failed.");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    json!("The database could not answer; see the server log."),
                )
            }
        };
        json_response(status, &json!([["Error", "Message"], [kind, message]]))
    }
}

/// An `application/json` answer.
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

/// What every handler returns.
pub(super) type Answer = Result<Response, StackyError>;
