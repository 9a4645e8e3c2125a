//! Helpers the verifier config tests share: parsing a text that must load or fail, a minimal
//! valid file to vary, and the repository's `etc/` files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

use crate::config::verifier::VerifierConfig;

/// The file name every parsed text is reported under.
pub(super) const X: &str = "etc/v.json";

/// The smallest file v2 would run with (notifications off), each key in its place.
const MINIMAL: [(&str, &str); 8] = [
    ("tick_time", "30"),
    ("settle_time", "5"),
    ("settle_units", r#""minutes""#),
    ("pool_size", "2"),
    ("enable_notifications", "false"),
    ("validation_level", r#""basic""#),
    ("flavor_field_name", r#""instance_flavor_id""#),
    ("rabbit", r#"{"topics": {"nova": ["notifications.info"]}}"#),
];

/// [`MINIMAL`] with `extra` (`"key": value, …`) applied: a key it has takes the new value in
/// place, other keys are added at the end.
pub(super) fn minimal(extra: &str) -> String {
    let extra: BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(&format!("{{{extra}}}")).unwrap_or_default();
    let mut members: Vec<String> = MINIMAL
        .iter()
        .map(|(key, value)| {
            let value = extra.get(*key).map_or(*value, |v| v.get());
            format!("\"{key}\": {value}")
        })
        .collect();
    for (key, value) in &extra {
        if !MINIMAL.iter().any(|(k, _)| k == key) {
            members.push(format!("\"{key}\": {}", value.get()));
        }
    }
    format!("{{{}}}", members.join(", "))
}

/// [`MINIMAL`] without `key`.
pub(super) fn without(key: &str) -> String {
    let members: Vec<String> = MINIMAL
        .iter()
        .filter(|(k, _)| *k != key)
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", members.join(", "))
}

/// `text` parsed as [`X`]; panics with the error if it does not load.
pub(super) fn parse_ok(text: &str) -> VerifierConfig {
    match VerifierConfig::parse(Path::new(X), text) {
        Ok(config) => config,
        Err(e) => panic!("expected {text} to parse, got: {e}"),
    }
}

/// The one-line error of `text` parsed as [`X`]; panics if it loads.
pub(super) fn parse_err(text: &str) -> String {
    match VerifierConfig::parse(Path::new(X), text) {
        Ok(config) => panic!("expected {text} to fail, got {config:?}"),
        Err(e) => e.to_string(),
    }
}

/// A file in the repository's `etc/`.
pub(super) fn etc(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("etc")
        .join(name)
}
