//! The verifier config: v2's `stacktach_verifier_config.json`, keys and defaults unchanged
//! (inventory §1.g), found through `STACKTACH_VERIFIER_CONFIG`. Read with the deployments
//! file's walker, so a bad file is one line naming the file, the key and the reason, and
//! unknown keys warn with a suggestion. The password prints as `***`.
//!
//! # Layout
//! - `file`: what a loaded config holds ([`VerifierConfig`], [`VerifierRabbit`],
//!   [`ServiceTopics`]) and what the runner asks of it (services, routing keys, AMQP URI).
//! - `load`: [`VerifierConfig::load`] / [`VerifierConfig::parse`] and
//!   [`verifier_config_path_from_env`].
//! - `read`: the keys each object may have and the getters v2's keys need.
//! - `defaults`: the named `DEFAULT_*` values (v2's).
//! - `tests/`: the sample files, valid files with their defaults, invalid files and their
//!   messages.

mod defaults;
mod file;
mod load;
mod read;

#[cfg(test)]
mod tests;

pub use crate::verifier::{FlavorField, ValidationLevel};
pub use defaults::{
    DEFAULT_BATCHSIZE, DEFAULT_EXPONENTIAL_BACKOFF_LIMIT, DEFAULT_GLANCE_EVENT_TYPE,
    DEFAULT_NOVA_EVENT_TYPE, DEFAULT_RECONCILER_CONFIG, DEFAULT_VERIFIER_PROCESS_TIMEOUT_SECS,
    VERIFIER_CONFIG_ENV,
};
pub use file::{ServiceTopics, VerifierConfig, VerifierRabbit};
pub use load::{resolve_verifier_config_path, verifier_config_path_from_env};
