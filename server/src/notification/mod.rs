//! Pure parsing: raw message bytes → a typed [`Notification`] or a typed [`ParseError`].
//!
//! Total by construction: every input gives one or the other, never a panic, so a poison
//! message can always be quarantined and acked. The rules are StackTach v2's
//! (`stacktach/notification.py`): the exchange picks the flavour (`nova`, `glance`, anything
//! else generic), oslo.messaging v2 envelopes are unwrapped first.
//!
//! Payload times follow one rule: a time v2 parsed *before* storing the row (the envelope's
//! `timestamp`, glance `payload.created_at`) makes the message fail, so it is quarantined; a
//! time v2 parsed only while aggregating (`launched_at`, `deleted_at`, audit periods, ...) is
//! kept as a [`time::PayloadTime`], the row is stored, and only the aggregation step that needed
//! it is skipped (see [`crate::aggregate`]). Likewise a nova payload that is present but not
//! an object is quarantined (v2 raised on it); glance keeps its string error payloads (v2 rule)
//! and generic tolerates any payload (nothing of it is aggregated).
//!
//! # Layout
//! - `json`: the borrowed JSON tree bodies are parsed into (3× faster than `serde_json::Value`).
//! - `envelope`: oslo.messaging v2 unwrapping; `fields`: the column rules all flavours share.
//! - `nova`, `glance`: the per-exchange columns ([`Detail`]).
//! - [`image_type`]: image bit codes; [`time`]: timestamps, payload times, decimal seconds;
//!   [`ids`]: uuid and request-id shapes.

mod envelope;
mod fields;
mod glance;
pub mod ids;
pub mod image_type;
mod json;
mod nova;
pub mod time;
mod timestamp;

pub use glance::{GlanceDetail, ImageEntry, Images};
pub use nova::{ImageMeta, NovaDetail};
pub use timestamp::parse_timestamp;

use json::{Json, Object};

/// Which rule set applies, chosen by the exchange the message came from (as v2 did).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Nova,
    Glance,
    Generic,
}

impl Flavour {
    /// `nova` → Nova, `glance` → Glance, anything else → Generic.
    pub fn for_exchange(exchange: &str) -> Self {
        match exchange {
            "nova" => Self::Nova,
            "glance" => Self::Glance,
            _ => Self::Generic,
        }
    }
}

/// The columns every notification has, extracted per v2's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub flavour: Flavour,
    pub event: String,
    pub publisher: String,
    /// `publisher_id` up to the first dot.
    pub service: String,
    /// `publisher_id` after the first dot; `None` when it has no dot.
    pub host: Option<String>,
    /// UTC microseconds: `timestamp`, else `_context_timestamp`.
    pub when: i64,
    /// `_context_request_id`, `""` when absent.
    pub request_id: String,
    pub instance: Option<String>,
    /// Nova/generic: `payload.tenant_id`, else `_context_project_id`; glance: `payload.owner`.
    pub tenant: Option<String>,
    pub message_id: Option<String>,
    /// The (unwrapped) notification as JSON text, stored verbatim.
    pub body: String,
    /// The exchange-specific columns.
    pub detail: Detail,
}

/// The columns only one flavour has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    Nova(Box<NovaDetail>),
    Glance(Box<GlanceDetail>),
    Generic,
}

/// Why a message cannot be stored as a notification; it goes to the quarantine instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("body is not UTF-8 (invalid byte at offset {0})")]
    NotUtf8(usize),
    #[error("body is not JSON: {0}")]
    NotJson(String),
    #[error("body is not a JSON object")]
    NotAnObject,
    #[error("broken oslo.messaging envelope: {0}")]
    BadEnvelope(String),
    #[error("missing required field `{0}`")]
    MissingField(&'static str),
    #[error("field `{field}` must be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("unparseable timestamp {0:?}")]
    BadTimestamp(String),
    #[error("unparseable `{field}` {value}")]
    BadPayloadTime { field: &'static str, value: String },
}

/// Parses one message body received on `exchange`.
///
/// # Errors
/// A [`ParseError`] saying what is wrong with the body; the caller quarantines it.
pub fn parse(exchange: &str, bytes: &[u8]) -> Result<Notification, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ParseError::NotUtf8(e.valid_up_to()))?;
    let value = Json::parse(text).map_err(|e| ParseError::NotJson(e.to_string()))?;
    let Json::Object(outer) = &value else {
        return Err(ParseError::NotAnObject);
    };
    let flavour = Flavour::for_exchange(exchange);
    match envelope::inner_text(outer)? {
        Some(inner_text) => match &envelope::parse_inner(inner_text)? {
            Json::Object(inner) => from_body(flavour, inner, inner_text),
            _ => Err(ParseError::NotAnObject),
        },
        None => from_body(flavour, outer, text),
    }
}

fn from_body(flavour: Flavour, body: &Object<'_>, text: &str) -> Result<Notification, ParseError> {
    let publisher = fields::required_str(body, "publisher_id")?;
    let event = fields::required_str(body, "event_type")?;
    let when = fields::when(body)?;
    let (service, host) = fields::split_publisher(&publisher);
    let payload = body.get("payload");
    let (instance, tenant, detail) = match flavour {
        Flavour::Glance => (
            fields::glance_instance(payload),
            fields::glance_owner(payload),
            Detail::Glance(Box::new(glance::parse(body, payload)?)),
        ),
        Flavour::Nova => (
            fields::instance(payload),
            fields::tenant(body, payload),
            Detail::Nova(Box::new(nova::parse(payload)?)),
        ),
        Flavour::Generic => (
            fields::instance(payload),
            fields::tenant(body, payload),
            Detail::Generic,
        ),
    };
    Ok(Notification {
        flavour,
        event,
        service,
        host,
        publisher,
        when,
        request_id: fields::optional_str(body, "_context_request_id").unwrap_or_default(),
        instance,
        tenant,
        message_id: fields::optional_str(body, "message_id"),
        body: text.to_string(),
        detail,
    })
}

#[cfg(test)]
mod flavour_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod totality_tests;
