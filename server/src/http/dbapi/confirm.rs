//! `PUT|POST /db/confirm/usage/exists/<message_id>/` and its `batch`: the billing feed's
//! receipts (`send_status`, and `event_id` from version 2), v2's texts and codes. The whole
//! batch is checked before anything is written; each service is then one transaction, and a
//! receipt that matches nothing (or several nova exists) is logged and skipped, as v2 did.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::body::{present, Write};
use super::error::{no_route, ok_empty, Answer, DbApiError};
use crate::http::state::AppState;
use crate::store::dbapi::{ConfirmOutcome, ExistsService, Receipt};

fn bad(message: impl Into<String>) -> DbApiError {
    DbApiError::BadRequest(message.into())
}

/// v2's `[\w\-]+` message id (ASCII word characters and hyphens).
fn is_message_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The single confirm, or the batch when the id is `batch`.
pub(super) async fn confirm(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(message_id): Path<String>,
    body: Bytes,
) -> Answer {
    if !is_message_id(&message_id) {
        return Err(no_route());
    }
    let write = Write {
        method: &method,
        headers: &headers,
        body: &body,
    };
    let body = write.json(&state)?;
    if message_id == "batch" {
        return batch(&state, &body).await;
    }
    let send_status = present(&body, "send_status")
        .ok_or_else(|| bad("'send_status' missing from request body"))?;
    let send_status = send_status
        .as_i64()
        .ok_or_else(|| bad("'send_status' must be an integer"))?;
    match state
        .store
        .db_confirm_exists(&message_id, send_status)
        .await?
    {
        ConfirmOutcome::Updated => Ok(ok_empty()),
        ConfirmOutcome::NotFound => Err(DbApiError::NotFound(format!(
            "Could not find Exists record with message_id = '{message_id}'"
        ))),
        ConfirmOutcome::Multiple => Err(DbApiError::Server(format!(
            "Multiple Exists records with message_id = '{message_id}'"
        ))),
    }
}

/// The batch's `version`: 0 when absent; `None` for one v2 ignored.
fn version(body: &Map<String, Value>) -> Option<u8> {
    match body.get("version") {
        None => Some(0),
        // Python compared with ==: 1.0 and True are 1.
        Some(Value::Bool(b)) => Some(u8::from(*b)),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(0.0) => Some(0),
            Some(1.0) => Some(1),
            Some(2.0) => Some(2),
            _ => None,
        },
        Some(_) => None,
    }
}

/// One receipt from `(message_id, status_info)` of `version`.
fn receipt(version: u8, message_id: &str, info: &Value) -> Result<Receipt, DbApiError> {
    let not_int = || {
        bad(format!(
            "The status of message '{message_id}' must be an integer"
        ))
    };
    let (send_status, event_id) = if version == 2 {
        let info = info.as_object().ok_or_else(|| {
            bad(format!(
                "The status of message '{message_id}' must be an object"
            ))
        })?;
        let status = match info.get("status") {
            None => 0,
            Some(v) => v.as_i64().ok_or_else(not_int)?,
        };
        let event_id = match info.get("event_id") {
            None => Some(String::new()),
            Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(bad(format!(
                    "The event_id of message '{message_id}' must be a string"
                )))
            }
        };
        (status, Some(event_id))
    } else {
        (info.as_i64().ok_or_else(not_int)?, None)
    };
    Ok(Receipt {
        message_id: message_id.to_string(),
        send_status,
        event_id,
    })
}

/// The receipts of one service's `{msg_id: status_info}` (absent or null: none).
fn receipts(version: u8, pings: Option<&Value>, what: &str) -> Result<Vec<Receipt>, DbApiError> {
    match pings {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(id, info)| receipt(version, id, info))
            .collect(),
        Some(_) => Err(bad(format!("{what} must be an object"))),
    }
}

async fn batch(state: &AppState, body: &Map<String, Value>) -> Answer {
    let messages =
        present(body, "messages").ok_or_else(|| bad("'messages' missing from request body"))?;
    let (nova, glance) = match version(body) {
        Some(0) => (receipts(1, Some(messages), "'messages'")?, Vec::new()),
        Some(v) => {
            let services = messages
                .as_object()
                .ok_or_else(|| bad("'messages' must be an object"))?;
            let nova = receipts(v, services.get("nova"), "'messages.nova'")?;
            (
                nova,
                receipts(v, services.get("glance"), "'messages.glance'")?,
            )
        }
        None => return Ok(ok_empty()),
    };
    for (service, receipts) in [(ExistsService::Nova, nova), (ExistsService::Glance, glance)] {
        if receipts.is_empty() {
            continue;
        }
        let skipped = state.store.db_confirm_batch(service, &receipts).await?;
        for (message_id, outcome) in skipped {
            let why = match outcome {
                ConfirmOutcome::Multiple => "several exists records",
                _ => "no exists record",
            };
            tracing::warn!(
                service = service.name(),
                message_id = %message_id,
                "A /db confirm batch receipt matched {why}; skipped."
            );
        }
    }
    Ok(ok_empty())
}
