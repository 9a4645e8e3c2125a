//! Loading the verifier config: which file ([`verifier_config_path_from_env`]), reading it
//! ([`VerifierConfig::load`]) and turning its text into a [`VerifierConfig`]
//! ([`VerifierConfig::parse`], pure). Keys, required ones and defaults are v2's
//! (`verifier/config.py`); a bad file is one line naming the file, the key and the reason.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::defaults::{
    DEFAULT_DURABLE_QUEUE, DEFAULT_RABBIT_HOST, DEFAULT_RABBIT_PASSWORD, DEFAULT_RABBIT_PORT,
    DEFAULT_RABBIT_USERID, DEFAULT_RABBIT_VIRTUAL_HOST,
};
use crate::config::error::ConfigError;
use crate::config::secret::Secret;
use crate::config::walker::{Obj, Text, Walker};
use crate::notification::json::Json;
use crate::verifier::{FlavorField, ValidationLevel};

use super::defaults::{
    DEFAULT_BATCHSIZE, DEFAULT_EXPONENTIAL_BACKOFF_LIMIT, DEFAULT_GLANCE_EVENT_TYPE,
    DEFAULT_NOVA_EVENT_TYPE, DEFAULT_RECONCILER_CONFIG, DEFAULT_VERIFIER_PROCESS_TIMEOUT_SECS,
    VERIFIER_CONFIG_ENV,
};
use super::file::{VerifierConfig, VerifierRabbit};
use super::read::{
    choice, integer_at_least, port, required, seconds, settle, topics, RABBIT_KEYS, TOP_KEYS,
};

/// Where the verifier config is, as v2 found it: `STACKTACH_VERIFIER_CONFIG`. Unset or empty
/// means no verifier runs (v2 fell back to `stacktach_verifier_config.json` in the working
/// directory; a verifier that starts because of a stray file would publish billing messages).
#[must_use]
pub fn verifier_config_path_from_env() -> Option<PathBuf> {
    resolve_verifier_config_path(std::env::var(VERIFIER_CONFIG_ENV).ok())
}

/// [`verifier_config_path_from_env`] with the variable's value given (pure, for tests).
#[must_use]
pub fn resolve_verifier_config_path(env_value: Option<String>) -> Option<PathBuf> {
    env_value
        .filter(|v| !v.trim().is_empty())
        .map(PathBuf::from)
}

impl VerifierConfig {
    /// Reads and parses the verifier config at `path`.
    ///
    /// # Errors
    /// [`ConfigError::Read`] when the file cannot be read, otherwise as [`Self::parse`].
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|io| ConfigError::Read {
            path: path.to_path_buf(),
            io,
        })?;
        Self::parse(path, &text)
    }

    /// Parses the text of a verifier config; `path` is only used in messages. Pure.
    ///
    /// # Errors
    /// [`ConfigError::Syntax`] for invalid JSON, [`ConfigError::Invalid`] for a missing
    /// required key, a value of the wrong type or out of range.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let root = Json::parse(text).map_err(|e| syntax_error(path, &e))?;
        let mut walker = Walker::new(path);
        let root = walker.object("", &root, "an object", Some(TOP_KEYS))?;
        let mut config = read_top(&mut walker, &root, path)?;
        if config.reconcile {
            walker.warn(
                "reconcile",
                "v2's reconciler (its Nova database bridge) is not part of this StackTach; \
                 failed nova exists are still checked against instance_reconcile rows",
            );
        }
        config.warnings = walker.into_warnings();
        Ok(config)
    }
}

/// Every top-level key, in the order the file documents them.
fn read_top(
    walker: &mut Walker<'_>,
    root: &Obj<'_>,
    path: &Path,
) -> Result<VerifierConfig, ConfigError> {
    let w = &*walker;
    let tick_time = seconds(w, "tick_time", required(w, root, "tick_time")?)?;
    let settle = settle(w, root)?;
    let pool_size = integer_at_least(w, "pool_size", required(w, root, "pool_size")?, 1)?;
    let enable_notifications = match required(w, root, "enable_notifications")? {
        Json::Bool(b) => *b,
        other => return Err(w.expected("enable_notifications", "true or false", other)),
    };
    let (validation_level, flavor_field) = read_checks(w, root)?;
    let batchsize = optional_integer(w, root, "batchsize", DEFAULT_BATCHSIZE as u64)?;
    let backoff = optional_integer(
        w,
        root,
        "exponential_backoff_limit",
        u64::from(DEFAULT_EXPONENTIAL_BACKOFF_LIMIT),
    )?;
    let process_timeout = match root.get("process_timeout") {
        None => Some(Duration::from_secs(DEFAULT_VERIFIER_PROCESS_TIMEOUT_SECS)),
        Some(node) => Some(seconds(w, "process_timeout", node)?).filter(|t| !t.is_zero()),
    };
    Ok(VerifierConfig {
        path: path.to_path_buf(),
        tick_time,
        settle,
        pool_size: usize::try_from(pool_size).unwrap_or(usize::MAX),
        enable_notifications,
        validation_level,
        flavor_field,
        batchsize: usize::try_from(batchsize).unwrap_or(usize::MAX),
        exponential_backoff_limit: u32::try_from(backoff).unwrap_or(u32::MAX),
        process_timeout,
        reconcile: w.boolean(root, "reconcile", false)?,
        reconciler_config: PathBuf::from(text(
            w,
            root,
            "reconciler_config",
            DEFAULT_RECONCILER_CONFIG,
        )?),
        nova_event_type: text(w, root, "nova_event_type", DEFAULT_NOVA_EVENT_TYPE)?,
        glance_event_type: text(w, root, "glance_event_type", DEFAULT_GLANCE_EVENT_TYPE)?,
        rabbit: read_rabbit(walker, root, enable_notifications)?,
        warnings: Vec::new(),
    })
}

/// `validation_level` and `flavor_field_name`, both required and one of v2's names.
fn read_checks(
    w: &Walker<'_>,
    root: &Obj<'_>,
) -> Result<(ValidationLevel, FlavorField), ConfigError> {
    let levels = ValidationLevel::ALL.map(|l| (l.as_str(), l));
    let level_node = required(w, root, "validation_level")?;
    let level = choice(w, "validation_level", level_node, &levels)?;
    let fields = FlavorField::ALL.map(|f| (f.as_str(), f));
    let field_node = required(w, root, "flavor_field_name")?;
    Ok((level, choice(w, "flavor_field_name", field_node, &fields)?))
}

/// An optional non-empty string, or `default`.
fn text(w: &Walker<'_>, root: &Obj<'_>, name: &str, default: &str) -> Result<String, ConfigError> {
    w.string(root, name, Some(default), Text::NonEmpty)
}

/// An optional integer of at least 1, or `default`.
fn optional_integer(
    w: &Walker<'_>,
    root: &Obj<'_>,
    name: &str,
    default: u64,
) -> Result<u64, ConfigError> {
    root.get(name)
        .map_or(Ok(default), |node| integer_at_least(w, name, node, 1))
}

/// `rabbit`. v2 read its connection keys only to publish, so they are required when
/// `enable_notifications` is true and take the deployments file's defaults otherwise; `topics`
/// is always required (its keys are the services to verify).
fn read_rabbit(
    walker: &mut Walker<'_>,
    root: &Obj<'_>,
    notifications: bool,
) -> Result<VerifierRabbit, ConfigError> {
    let node = required(walker, root, "rabbit")?;
    let rabbit = walker.object("rabbit", node, "an object", Some(RABBIT_KEYS))?;
    if notifications {
        for name in [
            "durable_queue",
            "host",
            "port",
            "userid",
            "password",
            "virtual_host",
        ] {
            if rabbit.get(name).is_none() {
                return Err(walker.error(
                    &rabbit.path(name),
                    format!("missing required key \"{name}\" (needed when enable_notifications is true)"),
                ));
            }
        }
    }
    let port = match rabbit.get("port") {
        Some(node) => port(walker, &rabbit.path("port"), node)?,
        None => DEFAULT_RABBIT_PORT,
    };
    let password = walker.string(
        &rabbit,
        "password",
        Some(DEFAULT_RABBIT_PASSWORD),
        Text::Secret,
    )?;
    Ok(VerifierRabbit {
        durable_queue: walker.boolean(&rabbit, "durable_queue", DEFAULT_DURABLE_QUEUE)?,
        host: walker.string(&rabbit, "host", Some(DEFAULT_RABBIT_HOST), Text::NonEmpty)?,
        port,
        userid: walker.string(&rabbit, "userid", Some(DEFAULT_RABBIT_USERID), Text::Any)?,
        password: Secret::new(password),
        virtual_host: walker.string(
            &rabbit,
            "virtual_host",
            Some(DEFAULT_RABBIT_VIRTUAL_HOST),
            Text::Any,
        )?,
        topics: topics(walker, &rabbit)?,
    })
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
