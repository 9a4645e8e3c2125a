//! How the deployments file's keys and values appear in errors and warnings: key paths
//! (`deployments[1].topics["odd key"]`), JSON-quoted strings shortened when long, and the
//! "found …" part (a value's kind and value, or only its kind when it must not be echoed).

use crate::notification::json::Json;

/// `parent.key`, or `parent["odd key"]` when the key is not a plain identifier.
pub(super) fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{}]", quote(key)),
    }
}

/// A string as a JSON literal (quoted and escaped), shortened when long.
pub(super) fn quote(s: &str) -> String {
    const MAX_CHARS: usize = 60;
    if s.chars().count() > MAX_CHARS {
        let short: String = s.chars().take(MAX_CHARS).collect();
        let quoted = serde_json::Value::String(short).to_string();
        format!("{}…\"", quoted.trim_end_matches('"'))
    } else {
        serde_json::Value::String(s.to_owned()).to_string()
    }
}

/// The kind and value, for "found …" in messages.
pub(super) fn describe(value: &Json<'_>) -> String {
    match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => format!("boolean {b}"),
        Json::Number(n) => format!("number {n}"),
        Json::String(s) => format!("string {}", quote(s)),
        Json::Array(_) | Json::Object(_) => kind(value).to_owned(),
    }
}

/// The kind only, for values that must not be echoed.
pub(super) fn kind(value: &Json<'_>) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}
