//! The parser's entry point: [`parse`] picks the rule set by exchange ([`Flavour`]), unwraps an
//! oslo.messaging envelope, and builds the [`Notification`] from the shared column rules
//! (`fields`) and the flavour's own (`nova`, `glance`).

use super::error::ParseError;
use super::glance::GlanceDetail;
use super::json::{Json, Object};
use super::nova::NovaDetail;
use super::{envelope, fields, glance, nova};

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
