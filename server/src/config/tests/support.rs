//! Helpers the configuration tests share: parsing a text that must load or fail, the sample
//! files' paths, and a fake environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::{parse, DeploymentsFile, QueueBinding};

/// The file name every parsed text is reported under.
pub(super) const X: &str = "etc/x.json";

/// A file in the repository's `etc/`.
pub(super) fn etc(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("etc")
        .join(name)
}

/// `text` parsed as [`X`]; panics with the error if it does not load.
pub(super) fn parse_ok(text: &str) -> DeploymentsFile {
    match parse(Path::new(X), text) {
        Ok(file) => file,
        Err(e) => panic!("expected {text} to parse, got: {e}"),
    }
}

/// The one-line error of `text` parsed as [`X`]; panics if it loads.
pub(super) fn parse_err(text: &str) -> String {
    match parse(Path::new(X), text) {
        Ok(file) => panic!("expected {text} to fail, got {file:?}"),
        Err(e) => e.to_string(),
    }
}

pub(super) fn binding(queue: &str, routing_key: &str) -> QueueBinding {
    QueueBinding {
        queue: queue.to_owned(),
        routing_key: routing_key.to_owned(),
    }
}

/// An environment holding exactly `pairs`.
pub(super) fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}
