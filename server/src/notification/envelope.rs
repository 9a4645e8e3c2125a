//! oslo.messaging v2 envelopes: `{"oslo.version": "2.0", "oslo.message": "<json text>"}`.

use super::error::ParseError;
use super::json::{Json, Object};

/// The inner notification's JSON text when `outer` is an envelope; `None` for v1 bodies.
///
/// # Errors
/// An envelope whose message is missing or not a string.
pub fn inner_text<'o>(outer: &'o Object<'_>) -> Result<Option<&'o str>, ParseError> {
    match (outer.get("oslo.message"), outer.get("oslo.version")) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(ParseError::BadEnvelope("no oslo.message".into())),
        (Some(Json::String(s)), _) => Ok(Some(s)),
        (Some(_), _) => Err(ParseError::BadEnvelope(
            "oslo.message is not a string".into(),
        )),
    }
}

/// Parses an envelope's inner text.
///
/// # Errors
/// Inner text that is not JSON or not an object.
pub fn parse_inner(text: &str) -> Result<Json<'_>, ParseError> {
    match Json::parse(text) {
        Ok(inner @ Json::Object(_)) => Ok(inner),
        Ok(_) => Err(ParseError::BadEnvelope(
            "oslo.message is not a JSON object".into(),
        )),
        Err(e) => Err(ParseError::BadEnvelope(format!(
            "oslo.message is not JSON: {e}"
        ))),
    }
}
