//! Opening a deployment's broker connection, and [`AmqpError`]: why a deployment's broker
//! cannot be used right now, the error every consumer stage returns. Its own file so that the
//! consumer's stages share it without importing the module that runs them.

use std::time::Duration;

use lapin::{Connection, ConnectionProperties};

use crate::config::DeploymentConfig;

/// How long a connection attempt may take before it counts as failed.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a deployment's broker cannot be used right now.
#[derive(Debug, thiserror::Error)]
pub enum AmqpError {
    #[error("connecting to {uri} timed out after {secs} s")]
    Timeout { uri: String, secs: u64 },
    #[error("broker error: {0}")]
    Lapin(#[from] lapin::Error),
    #[error("the consumer of queue(s) on exchange {0:?} was cancelled by the broker")]
    Cancelled(String),
    /// The connection left the connected state, or a broker call got no answer in time. After
    /// a clean close by the broker, lapin can leave a pending call (an ack) and the consumers'
    /// streams waiting forever (amqp-rs/lapin#409), so the consumer checks both itself.
    #[error("the broker connection was lost: {0}")]
    Lost(String),
    /// A bug: the deployment's task panicked (the panic's message). The deployment is stopped
    /// as if it had `exit_on_exception`, so a worker left with nothing exits non-zero.
    #[error("the consumer task panicked: {0}")]
    Panicked(String),
}

/// Opens the deployment's AMQP connection.
///
/// # Errors
/// Unreachable broker, refused credentials, unknown vhost, or a timeout.
pub async fn connect(cfg: &DeploymentConfig, name: &str) -> Result<Connection, AmqpError> {
    let properties =
        ConnectionProperties::default().with_connection_name(format!("stacktach:{name}").into());
    match tokio::time::timeout(
        CONNECT_TIMEOUT,
        Connection::connect(&cfg.amqp_uri(), properties),
    )
    .await
    {
        Ok(result) => Ok(result?),
        Err(_) => Err(AmqpError::Timeout {
            uri: cfg.redacted_uri(),
            secs: CONNECT_TIMEOUT.as_secs(),
        }),
    }
}
