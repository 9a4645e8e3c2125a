//! The `*.exists.verified` notification (v2's `send_verified_notification`): the exists'
//! stored notification with `event_type` replaced, `original_message_id` set to its
//! `message_id`, and a new `message_id`.
//!
//! v2 drew the new id with `uuid4()`. We derive it from (service, exists row id, original
//! message id) instead, so a verifier that crashes between publishing and recording the
//! exists as sent re-publishes the *same* message, which the billing feed can drop as a
//! duplicate. The stored body is the notification itself (`raw_events.json`; v2 stored
//! `[routing_key, body]`, our routing key is its own column): its members keep their order and
//! their text, only the three members above change.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::model::Service;

/// Why a stored exists notification cannot be turned into a verified one. v2 logged these
/// ("ERROR in Callback") and published nothing; so should the caller.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    /// The stored text is not JSON.
    #[error("stored notification is not valid JSON: {0}")]
    InvalidJson(String),
    /// The stored JSON is not an object.
    #[error("stored notification is not a JSON object")]
    NotAnObject,
    /// The notification has no `message_id` member (v2: `KeyError`).
    #[error("stored notification has no message_id")]
    NoMessageId,
}

/// The body to publish for the exists row `exists_id` of `service`, from its stored
/// notification `body_json`, with `event_type` (the config's `nova_event_type` or
/// `glance_event_type`).
///
/// # Errors
/// [`VerifyError`] when the stored text is not a JSON object with a `message_id`.
pub fn verified_body(
    service: Service,
    exists_id: i64,
    body_json: &str,
    event_type: &str,
) -> Result<Vec<u8>, VerifyError> {
    let mut members: Members = parse_members(body_json)?
        .into_iter()
        .map(|(key, value)| (key, value.get().to_owned()))
        .collect();
    let original = members
        .iter()
        .find(|(k, _)| k == "message_id")
        .map(|(_, v)| v.clone())
        .ok_or(VerifyError::NoMessageId)?;
    let new_id = verified_message_id(service, exists_id, &original);
    set(&mut members, "event_type", json_string(event_type));
    set(&mut members, "original_message_id", original);
    set(&mut members, "message_id", json_string(&new_id.to_string()));
    let mut out = Vec::with_capacity(body_json.len() + 64);
    out.push(b'{');
    for (index, (key, value)) in members.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.extend_from_slice(json_string(key).as_bytes());
        out.push(b':');
        out.extend_from_slice(value.as_bytes());
    }
    out.push(b'}');
    Ok(out)
}

/// The verified notification's `message_id`: the first 16 bytes of
/// SHA-256(`stacktach-verified`, service, exists id, the original `message_id` as JSON text),
/// as an RFC 9562 version 8 (custom) UUID. Same inputs, same id, on every run and host.
#[must_use]
pub fn verified_message_id(service: Service, exists_id: i64, original_json: &str) -> uuid::Uuid {
    let mut hasher = Sha256::new();
    for part in [
        "stacktach-verified",
        service.as_str(),
        &exists_id.to_string(),
        original_json,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The members being rewritten: each value as JSON text (kept members keep their stored text).
type Members = Vec<(String, String)>;

/// Sets `key` to `value`: in place when present, else appended (as a Python dict does).
fn set(members: &mut Members, key: &str, value: String) {
    match members.iter_mut().find(|(k, _)| k == key) {
        Some(member) => member.1 = value,
        None => members.push((key.to_owned(), value)),
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// The top-level members in text order, each value's text untouched; a repeated key keeps its
/// first position and its last value (Python's `json.loads`).
fn parse_members(text: &str) -> Result<Vec<(String, Box<RawValue>)>, VerifyError> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => Err(VerifyError::NotAnObject),
            Err(e) => Err(VerifyError::InvalidJson(e.to_string())),
        };
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let members = de
        .deserialize_map(MembersVisitor)
        .and_then(|m| de.end().map(|()| m))
        .map_err(|e| VerifyError::InvalidJson(e.to_string()))?;
    Ok(members)
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Vec<(String, Box<RawValue>)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members: Self::Value = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some(member) => member.1 = value,
                None => members.push((key, value)),
            }
        }
        Ok(members)
    }
}
