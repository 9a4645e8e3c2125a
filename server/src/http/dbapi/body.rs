//! The request side of the `/db` write endpoints, in v2's order of checks: the method
//! (`PUT`/`POST`, else 400 "Invalid method"), then the token, then the body ("Request body
//! required", then JSON). What v2 let crash into a Django 500 (a body that is not JSON, not an
//! object, not UTF-8) is a 400 here.

use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::auth::authorize;
use super::error::DbApiError;
use crate::http::state::AppState;

/// A write request as its handler receives it.
pub(super) struct Write<'a> {
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Write<'_> {
    /// Checks the method against `allowed` and the token.
    pub(super) fn admit(&self, state: &AppState, allowed: &[Method]) -> Result<(), DbApiError> {
        if !allowed.contains(self.method) {
            return Err(DbApiError::BadRequest("Invalid method".into()));
        }
        authorize(state.auth.tokens(), self.headers)
    }

    /// [`Write::admit`] for `PUT`/`POST`, then the body as a JSON object.
    pub(super) fn json(&self, state: &AppState) -> Result<Map<String, Value>, DbApiError> {
        self.admit(state, &[Method::PUT, Method::POST])?;
        if self.body.is_empty() {
            return Err(DbApiError::BadRequest("Request body required".into()));
        }
        let text = std::str::from_utf8(self.body)
            .map_err(|_| DbApiError::BadRequest("Request body is not valid UTF-8.".into()))?;
        match serde_json::from_str(text) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err(DbApiError::BadRequest(
                "Request body must be a JSON object.".into(),
            )),
            Err(e) => Err(DbApiError::BadRequest(format!(
                "Request body is not valid JSON: {e}."
            ))),
        }
    }
}

/// A present, non-null value of `body` (v2's `body.get(key) is not None`).
pub(super) fn present<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    body.get(key).filter(|v| !v.is_null())
}

/// A JSON value as Python's `str()` printed it in v2's messages (strings bare).
pub(super) fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
