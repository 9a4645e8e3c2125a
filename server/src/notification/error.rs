//! [`ParseError`]: why a message body is not a notification. Its own file because every rule
//! file (envelope, fields, nova, glance) returns it, and the parser above them re-exports it.

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
