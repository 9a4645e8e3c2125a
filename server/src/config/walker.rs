//! The generic walk over the deployments file's JSON tree: typed getters (string, boolean,
//! bounded integer) whose errors name the file and the key path, objects checked against a
//! [`Schema`] (unknown keys warn, with a suggestion) and duplicate keys resolved as Python's
//! `json` does. The file's own sections (deployments, topics, workers) are read with it in
//! `sections`; keeping the two apart keeps each step short.

use std::fmt;
use std::path::Path;

use crate::notification::json::Json;

use super::error::ConfigError;
use super::message::{describe, key_path, kind, quote};
use super::schema::Schema;
use super::suggest::closest;

/// How a string value is checked and reported.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Text {
    Any,
    NonEmpty,
    /// Any string; a value of the wrong type is reported without showing it.
    Secret,
}

/// Walks the parsed tree, collecting warnings and building errors that name the file.
pub(super) struct Walker<'f> {
    file: &'f Path,
    warnings: Vec<String>,
}

impl<'f> Walker<'f> {
    /// A walker for `file` (used in messages only) with no warnings yet.
    pub(super) fn new(file: &'f Path) -> Self {
        Self {
            file,
            warnings: Vec::new(),
        }
    }

    /// The warnings collected, in the order the walk met them.
    pub(super) fn into_warnings(self) -> Vec<String> {
        self.warnings
    }

    pub(super) fn error(&self, key: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.file.to_path_buf(),
            key: if key.is_empty() { "top level" } else { key }.to_owned(),
            reason: reason.into(),
        }
    }

    pub(super) fn expected(&self, key: &str, expected: &str, found: &Json<'_>) -> ConfigError {
        self.error(
            key,
            format!("expected {expected}, found {}", describe(found)),
        )
    }

    pub(super) fn warn(&mut self, key: &str, message: impl fmt::Display) {
        let key = if key.is_empty() { "top level" } else { key };
        self.warnings
            .push(format!("{}: {key}: {message}", self.file.display()));
    }

    /// `node` as an object at `key`; with a schema, unknown keys warn. Duplicate keys warn and,
    /// as in Python's `json`, keep the first position and the last value.
    pub(super) fn object<'n>(
        &mut self,
        key: &str,
        node: &'n Json<'n>,
        expected: &str,
        schema: Option<Schema>,
    ) -> Result<Obj<'n>, ConfigError> {
        let Json::Object(object) = node else {
            return Err(self.expected(key, expected, node));
        };
        let mut entries: Vec<(&'n str, &'n Json<'n>)> = Vec::with_capacity(object.members().len());
        for (name, value) in object.members() {
            let path = key_path(key, name);
            if let Some(entry) = entries.iter_mut().find(|(k, _)| *k == name) {
                entry.1 = value;
                self.warn(&path, "duplicate key; the last value is used");
                continue;
            }
            entries.push((name, value));
            if let Some(schema) = schema {
                self.warn_if_unknown(&path, name, schema);
            }
        }
        Ok(Obj {
            key: key.to_owned(),
            entries,
        })
    }

    /// Warns about `name` (at `path`) unless `schema` knows or ignores it.
    fn warn_if_unknown(&mut self, path: &str, name: &str, schema: Schema) {
        if schema.known.contains(&name) || schema.ignored.contains(&name) {
            return;
        }
        match closest(name, schema.known) {
            Some(near) => self.warn(
                path,
                format!("unknown key ignored (did you mean {}?)", quote(near)),
            ),
            None => self.warn(path, "unknown key ignored"),
        }
    }

    /// The string at `name`, or `default` when absent (`None`: the key is required).
    pub(super) fn string(
        &self,
        obj: &Obj<'_>,
        name: &str,
        default: Option<&str>,
        rule: Text,
    ) -> Result<String, ConfigError> {
        let key = obj.path(name);
        match obj.get(name) {
            None => default
                .map(str::to_owned)
                .ok_or_else(|| self.error(&key, format!("missing required key {}", quote(name)))),
            Some(found @ Json::String(s)) if rule == Text::NonEmpty && s.trim().is_empty() => {
                Err(self.expected(&key, "a non-empty string", found))
            }
            Some(Json::String(s)) => Ok(s.as_ref().to_owned()),
            Some(found) if rule == Text::Secret => {
                Err(self.error(&key, format!("expected a string, found {}", kind(found))))
            }
            Some(found) => Err(self.expected(&key, "a string", found)),
        }
    }

    /// The boolean at `name`, or `default` when absent.
    pub(super) fn boolean(
        &self,
        obj: &Obj<'_>,
        name: &str,
        default: bool,
    ) -> Result<bool, ConfigError> {
        match obj.get(name) {
            None => Ok(default),
            Some(Json::Bool(b)) => Ok(*b),
            Some(found) => Err(self.expected(&obj.path(name), "true or false", found)),
        }
    }

    /// An optional integer `min..=65535`; `null` counts as absent when `null_is_unset`.
    pub(super) fn u16_at_least(
        &self,
        obj: &Obj<'_>,
        name: &str,
        min: u16,
        null_is_unset: bool,
    ) -> Result<Option<u16>, ConfigError> {
        let node = match obj.get(name) {
            None => return Ok(None),
            Some(Json::Null) if null_is_unset => return Ok(None),
            Some(node) => node,
        };
        let value = match node {
            Json::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            _ => None,
        };
        match value.filter(|v| *v >= min) {
            Some(v) => Ok(Some(v)),
            None => Err(self.expected(&obj.path(name), &format!("an integer {min}-65535"), node)),
        }
    }
}

/// An object's members (duplicates resolved) and its key path.
pub(super) struct Obj<'n> {
    key: String,
    entries: Vec<(&'n str, &'n Json<'n>)>,
}

impl<'n> Obj<'n> {
    /// The value of member `name`.
    pub(super) fn get(&self, name: &str) -> Option<&'n Json<'n>> {
        self.entries
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    /// The members in file order, each key once (with its last value).
    pub(super) fn entries(&self) -> &[(&'n str, &'n Json<'n>)] {
        &self.entries
    }

    /// The key path of member `name`.
    pub(super) fn path(&self, name: &str) -> String {
        key_path(&self.key, name)
    }
}
