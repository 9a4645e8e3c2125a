//! Column extraction rules shared by the flavours (v2 `Notification` and subclasses).

use super::json::{Json, Object};

use super::error::ParseError;
use super::timestamp::parse_timestamp;

/// A required string field.
pub fn required_str(body: &Object<'_>, field: &'static str) -> Result<String, ParseError> {
    match body.get(field) {
        None | Some(Json::Null) => Err(ParseError::MissingField(field)),
        Some(Json::String(s)) => Ok(s.to_string()),
        Some(_) => Err(ParseError::WrongType {
            field,
            expected: "a string",
        }),
    }
}

/// An optional scalar field as text (`None` when absent, null or not a scalar).
pub fn optional_str(map: &Object<'_>, field: &str) -> Option<String> {
    scalar(map.get(field)?)
}

fn scalar(value: &Json<'_>) -> Option<String> {
    match value {
        Json::String(s) => Some(s.to_string()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `payload.get(field, '')`: `""` when absent, `None` when null or not a scalar.
pub fn str_or_empty(map: &Object<'_>, field: &str) -> Option<String> {
    match map.get(field) {
        None => Some(String::new()),
        Some(v) => scalar(v),
    }
}

/// Python truthiness for the text values we look up: absent, null and `""` are false.
fn present(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty())
}

/// Python truthiness of a JSON value: `null`, `false`, `0`, `""`, `[]` and `{}` are false.
pub fn truthy(value: &Json<'_>) -> bool {
    match value {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
}

/// A truthy scalar as text (`payload.message` style checks); `None` otherwise.
pub fn truthy_str(map: &Object<'_>, field: &str) -> Option<String> {
    map.get(field).filter(|v| truthy(v)).and_then(scalar)
}

/// An integer field: JSON integers, or strings of digits (Django coerced those); else `None`.
pub fn integer(value: Option<&Json<'_>>) -> Option<i64> {
    match value? {
        Json::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn path<'a>(value: Option<&'a Json<'a>>, keys: &[&str]) -> Option<&'a Json<'a>> {
    keys.iter().try_fold(value?, |v, k| v.as_object()?.get(k))
}

/// `timestamp` if truthy, else `_context_timestamp` (v2's "old way"), parsed to UTC micros.
pub fn when(body: &Object<'_>) -> Result<i64, ParseError> {
    let primary = optional_str(body, "timestamp");
    let raw = if present(&primary) {
        primary
    } else {
        optional_str(body, "_context_timestamp")
    };
    match raw {
        Some(s) if !s.is_empty() => parse_timestamp(&s).ok_or(ParseError::BadTimestamp(s)),
        _ => Err(ParseError::MissingField("timestamp")),
    }
}

/// `service.host.name` → (`service`, `Some("host.name")`); no dot → (`publisher`, `None`).
pub fn split_publisher(publisher: &str) -> (String, Option<String>) {
    match publisher.split_once('.') {
        Some((service, host)) => (service.to_string(), Some(host.to_string())),
        None => (publisher.to_string(), None),
    }
}

/// v2's instance lookup: `payload.instance_id`; overridden by `payload.instance_uuid` when that
/// key exists (even null); if still empty `payload.exception.kwargs.uuid`, then
/// `payload.instance.uuid`.
pub fn instance(payload: Option<&Json<'_>>) -> Option<String> {
    let map = payload?.as_object()?;
    let mut found = optional_str(map, "instance_id");
    if map.contains_key("instance_uuid") {
        found = optional_str(map, "instance_uuid");
    }
    if !present(&found) {
        found = path(payload, &["exception", "kwargs", "uuid"]).and_then(scalar);
    }
    if !present(&found) {
        found = path(payload, &["instance", "uuid"]).and_then(scalar);
    }
    found
}

/// `payload.tenant_id` when the key exists, else `_context_project_id`.
pub fn tenant(body: &Object<'_>, payload: Option<&Json<'_>>) -> Option<String> {
    match payload.and_then(Json::as_object) {
        Some(p) if p.contains_key("tenant_id") => optional_str(p, "tenant_id"),
        _ => optional_str(body, "_context_project_id"),
    }
}

/// Glance: `payload.properties.instance_uuid` (images made from instances).
pub fn glance_instance(payload: Option<&Json<'_>>) -> Option<String> {
    path(payload, &["properties", "instance_uuid"]).and_then(scalar)
}

/// Glance keeps the image owner where others keep the tenant.
pub fn glance_owner(payload: Option<&Json<'_>>) -> Option<String> {
    path(payload, &["owner"]).and_then(scalar)
}
