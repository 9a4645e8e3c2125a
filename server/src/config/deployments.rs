//! What a loaded deployments file holds: the file ([`DeploymentsFile`]), one RabbitMQ server per
//! deployment ([`DeploymentConfig`], which also builds its AMQP URI) and the exchanges and queues
//! to consume from ([`ExchangeTopics`], [`QueueBinding`]). Plain data: reading the file is
//! `load`'s and the walker's job.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use super::defaults::{
    DEFAULT_DURABLE_QUEUE, DEFAULT_PREFETCH, DEFAULT_RABBIT_HOST, DEFAULT_RABBIT_PASSWORD,
    DEFAULT_RABBIT_PORT, DEFAULT_RABBIT_USERID, DEFAULT_RABBIT_VIRTUAL_HOST,
};
use super::secret::Secret;
use super::uri::{percent_encode, uri_host};

/// A loaded deployments file: every deployment (enabled or not) in file order.
#[derive(Debug, Clone)]
pub struct DeploymentsFile {
    /// The file this was read from, as given (used in messages).
    pub path: PathBuf,
    /// Deployments in file order; names are unique.
    pub deployments: Vec<DeploymentConfig>,
    /// `workers.process_timeout`: how long a consumer may go without a heartbeat.
    pub process_timeout: Duration,
    /// One line per ignored or suspicious part of the file (`<file>: <key path>: <what>`), for
    /// the caller to log; the file still loaded.
    pub warnings: Vec<String>,
}

impl DeploymentsFile {
    /// The deployments whose consumers should run (`enabled` is true).
    pub fn enabled(&self) -> impl Iterator<Item = &DeploymentConfig> {
        self.deployments.iter().filter(|d| d.enabled)
    }

    /// The deployment called `name`, if the file has one.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&DeploymentConfig> {
        self.deployments.iter().find(|d| d.name == name)
    }

    /// Logs every warning at WARN level, so each subcommand reports them the same way.
    pub fn log_warnings(&self) {
        for warning in &self.warnings {
            tracing::warn!(problem = %warning, "Ignoring part of the deployments file.");
        }
    }
}

/// One RabbitMQ server to consume from (v2: one entry of `deployments`).
#[derive(Clone)]
pub struct DeploymentConfig {
    /// Unique name, shown everywhere and stored with every notification.
    pub name: String,
    /// `false` means no consumers are started for this deployment.
    pub enabled: bool,
    /// Broker host name or address.
    pub rabbit_host: String,
    /// Broker port.
    pub rabbit_port: u16,
    /// Broker user name.
    pub rabbit_userid: String,
    /// Broker password; never printed.
    pub rabbit_password: Secret,
    /// AMQP virtual host (`/` by default).
    pub rabbit_virtual_host: String,
    /// Durable flag for both the exchanges and the queues this deployment declares.
    pub durable_queue: bool,
    /// Extra AMQP queue arguments passed through on declare, e.g. `{"x-ha-policy": "all"}`.
    pub queue_arguments: Map<String, Value>,
    /// v2 compatibility: `true` makes a consumer error fatal to the process instead of retried.
    pub exit_on_exception: bool,
    /// Exchanges to consume from, with their queues, in file order.
    pub topics: Vec<ExchangeTopics>,
    /// AMQP `basic.qos` prefetch count per consumer.
    pub prefetch: u16,
    /// Connect with TLS (`amqps`).
    pub rabbit_tls: bool,
    /// AMQP heartbeat to negotiate; `None` leaves the broker's proposal.
    pub heartbeat_seconds: Option<u16>,
}

impl DeploymentConfig {
    /// A deployment with every v2 default and no topics, for tests and generated configs.
    pub fn with_defaults(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            enabled: true,
            rabbit_host: DEFAULT_RABBIT_HOST.to_owned(),
            rabbit_port: DEFAULT_RABBIT_PORT,
            rabbit_userid: DEFAULT_RABBIT_USERID.to_owned(),
            rabbit_password: Secret::new(DEFAULT_RABBIT_PASSWORD),
            rabbit_virtual_host: DEFAULT_RABBIT_VIRTUAL_HOST.to_owned(),
            durable_queue: DEFAULT_DURABLE_QUEUE,
            queue_arguments: Map::new(),
            exit_on_exception: false,
            topics: Vec::new(),
            prefetch: DEFAULT_PREFETCH,
            rabbit_tls: false,
            heartbeat_seconds: None,
        }
    }

    /// The AMQP URI to connect with: user, password and vhost percent-encoded (vhost `/` becomes
    /// `%2f`), scheme `amqps` when `rabbit_tls`, and `?heartbeat=N` when `heartbeat_seconds` is
    /// set. Contains the password: never log it, log [`Self::redacted_uri`] instead.
    #[must_use]
    pub fn amqp_uri(&self) -> String {
        self.uri(&percent_encode(self.rabbit_password.expose()))
    }

    /// [`Self::amqp_uri`] with the password replaced by `***`, for logs and error messages.
    #[must_use]
    pub fn redacted_uri(&self) -> String {
        self.uri("***")
    }

    fn uri(&self, password: &str) -> String {
        let scheme = if self.rabbit_tls { "amqps" } else { "amqp" };
        let query = self
            .heartbeat_seconds
            .map(|seconds| format!("?heartbeat={seconds}"))
            .unwrap_or_default();
        format!(
            "{scheme}://{}:{password}@{}:{}/{}{query}",
            percent_encode(&self.rabbit_userid),
            uri_host(&self.rabbit_host),
            self.rabbit_port,
            percent_encode(&self.rabbit_virtual_host),
        )
    }
}

impl fmt::Debug for DeploymentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeploymentConfig")
            .field("name", &self.name)
            .field("enabled", &self.enabled)
            .field("rabbit_host", &self.rabbit_host)
            .field("rabbit_port", &self.rabbit_port)
            .field("rabbit_userid", &self.rabbit_userid)
            .field("rabbit_password", &self.rabbit_password)
            .field("rabbit_virtual_host", &self.rabbit_virtual_host)
            .field("durable_queue", &self.durable_queue)
            .field("queue_arguments", &self.queue_arguments)
            .field("exit_on_exception", &self.exit_on_exception)
            .field("topics", &self.topics)
            .field("prefetch", &self.prefetch)
            .field("rabbit_tls", &self.rabbit_tls)
            .field("heartbeat_seconds", &self.heartbeat_seconds)
            .finish()
    }
}

/// One exchange of a deployment (a key of v2's `topics`) and the queues bound to it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeTopics {
    /// Exchange name, declared as a `topic` exchange.
    pub exchange: String,
    /// Queues to declare, bind and consume, in file order.
    pub bindings: Vec<QueueBinding>,
}

/// A queue bound to its exchange with a routing key.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueBinding {
    /// Queue name.
    pub queue: String,
    /// Routing key the queue is bound with.
    pub routing_key: String,
}
