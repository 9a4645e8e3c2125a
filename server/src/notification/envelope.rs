//! oslo.messaging v2 envelopes: `{"oslo.version": "2.0", "oslo.message": "<json text>"}`.

use serde_json::{Map, Value};

use super::ParseError;

/// An unwrapped envelope: the inner notification and its JSON text.
pub type Unwrapped = (Map<String, Value>, String);

/// The inner notification and its text when `outer` is an envelope; `None` for v1 bodies.
///
/// # Errors
/// An envelope whose message is missing, not a string, not JSON or not an object.
pub fn unwrap(outer: &Map<String, Value>) -> Result<Option<Unwrapped>, ParseError> {
    let message = match (outer.get("oslo.message"), outer.get("oslo.version")) {
        (None, None) => return Ok(None),
        (None, Some(_)) => return Err(ParseError::BadEnvelope("no oslo.message".into())),
        (Some(Value::String(s)), _) => s,
        (Some(_), _) => {
            return Err(ParseError::BadEnvelope(
                "oslo.message is not a string".into(),
            ))
        }
    };
    match serde_json::from_str::<Value>(message) {
        Ok(Value::Object(inner)) => Ok(Some((inner, message.clone()))),
        Ok(_) => Err(ParseError::BadEnvelope(
            "oslo.message is not a JSON object".into(),
        )),
        Err(e) => Err(ParseError::BadEnvelope(format!(
            "oslo.message is not JSON: {e}"
        ))),
    }
}
