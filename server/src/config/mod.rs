//! Configuration shared by every subcommand: the deployments file (which RabbitMQ servers to
//! consume notifications from, in StackTach v2's JSON format), where that file lives, and which
//! database URL to use (flag, `DATABASE_URL`, or v2's `STACKTACH_DB_*` variables).
//!
//! The deployments file is parsed by walking a JSON tree rather than with
//! `#[derive(Deserialize)]`, so that every error names the file and the key path
//! (`etc/x.json: deployments[1].rabbit_port: expected an integer 0-65535, found string "abc"`)
//! and unknown keys become warnings instead of errors. Objects keep the order of the file, so
//! exchanges are listed in the order the operator wrote them. Passwords are held in [`Secret`],
//! whose `Debug` and `Display` print `***`, and database URLs in [`DatabaseUrl`], which prints
//! with its password masked; neither is ever echoed in error messages.
//!
//! # Layout
//! - `load`: [`load`] and [`parse`] (file → [`DeploymentsFile`]) and
//!   [`resolve_deployments_path`] (flag → environment → default).
//! - `deployments`: what a loaded file holds ([`DeploymentsFile`], [`DeploymentConfig`] with its
//!   AMQP URI, [`ExchangeTopics`], [`QueueBinding`]).
//! - `defaults`: the named `DEFAULT_*` values (v2's) for everything a file may leave out.
//! - `schema`: which keys each object of the file may have (known, silently ignored).
//! - `walker`: the generic JSON walk (typed getters, unknown and duplicate keys, errors that
//!   name the file and key path); `sections`: the file's own sections read with it (deployments,
//!   topics and their bindings, queue arguments, workers).
//! - The tree the walker reads is the notification parser's (`crate::notification::json`):
//!   its objects keep the file's order and every repeated key, so warnings follow the file.
//! - `message`: how keys and values are shown in messages (key paths, quoting, "found …");
//!   `suggest`: "did you mean" for misspelt keys.
//! - `database_url`: [`resolve_database_url`], including v2's `STACKTACH_DB_*` variables, and
//!   [`DatabaseUrl`], which prints with its password masked ([`redact_url`]); `uri`:
//!   percent-encoding and hosts for the URIs built from configuration.
//! - `secret`: [`Secret`], a credential that never prints; `error`: [`ConfigError`].
//! - [`retention`]: the `--retention` spec (`STACKTACH_RETENTION`) → [`crate::retention::Policy`].
//! - `verifier/`: the verifier config (v2's `stacktach_verifier_config.json`), read with the
//!   same walker.
//! - `tests/`: unit tests by topic (sample files, valid files, invalid files, URIs, resolution).

pub mod auth;
mod database_url;
mod defaults;
mod deployments;
mod error;
mod load;
mod message;
pub mod retention;
mod schema;
mod secret;
mod sections;
mod suggest;
mod uri;
pub mod verifier;
mod walker;

#[cfg(test)]
mod tests;

pub use database_url::{redact_url, resolve_database_url, DatabaseUrl};
pub use defaults::{
    DEFAULT_DATABASE_URL, DEFAULT_DEPLOYMENTS_FILE, DEFAULT_DURABLE_QUEUE, DEFAULT_PREFETCH,
    DEFAULT_PROCESS_TIMEOUT_SECS, DEFAULT_RABBIT_HOST, DEFAULT_RABBIT_PASSWORD,
    DEFAULT_RABBIT_PORT, DEFAULT_RABBIT_USERID, DEFAULT_RABBIT_VIRTUAL_HOST, DEPLOYMENTS_FILE_ENV,
    V2_DEFAULT_DB_ENGINE,
};
pub use deployments::{DeploymentConfig, DeploymentsFile, ExchangeTopics, QueueBinding};
pub use error::ConfigError;
pub use load::{load, parse, resolve_deployments_path};
pub use secret::Secret;
