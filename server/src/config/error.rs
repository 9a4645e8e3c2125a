//! [`ConfigError`]: why the configuration cannot be used, as one line fit to be the process's
//! exit message (the file or environment variable, the key path, the reason).

use std::path::PathBuf;

/// Why the configuration cannot be used. `Display` is one line naming the file (or environment
/// variable), the key path and the reason, fit to be the process's exit message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The deployments file could not be read (missing, permissions, not UTF-8).
    #[error("{}: cannot read file: {io}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error (kept out of `source()` so chains do not print it twice).
        io: std::io::Error,
    },
    /// The file is not valid JSON.
    #[error("{}: line {line} column {column}: invalid JSON: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's message without its location.
        message: String,
    },
    /// Valid JSON that is not a valid deployments file: a missing key, a wrong type or value.
    #[error("{}: {key}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where in the file, e.g. `deployments[1].rabbit_port`.
        key: String,
        /// What was expected and what was found.
        reason: String,
    },
    /// An environment variable (v2's `STACKTACH_DB_*`) has an unusable value.
    #[error("environment variable {var}: {reason}")]
    Env {
        /// The variable's name.
        var: String,
        /// What is wrong with it.
        reason: String,
    },
}
