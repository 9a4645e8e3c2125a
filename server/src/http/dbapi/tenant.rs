//! `PUT|POST /db/tenant/info/<tenant_id>/` (one tenant: name, types) and
//! `/db/tenant/batch_info/` (many; existing tenants keep their names, v2's quirk, kept so a
//! billing system that relied on it sees no change).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use serde_json::{Map, Value};

use super::body::{present, py_str, Write};
use super::error::{no_route, ok_empty, Answer, DbApiError};
use crate::http::state::AppState;
use crate::store::dbapi::TenantUpdate;

fn bad(message: impl Into<String>) -> DbApiError {
    DbApiError::BadRequest(message.into())
}

fn required<'a>(entry: &'a Map<String, Value>, key: &str) -> Result<&'a Value, DbApiError> {
    entry
        .get(key)
        .ok_or_else(|| bad(format!("'{key}' missing from request body")))
}

/// A tenant entry `{"tenant", "name", "types": {name: value}}` with the tenant id `tenant`.
fn update(tenant: String, entry: &Map<String, Value>) -> Result<TenantUpdate, DbApiError> {
    let name = match required(entry, "name")? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => return Err(bad("'name' must be a string")),
    };
    let types = required(entry, "types")?
        .as_object()
        .ok_or_else(|| bad("'types' must be an object"))?;
    let types = types
        .iter()
        .map(|(k, v)| match v {
            Value::String(_) | Value::Number(_) => Ok((k.clone(), py_str(v))),
            _ => Err(bad(format!("The value of type '{k}' must be a string"))),
        })
        .collect::<Result<_, _>>()?;
    Ok(TenantUpdate {
        tenant,
        name,
        types,
    })
}

/// v2's `\w+` tenant id.
fn is_word(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// One tenant; the body's tenant must be the path's.
pub(super) async fn info(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path(tenant_id): Path<String>,
    body: Bytes,
) -> Answer {
    if !is_word(&tenant_id) {
        return Err(no_route());
    }
    let write = Write {
        method: &method,
        headers: &headers,
        body: &body,
    };
    let body = write.json(&state)?;
    let tenant = required(&body, "tenant")?;
    if tenant.as_str() != Some(tenant_id.as_str()) {
        let given = py_str(tenant);
        return Err(bad(format!("Invalid tenant: {given} != {tenant_id}")));
    }
    let update = update(tenant_id, &body)?;
    let now = app::model::now_micros();
    state.store.db_update_tenant(&update, now).await?;
    Ok(ok_empty())
}

/// Many tenants at once.
pub(super) async fn batch(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let write = Write {
        method: &method,
        headers: &headers,
        body: &body,
    };
    let body = write.json(&state)?;
    let tenants = present(&body, "tenants")
        .ok_or_else(|| bad("'tenants' missing from request body"))?
        .as_array()
        .ok_or_else(|| bad("'tenants' must be a list"))?;
    let updates = tenants
        .iter()
        .map(|entry| {
            let entry = entry
                .as_object()
                .ok_or_else(|| bad("Each of 'tenants' must be an object"))?;
            // v2 keyed the batch by `str(info['tenant'])`.
            let tenant = match required(entry, "tenant")? {
                v @ (Value::String(_) | Value::Number(_)) => py_str(v),
                _ => return Err(bad("'tenant' must be a string")),
            };
            update(tenant, entry)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let now = app::model::now_micros();
    state.store.db_update_tenants(&updates, now).await?;
    Ok(ok_empty())
}
