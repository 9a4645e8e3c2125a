//! The API's one error type: every failure is a JSON `{"error": "..."}` with its status code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use app::ssr::BackendError;

/// Why a request got no data.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed: the message says which parameter and why.
    #[error("{0}")]
    BadRequest(String),
    /// Nothing is stored under that id or name.
    #[error("{0}")]
    NotFound(String),
    /// The store failed; the detail goes to the log, the client gets a generic message.
    #[error("the store could not answer")]
    Store(String),
}

impl From<BackendError> for ApiError {
    fn from(e: BackendError) -> Self {
        Self::Store(e.0)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Store(detail) => {
                tracing::warn!(error = %detail, "API query failed.");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let body = serde_json::json!({ "error": self.to_string() });
        (status, Json(body)).into_response()
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<Json<T>, ApiError>;
