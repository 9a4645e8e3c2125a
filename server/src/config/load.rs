//! Loading the deployments file: which file ([`resolve_deployments_path`]), reading it
//! ([`load`]) and turning its text into a [`DeploymentsFile`] ([`parse`], pure). JSON syntax
//! errors keep the parser's line and column; everything else is the walker's.

use std::path::{Path, PathBuf};

use crate::notification::json::Json;

use super::defaults::DEFAULT_DEPLOYMENTS_FILE;
use super::deployments::DeploymentsFile;
use super::error::ConfigError;
use super::schema::TOP_KEYS;
use super::walker::Walker;

/// Reads and parses the deployments file at `path`.
///
/// # Errors
/// [`ConfigError::Read`] when the file cannot be read, otherwise as [`parse`].
pub fn load(path: &Path) -> Result<DeploymentsFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|io| ConfigError::Read {
        path: path.to_path_buf(),
        io,
    })?;
    parse(path, &text)
}

/// Parses the text of a deployments file; `path` is only used in messages. Pure.
///
/// # Errors
/// [`ConfigError::Syntax`] for invalid JSON, [`ConfigError::Invalid`] for a missing required key
/// (`deployments`, a deployment's `name`, a binding's `queue`/`routing_key`), a value of the wrong
/// type or out of range, or two deployments with the same name.
pub fn parse(path: &Path, text: &str) -> Result<DeploymentsFile, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = Json::parse(text).map_err(|e| syntax_error(path, &e))?;
    let mut walker = Walker::new(path);
    let root = walker.object("", &root, "an object", Some(TOP_KEYS))?;
    let deployments = walker.deployments(&root)?;
    let process_timeout = walker.process_timeout(&root)?;
    Ok(DeploymentsFile {
        path: path.to_path_buf(),
        deployments,
        process_timeout,
        warnings: walker.into_warnings(),
    })
}

/// The deployments file to use: `--deployments`, else `STACKTACH_DEPLOYMENTS_FILE` (pass its
/// value as `env_value`), else [`DEFAULT_DEPLOYMENTS_FILE`]. Empty values count as unset.
#[must_use]
pub fn resolve_deployments_path(cli: Option<PathBuf>, env_value: Option<String>) -> PathBuf {
    cli.filter(|p| !p.as_os_str().is_empty())
        .or_else(|| {
            env_value
                .filter(|v| !v.trim().is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DEPLOYMENTS_FILE))
}

/// [`ConfigError::Syntax`] from the parser's error, its location moved out of the message.
fn syntax_error(path: &Path, error: &serde_json::Error) -> ConfigError {
    let full = error.to_string();
    let location = format!(" at line {} column {}", error.line(), error.column());
    ConfigError::Syntax {
        path: path.to_path_buf(),
        line: error.line(),
        column: error.column(),
        message: full.strip_suffix(&location).unwrap_or(&full).to_owned(),
    }
}
