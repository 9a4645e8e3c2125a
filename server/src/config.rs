//! Configuration shared by every subcommand: the deployments file (which RabbitMQ servers to
//! consume notifications from, in StackTach v2's JSON format, SPEC §3), where that file lives,
//! and which database URL to use (flag, `DATABASE_URL`, or v2's `STACKTACH_DB_*` variables).
//!
//! The deployments file is parsed by walking a JSON tree rather than with
//! `#[derive(Deserialize)]`, so that every error names the file and the key path
//! (`etc/x.json: deployments[1].rabbit_port: expected an integer 0-65535, found string "abc"`)
//! and unknown keys become warnings instead of errors. Objects keep the order of the file, so
//! exchanges are listed in the order the operator wrote them. Passwords are held in [`Secret`],
//! whose `Debug` and `Display` print `***`, and are never echoed in error messages.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Deployments file used when neither `--deployments` nor [`DEPLOYMENTS_FILE_ENV`] is given.
pub const DEFAULT_DEPLOYMENTS_FILE: &str = "etc/stacktach_worker_config.json";
/// Environment variable naming the deployments file (the same name v2 used).
pub const DEPLOYMENTS_FILE_ENV: &str = "STACKTACH_DEPLOYMENTS_FILE";
/// v2's `DEFAULT_PROC_TIMEOUT`: seconds without a consumer heartbeat before it is restarted.
pub const DEFAULT_PROCESS_TIMEOUT_SECS: u64 = 600;
/// AMQP `basic.qos` prefetch count per consumer when a deployment sets no `prefetch`.
pub const DEFAULT_PREFETCH: u16 = 200;
/// v2 default for `rabbit_host`.
pub const DEFAULT_RABBIT_HOST: &str = "localhost";
/// v2 default for `rabbit_port`.
pub const DEFAULT_RABBIT_PORT: u16 = 5672;
/// v2 default for `rabbit_userid`.
pub const DEFAULT_RABBIT_USERID: &str = "rabbit";
/// v2 default for `rabbit_password`.
pub const DEFAULT_RABBIT_PASSWORD: &str = "rabbit";
/// v2 default for `durable_queue` (applies to the exchanges and the queues).
pub const DEFAULT_DURABLE_QUEUE: bool = true;
/// v2 default for `rabbit_virtual_host`.
pub const DEFAULT_RABBIT_VIRTUAL_HOST: &str = "/";
/// Database used when no flag or environment variable names one (created on demand).
pub const DEFAULT_DATABASE_URL: &str = "sqlite://stacktach.db";
/// v2's default `STACKTACH_DB_ENGINE`, used when other `STACKTACH_DB_*` variables are set.
pub const V2_DEFAULT_DB_ENGINE: &str = "django.db.backends.mysql";

const TOP_KEYS: Schema = Schema {
    known: &["deployments", "workers"],
    ignored: &[],
};
const WORKERS_KEYS: Schema = Schema {
    known: &["process_timeout"],
    ignored: &[],
};
const DEPLOYMENT_KEYS: Schema = Schema {
    known: &[
        "name",
        "enabled",
        "rabbit_host",
        "rabbit_port",
        "rabbit_userid",
        "rabbit_password",
        "rabbit_virtual_host",
        "durable_queue",
        "queue_arguments",
        "exit_on_exception",
        "topics",
        "prefetch",
        "rabbit_tls",
        "heartbeat_seconds",
    ],
    // Present in v2's sample and tests but never read by v2.
    ignored: &["queue_name", "queue_name_prefix", "services"],
};
const BINDING_KEYS: Schema = Schema {
    known: &["queue", "routing_key"],
    ignored: &[],
};

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

/// A credential that must never reach a log: `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself, for the one place that needs it (building a connection).
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

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
    let root: Node = serde_json::from_str(text).map_err(|e| syntax_error(path, &e))?;
    let mut walker = Walker {
        file: path,
        warnings: Vec::new(),
    };
    let root = walker.object("", &root, "an object", Some(TOP_KEYS))?;
    let list = root
        .get("deployments")
        .ok_or_else(|| walker.error("deployments", "missing required key"))?;
    let Node::Array(items) = list else {
        return Err(walker.expected("deployments", "a list of deployment objects", list));
    };
    if items.is_empty() {
        walker.warn("deployments", "the list is empty; no consumers will run");
    }
    let mut deployments = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let deployment = walker.deployment(index, item)?;
        if let Some(first) = deployments
            .iter()
            .position(|d: &DeploymentConfig| d.name == deployment.name)
        {
            return Err(walker.error(
                &format!("deployments[{index}].name"),
                format!(
                    "duplicate deployment name {} (also used by deployments[{first}])",
                    quote(&deployment.name)
                ),
            ));
        }
        deployments.push(deployment);
    }
    let process_timeout = walker.process_timeout(&root)?;
    Ok(DeploymentsFile {
        path: path.to_path_buf(),
        deployments,
        process_timeout,
        warnings: walker.warnings,
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

/// The database URL to use: `--database-url` (`cli`), else `DATABASE_URL`, else v2's variables
/// (`STACKTACH_DB_ENGINE`, `_NAME`, `_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`; used when any of
/// them is set, with v2's default engine MySQL), else [`DEFAULT_DATABASE_URL`]. `env` looks up an
/// environment variable, so tests need not touch the process environment. Empty values count
/// as unset. Engines: `django.db.backends.sqlite3` → `sqlite://NAME`, `…postgresql` and
/// `…postgresql_psycopg2` → `postgres://`, `…mysql` → `mysql://`; user, password and database
/// name are percent-encoded.
///
/// # Errors
/// [`ConfigError::Env`] for an unknown engine, a missing `STACKTACH_DB_NAME` or a port that is
/// not a number.
pub fn resolve_database_url(
    cli: Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(url) = cli.filter(|v| !v.trim().is_empty()) {
        return Ok(url);
    }
    if let Some(url) = var("DATABASE_URL") {
        return Ok(url);
    }
    let v2 = V2Database {
        engine: var("STACKTACH_DB_ENGINE"),
        name: var("STACKTACH_DB_NAME"),
        host: var("STACKTACH_DB_HOST"),
        port: var("STACKTACH_DB_PORT"),
        username: var("STACKTACH_DB_USERNAME"),
        password: var("STACKTACH_DB_PASSWORD"),
    };
    if v2.is_unset() {
        return Ok(DEFAULT_DATABASE_URL.to_owned());
    }
    v2.url()
}

/// v2's `STACKTACH_DB_*` settings (Django `DATABASES['default']`).
struct V2Database {
    engine: Option<String>,
    name: Option<String>,
    host: Option<String>,
    port: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

impl V2Database {
    fn is_unset(&self) -> bool {
        [
            &self.engine,
            &self.name,
            &self.host,
            &self.port,
            &self.username,
            &self.password,
        ]
        .iter()
        .all(|v| v.is_none())
    }

    fn url(&self) -> Result<String, ConfigError> {
        let scheme = self.scheme()?;
        let name = self.name.as_deref().ok_or_else(|| {
            env_error(
                "STACKTACH_DB_NAME",
                "required when other STACKTACH_DB_* variables are set",
            )
        })?;
        if scheme == "sqlite" {
            return Ok(format!("sqlite://{name}"));
        }
        // Django treats a host starting with "/" as a Unix socket directory.
        let socket = self.host.as_deref().filter(|h| h.starts_with('/'));
        let host = match (&self.host, socket) {
            (Some(host), None) => uri_host(host),
            _ => "localhost".to_owned(),
        };
        let port = match &self.port {
            Some(port) => format!(":{}", parse_port(port)?),
            None => String::new(),
        };
        let query = match socket {
            Some(socket) if scheme == "postgres" => format!("?host={}", percent_encode(socket)),
            Some(socket) => format!("?socket={}", percent_encode(socket)),
            None => String::new(),
        };
        let url = format!(
            "{scheme}://{}{host}{port}/{}{query}",
            self.userinfo(),
            percent_encode(name)
        );
        Ok(url)
    }

    fn scheme(&self) -> Result<&'static str, ConfigError> {
        let engine = self.engine.as_deref().unwrap_or(V2_DEFAULT_DB_ENGINE);
        match engine.rsplit('.').next().unwrap_or(engine) {
            "sqlite3" | "sqlite" => Ok("sqlite"),
            "postgresql" | "postgresql_psycopg2" | "postgres" => Ok("postgres"),
            "mysql" => Ok("mysql"),
            _ => Err(env_error(
                "STACKTACH_DB_ENGINE",
                format!(
                    "unsupported engine {} (expected django.db.backends.sqlite3, \
                     postgresql, postgresql_psycopg2 or mysql)",
                    quote(engine)
                ),
            )),
        }
    }

    /// `user:password@`, percent-encoded, or nothing when neither is set.
    fn userinfo(&self) -> String {
        if self.username.is_none() && self.password.is_none() {
            return String::new();
        }
        let user = percent_encode(self.username.as_deref().unwrap_or(""));
        match &self.password {
            Some(password) => format!("{user}:{}@", percent_encode(password)),
            None => format!("{user}@"),
        }
    }
}

fn parse_port(port: &str) -> Result<u16, ConfigError> {
    port.trim().parse().map_err(|_| {
        env_error(
            "STACKTACH_DB_PORT",
            format!("expected an integer 0-65535, found {}", quote(port)),
        )
    })
}

fn env_error(var: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Env {
        var: var.to_owned(),
        reason: reason.into(),
    }
}

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

/// Which keys an object may have: `known` ones are read, `ignored` ones are accepted silently
/// (v2 never read them either), anything else warns.
#[derive(Clone, Copy)]
struct Schema {
    known: &'static [&'static str],
    ignored: &'static [&'static str],
}

/// How a string value is checked and reported.
#[derive(Clone, Copy, PartialEq)]
enum Text {
    Any,
    NonEmpty,
    /// Any string; a value of the wrong type is reported without showing it.
    Secret,
}

/// Walks the parsed tree, collecting warnings and building errors that name the file.
struct Walker<'f> {
    file: &'f Path,
    warnings: Vec<String>,
}

impl Walker<'_> {
    fn error(&self, key: &str, reason: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.file.to_path_buf(),
            key: if key.is_empty() { "top level" } else { key }.to_owned(),
            reason: reason.into(),
        }
    }

    fn expected(&self, key: &str, expected: &str, found: &Node) -> ConfigError {
        self.error(
            key,
            format!("expected {expected}, found {}", found.describe()),
        )
    }

    fn warn(&mut self, key: &str, message: impl fmt::Display) {
        let key = if key.is_empty() { "top level" } else { key };
        self.warnings
            .push(format!("{}: {key}: {message}", self.file.display()));
    }

    /// `node` as an object at `key`; with a schema, unknown keys warn. Duplicate keys warn and,
    /// as in Python's `json`, keep the first position and the last value.
    fn object<'n>(
        &mut self,
        key: &str,
        node: &'n Node,
        expected: &str,
        schema: Option<Schema>,
    ) -> Result<Obj<'n>, ConfigError> {
        let Node::Object(members) = node else {
            return Err(self.expected(key, expected, node));
        };
        let mut entries: Vec<(&'n str, &'n Node)> = Vec::with_capacity(members.len());
        for (name, value) in members {
            let path = key_path(key, name);
            if let Some(entry) = entries.iter_mut().find(|(k, _)| *k == name.as_str()) {
                entry.1 = value;
                self.warn(&path, "duplicate key; the last value is used");
                continue;
            }
            entries.push((name, value));
            let Some(schema) = schema else { continue };
            if schema.known.contains(&name.as_str()) || schema.ignored.contains(&name.as_str()) {
                continue;
            }
            match closest(name, schema.known) {
                Some(near) => self.warn(
                    &path,
                    format!("unknown key ignored (did you mean {}?)", quote(near)),
                ),
                None => self.warn(&path, "unknown key ignored"),
            }
        }
        Ok(Obj {
            key: key.to_owned(),
            entries,
        })
    }

    fn string(
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
            Some(found @ Node::String(s)) if rule == Text::NonEmpty && s.trim().is_empty() => {
                Err(self.expected(&key, "a non-empty string", found))
            }
            Some(Node::String(s)) => Ok(s.clone()),
            Some(found) if rule == Text::Secret => {
                Err(self.error(&key, format!("expected a string, found {}", found.kind())))
            }
            Some(found) => Err(self.expected(&key, "a string", found)),
        }
    }

    fn boolean(&self, obj: &Obj<'_>, name: &str, default: bool) -> Result<bool, ConfigError> {
        match obj.get(name) {
            None => Ok(default),
            Some(Node::Bool(b)) => Ok(*b),
            Some(found) => Err(self.expected(&obj.path(name), "true or false", found)),
        }
    }

    /// An optional integer `min..=65535`; `null` counts as absent when `null_is_unset`.
    fn u16_at_least(
        &self,
        obj: &Obj<'_>,
        name: &str,
        min: u16,
        null_is_unset: bool,
    ) -> Result<Option<u16>, ConfigError> {
        let node = match obj.get(name) {
            None => return Ok(None),
            Some(Node::Null) if null_is_unset => return Ok(None),
            Some(node) => node,
        };
        let value = match node {
            Node::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            _ => None,
        };
        match value.filter(|v| *v >= min) {
            Some(v) => Ok(Some(v)),
            None => Err(self.expected(&obj.path(name), &format!("an integer {min}-65535"), node)),
        }
    }

    fn deployment(&mut self, index: usize, node: &Node) -> Result<DeploymentConfig, ConfigError> {
        let key = format!("deployments[{index}]");
        let obj = self.object(&key, node, "an object", Some(DEPLOYMENT_KEYS))?;
        let name = self.string(&obj, "name", None, Text::NonEmpty)?;
        let password = self.string(
            &obj,
            "rabbit_password",
            Some(DEFAULT_RABBIT_PASSWORD),
            Text::Secret,
        )?;
        Ok(DeploymentConfig {
            enabled: self.boolean(&obj, "enabled", true)?,
            rabbit_host: self.string(
                &obj,
                "rabbit_host",
                Some(DEFAULT_RABBIT_HOST),
                Text::NonEmpty,
            )?,
            rabbit_port: self
                .u16_at_least(&obj, "rabbit_port", 0, false)?
                .unwrap_or(DEFAULT_RABBIT_PORT),
            rabbit_userid: self.string(
                &obj,
                "rabbit_userid",
                Some(DEFAULT_RABBIT_USERID),
                Text::Any,
            )?,
            rabbit_password: Secret(password),
            rabbit_virtual_host: self.string(
                &obj,
                "rabbit_virtual_host",
                Some(DEFAULT_RABBIT_VIRTUAL_HOST),
                Text::Any,
            )?,
            durable_queue: self.boolean(&obj, "durable_queue", DEFAULT_DURABLE_QUEUE)?,
            queue_arguments: self.queue_arguments(&obj)?,
            exit_on_exception: self.boolean(&obj, "exit_on_exception", false)?,
            topics: self.topics(&obj, &name)?,
            prefetch: self
                .u16_at_least(&obj, "prefetch", 1, false)?
                .unwrap_or(DEFAULT_PREFETCH),
            rabbit_tls: self.boolean(&obj, "rabbit_tls", false)?,
            heartbeat_seconds: self.u16_at_least(&obj, "heartbeat_seconds", 0, true)?,
            name,
        })
    }

    fn queue_arguments(&mut self, obj: &Obj<'_>) -> Result<Map<String, Value>, ConfigError> {
        let Some(node) = obj.get("queue_arguments") else {
            return Ok(Map::new());
        };
        let args = self.object(&obj.path("queue_arguments"), node, "an object", None)?;
        Ok(args
            .entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.to_value()))
            .collect())
    }

    fn topics(&mut self, obj: &Obj<'_>, name: &str) -> Result<Vec<ExchangeTopics>, ConfigError> {
        let key = obj.path("topics");
        let no_topics = format!(
            "deployment {} has no topics; it will consume nothing",
            quote(name)
        );
        let Some(node) = obj.get("topics") else {
            self.warn(&key, no_topics);
            return Ok(Vec::new());
        };
        let expected = "an object mapping exchange names to lists of queue bindings";
        let topics = self.object(&key, node, expected, None)?;
        if topics.entries.is_empty() {
            self.warn(&key, no_topics);
        }
        let mut exchanges = Vec::with_capacity(topics.entries.len());
        for (exchange, list) in &topics.entries {
            let exchange_key = key_path(&key, exchange);
            if exchange.trim().is_empty() {
                return Err(self.error(&exchange_key, "exchange name must not be empty"));
            }
            let Node::Array(items) = list else {
                let expected = r#"a list of {"queue": …, "routing_key": …} objects"#;
                return Err(self.expected(&exchange_key, expected, list));
            };
            if items.is_empty() {
                self.warn(
                    &exchange_key,
                    format!(
                        "exchange {} has no queues; nothing is consumed from it",
                        quote(exchange)
                    ),
                );
            }
            let mut bindings = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let binding_key = format!("{exchange_key}[{index}]");
                let expected = r#"an object with "queue" and "routing_key""#;
                let binding = self.object(&binding_key, item, expected, Some(BINDING_KEYS))?;
                bindings.push(QueueBinding {
                    queue: self.string(&binding, "queue", None, Text::NonEmpty)?,
                    routing_key: self.string(&binding, "routing_key", None, Text::Any)?,
                });
            }
            exchanges.push(ExchangeTopics {
                exchange: (*exchange).to_owned(),
                bindings,
            });
        }
        Ok(exchanges)
    }

    fn process_timeout(&mut self, root: &Obj<'_>) -> Result<Duration, ConfigError> {
        let default = Duration::from_secs(DEFAULT_PROCESS_TIMEOUT_SECS);
        let Some(node) = root.get("workers") else {
            return Ok(default);
        };
        let workers = self.object("workers", node, "an object", Some(WORKERS_KEYS))?;
        let Some(node) = workers.get("process_timeout") else {
            return Ok(default);
        };
        let timeout = match node {
            Node::Number(n) => match n.as_u64() {
                Some(secs) => Some(Duration::from_secs(secs)),
                None => n
                    .as_f64()
                    .and_then(|secs| Duration::try_from_secs_f64(secs).ok()),
            },
            _ => None,
        };
        timeout.filter(|t| !t.is_zero()).ok_or_else(|| {
            self.expected(
                "workers.process_timeout",
                "a positive number of seconds",
                node,
            )
        })
    }
}

/// An object's members (duplicates resolved) and its key path.
struct Obj<'n> {
    key: String,
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Obj<'n> {
    fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    fn path(&self, name: &str) -> String {
        key_path(&self.key, name)
    }
}

/// `parent.key`, or `parent["odd key"]` when the key is not a plain identifier.
fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{}]", quote(key)),
    }
}

/// A string as a JSON literal (quoted and escaped), shortened when long.
fn quote(s: &str) -> String {
    const MAX_CHARS: usize = 60;
    if s.chars().count() > MAX_CHARS {
        let short: String = s.chars().take(MAX_CHARS).collect();
        let quoted = serde_json::Value::String(short).to_string();
        format!("{}…\"", quoted.trim_end_matches('"'))
    } else {
        serde_json::Value::String(s.to_owned()).to_string()
    }
}

/// The known key nearest to an unknown one, if it looks like a typo of it.
fn closest(unknown: &str, known: &[&'static str]) -> Option<&'static str> {
    known
        .iter()
        .map(|k| (edit_distance(unknown, k), *k))
        .filter(|(d, _)| *d <= 2 && *d < unknown.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Percent-encodes everything but RFC 3986 unreserved characters, with lowercase hex
/// (`/` → `%2f`, as RabbitMQ's documentation writes the default vhost).
fn percent_encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// A host for a URI authority: IPv6 literals get brackets.
fn uri_host(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// A JSON value whose objects keep their members in file order (serde_json's `Map` sorts them
/// unless its `preserve_order` feature is on), including duplicate keys, which the walker
/// resolves.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The kind and value, for "found …" in messages.
    fn describe(&self) -> String {
        match self {
            Node::Null => "null".to_owned(),
            Node::Bool(b) => format!("boolean {b}"),
            Node::Number(n) => format!("number {n}"),
            Node::String(s) => format!("string {}", quote(s)),
            Node::Array(_) | Node::Object(_) => self.kind().to_owned(),
        }
    }

    /// The kind only, for values that must not be echoed.
    fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Number(_) => "a number",
            Node::String(_) => "a string",
            Node::Array(_) => "a list",
            Node::Object(_) => "an object",
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.clone()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Number::from_f64(v).map_or(Node::Null, Node::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            members.push((key, value));
        }
        Ok(Node::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const X: &str = "etc/x.json";

    fn etc(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join("etc")
            .join(name)
    }

    fn parse_ok(text: &str) -> DeploymentsFile {
        match parse(Path::new(X), text) {
            Ok(file) => file,
            Err(e) => panic!("expected {text} to parse, got: {e}"),
        }
    }

    fn parse_err(text: &str) -> String {
        match parse(Path::new(X), text) {
            Ok(file) => panic!("expected {text} to fail, got {file:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn binding(queue: &str, routing_key: &str) -> QueueBinding {
        QueueBinding {
            queue: queue.to_owned(),
            routing_key: routing_key.to_owned(),
        }
    }

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn every_sample_in_etc_loads_without_warnings() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../etc");
        let mut loaded = 0;
        for entry in std::fs::read_dir(&dir).expect("etc/ is readable") {
            let path = entry.expect("directory entry").path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let file = load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!file.deployments.is_empty(), "{}", path.display());
            assert_eq!(file.warnings, Vec::<String>::new(), "{}", path.display());
            loaded += 1;
        }
        assert!(loaded >= 3, "expected the three samples, loaded {loaded}");
    }

    #[test]
    fn v2_sample_values_are_exact() {
        let file = load(&etc("sample_stacktach_worker_config.json")).expect("v2 sample loads");
        assert_eq!(file.process_timeout, Duration::from_secs(600));
        assert_eq!(file.deployments.len(), 2);

        let global = &file.deployments[0];
        assert_eq!(global.name, "east_coast.prod.global");
        assert!(global.enabled);
        assert!(!global.durable_queue);
        assert_eq!(global.rabbit_host, "10.0.0.1");
        assert_eq!(global.rabbit_port, 5672);
        assert_eq!(global.rabbit_userid, "rabbit");
        assert_eq!(global.rabbit_password.expose(), "rabbit");
        assert_eq!(global.rabbit_virtual_host, "/");
        assert!(global.exit_on_exception);
        assert_eq!(global.prefetch, DEFAULT_PREFETCH);
        assert!(global.queue_arguments.is_empty());
        assert_eq!(
            global.topics,
            vec![
                ExchangeTopics {
                    exchange: "nova".to_owned(),
                    bindings: vec![
                        binding("monitor.info", "monitor.info"),
                        binding("monitor.error", "monitor.error"),
                    ],
                },
                ExchangeTopics {
                    exchange: "glance".to_owned(),
                    bindings: vec![
                        binding("stacktach_monitor_glance.info", "monitor_glance.info"),
                        binding("stacktach_monitor_glance.error", "monitor_glance.error"),
                    ],
                },
            ]
        );

        let cell = &file.deployments[1];
        assert_eq!(cell.name, "east_coast.prod.cell1");
        assert_eq!(cell.rabbit_host, "10.0.1.1");
        assert!(!cell.exit_on_exception);
        assert_eq!(cell.topics.len(), 1);
        assert_eq!(cell.topics[0].exchange, "nova");
        assert_eq!(cell.topics[0].bindings.len(), 2);
    }

    #[test]
    fn default_file_is_the_local_demo_deployment() {
        let file = load(&etc("stacktach_worker_config.json")).expect("default file loads");
        assert_eq!(file.process_timeout, Duration::from_secs(600));
        let [local] = file.deployments.as_slice() else {
            panic!("expected one deployment, got {:?}", file.deployments);
        };
        assert_eq!(local.name, "local");
        assert_eq!(local.amqp_uri(), "amqp://guest:guest@127.0.0.1:5672/%2f");
        assert!(local.durable_queue);
        let exchanges: Vec<_> = local.topics.iter().map(|t| t.exchange.as_str()).collect();
        assert_eq!(exchanges, ["nova", "glance"]);
        assert_eq!(
            local.topics[0].bindings,
            vec![
                binding("stacktach_monitor.info", "monitor.info"),
                binding("stacktach_monitor.error", "monitor.error"),
            ]
        );
        assert_eq!(
            local.topics[1].bindings,
            vec![
                binding("stacktach_monitor_glance.info", "monitor_glance.info"),
                binding("stacktach_monitor_glance.error", "monitor_glance.error"),
            ]
        );
    }

    #[test]
    fn multi_cell_sample_uses_the_new_keys() {
        let file = load(&etc("sample_multi_cell.json")).expect("multi-cell sample loads");
        assert_eq!(file.deployments.len(), 3);
        let enabled: Vec<_> = file.enabled().map(|d| d.name.as_str()).collect();
        assert_eq!(enabled, ["region1.global", "region1.cell1"]);
        let global = file.get("region1.global").expect("global cell");
        assert!(global.rabbit_tls);
        assert_eq!(global.heartbeat_seconds, Some(30));
        assert_eq!(
            global.queue_arguments.get("x-ha-policy"),
            Some(&Value::String("all".to_owned()))
        );
        assert_eq!(
            global.redacted_uri(),
            "amqps://stacktach:***@rabbit-global.region1.example.com:5671/%2f?heartbeat=30"
        );
        let cell1 = file.get("region1.cell1").expect("cell1");
        assert_eq!(cell1.prefetch, 500);
        assert_ne!(cell1.rabbit_host, global.rabbit_host);
    }

    #[test]
    fn defaults_are_applied() {
        let file = parse_ok(r#"{"deployments": [{"name": "a", "topics": {"nova": []}}]}"#);
        assert_eq!(
            file.process_timeout,
            Duration::from_secs(DEFAULT_PROCESS_TIMEOUT_SECS)
        );
        let d = &file.deployments[0];
        let expected = DeploymentConfig {
            topics: vec![ExchangeTopics {
                exchange: "nova".to_owned(),
                bindings: vec![],
            }],
            ..DeploymentConfig::with_defaults("a")
        };
        assert_eq!(format!("{d:?}"), format!("{expected:?}"));
        assert!(d.enabled && d.durable_queue && !d.exit_on_exception && !d.rabbit_tls);
        assert_eq!(
            (
                d.rabbit_host.as_str(),
                d.rabbit_port,
                d.rabbit_userid.as_str()
            ),
            ("localhost", 5672, "rabbit")
        );
        assert_eq!(d.rabbit_password.expose(), "rabbit");
        assert_eq!(d.rabbit_virtual_host, "/");
        assert_eq!(d.prefetch, 200);
        assert_eq!(d.heartbeat_seconds, None);
        assert_eq!(
            file.warnings,
            [
                r#"etc/x.json: deployments[0].topics.nova: exchange "nova" has no queues; nothing is consumed from it"#
            ]
        );
    }

    #[test]
    fn workers_process_timeout_is_read() {
        let file = parse_ok(r#"{"workers": {"process_timeout": 90}, "deployments": []}"#);
        assert_eq!(file.process_timeout, Duration::from_secs(90));
        let file = parse_ok(r#"{"workers": {"process_timeout": 1.5}, "deployments": []}"#);
        assert_eq!(file.process_timeout, Duration::from_millis(1500));
        let file = parse_ok(r#"{"workers": {}, "deployments": []}"#);
        assert_eq!(file.process_timeout, Duration::from_secs(600));
    }

    #[test]
    fn ignored_v2_keys_are_accepted_without_warning() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "queue_name": "stacktach",
                "queue_name_prefix": "st_", "services": ["nova", "glance"],
                "topics": {"nova": [{"queue": "q", "routing_key": "k"}]}}]}"#,
        );
        assert_eq!(file.warnings, Vec::<String>::new());
    }

    #[test]
    fn unknown_keys_warn_with_their_key_path() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "rabbit_hots": "h", "colour": "blue",
                "topics": {"nova": [{"queue": "q", "routing_key": "k", "x": 1}]}}],
                "extra": true, "workers": {"procs": 3}}"#,
        );
        assert_eq!(
            file.warnings,
            [
                "etc/x.json: extra: unknown key ignored",
                r#"etc/x.json: deployments[0].rabbit_hots: unknown key ignored (did you mean "rabbit_host"?)"#,
                "etc/x.json: deployments[0].colour: unknown key ignored",
                "etc/x.json: deployments[0].topics.nova[0].x: unknown key ignored",
                "etc/x.json: workers.procs: unknown key ignored",
            ]
        );
        assert_eq!(file.deployments[0].rabbit_host, "localhost");
    }

    #[test]
    fn deployment_without_topics_is_valid_but_warns() {
        let file = parse_ok(r#"{"deployments": [{"name": "a"}, {"name": "b", "topics": {}}]}"#);
        assert_eq!(file.deployments.len(), 2);
        assert!(file.deployments.iter().all(|d| d.topics.is_empty()));
        assert_eq!(
            file.warnings,
            [
                r#"etc/x.json: deployments[0].topics: deployment "a" has no topics; it will consume nothing"#,
                r#"etc/x.json: deployments[1].topics: deployment "b" has no topics; it will consume nothing"#,
            ]
        );
    }

    #[test]
    fn empty_deployments_list_warns() {
        let file = parse_ok(r#"{"deployments": []}"#);
        assert_eq!(
            file.warnings,
            ["etc/x.json: deployments: the list is empty; no consumers will run"]
        );
    }

    #[test]
    fn topics_keep_file_order() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "topics": {
                "zeta": [{"queue": "z2", "routing_key": "k"}, {"queue": "z1", "routing_key": "k"}],
                "alpha": [{"queue": "a", "routing_key": "k"}],
                "openstack.notifications": [{"queue": "o", "routing_key": ""}]}}]}"#,
        );
        let topics = &file.deployments[0].topics;
        let exchanges: Vec<_> = topics.iter().map(|t| t.exchange.as_str()).collect();
        assert_eq!(exchanges, ["zeta", "alpha", "openstack.notifications"]);
        let queues: Vec<_> = topics[0]
            .bindings
            .iter()
            .map(|b| b.queue.as_str())
            .collect();
        assert_eq!(queues, ["z2", "z1"]);
        assert_eq!(topics[2].bindings[0].routing_key, "");
    }

    #[test]
    fn duplicate_json_keys_warn_and_the_last_value_wins() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "topics": {}, "rabbit_port": 1, "rabbit_port": 2}]}"#,
        );
        assert_eq!(file.deployments[0].rabbit_port, 2);
        assert!(file.warnings.contains(
            &"etc/x.json: deployments[0].rabbit_port: duplicate key; the last value is used"
                .to_owned()
        ));
    }

    #[test]
    fn queue_arguments_pass_through() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "topics": {},
                "queue_arguments": {"x-ha-policy": "all", "x-message-ttl": 60000}}]}"#,
        );
        let args = &file.deployments[0].queue_arguments;
        assert_eq!(args.get("x-ha-policy"), Some(&Value::from("all")));
        assert_eq!(args.get("x-message-ttl"), Some(&Value::from(60000)));
    }

    #[test]
    fn new_optional_keys_are_read() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "topics": {}, "prefetch": 1,
                "rabbit_tls": true, "heartbeat_seconds": 0}, {"name": "b", "topics": {},
                "heartbeat_seconds": null, "prefetch": 65535}]}"#,
        );
        let [a, b] = file.deployments.as_slice() else {
            panic!("two deployments");
        };
        assert_eq!(
            (a.prefetch, a.rabbit_tls, a.heartbeat_seconds),
            (1, true, Some(0))
        );
        assert_eq!(
            (b.prefetch, b.rabbit_tls, b.heartbeat_seconds),
            (65535, false, None)
        );
    }

    #[test]
    fn bad_json_reports_line_and_column() {
        let text = "{\"deployments\": [\n  {\"name\": \"a\"\n    \"topics\": {}}\n]}";
        assert_eq!(
            parse_err(text),
            "etc/x.json: line 3 column 5: invalid JSON: expected `,` or `}`"
        );
        assert_eq!(
            parse_err(""),
            "etc/x.json: line 1 column 0: invalid JSON: EOF while parsing a value"
        );
    }

    #[test]
    fn missing_name_is_an_error() {
        let text = r#"{"deployments": [{"name": "a", "topics": {}}, {"rabbit_host": "h"}]}"#;
        assert_eq!(
            parse_err(text),
            r#"etc/x.json: deployments[1].name: missing required key "name""#
        );
        assert_eq!(
            parse_err(r#"{"deployments": [{"name": " "}]}"#),
            r#"etc/x.json: deployments[0].name: expected a non-empty string, found string " ""#
        );
    }

    #[test]
    fn wrong_type_for_rabbit_port_is_an_error() {
        let with_port = |port: &str| {
            parse_err(&format!(
                r#"{{"deployments": [{{"name": "a", "rabbit_port": {port}}}]}}"#
            ))
        };
        assert_eq!(
            with_port(r#""abc""#),
            r#"etc/x.json: deployments[0].rabbit_port: expected an integer 0-65535, found string "abc""#
        );
        assert_eq!(
            with_port("70000"),
            "etc/x.json: deployments[0].rabbit_port: expected an integer 0-65535, found number 70000"
        );
        assert_eq!(
            with_port("-1"),
            "etc/x.json: deployments[0].rabbit_port: expected an integer 0-65535, found number -1"
        );
    }

    #[test]
    fn wrong_type_for_durable_queue_is_an_error() {
        assert_eq!(
            parse_err(r#"{"deployments": [{"name": "a", "durable_queue": "yes"}]}"#),
            r#"etc/x.json: deployments[0].durable_queue: expected true or false, found string "yes""#
        );
    }

    #[test]
    fn wrong_shape_of_topics_is_an_error() {
        let with_topics = |topics: &str| {
            parse_err(&format!(
                r#"{{"deployments": [{{"name": "a", "topics": {topics}}}]}}"#
            ))
        };
        assert_eq!(
            with_topics(r#"["nova"]"#),
            "etc/x.json: deployments[0].topics: expected an object mapping exchange names to \
             lists of queue bindings, found a list"
        );
        assert_eq!(
            with_topics(r#"{"nova": {"queue": "q"}}"#),
            r#"etc/x.json: deployments[0].topics.nova: expected a list of {"queue": …, "routing_key": …} objects, found an object"#
        );
        assert_eq!(
            with_topics(r#"{"nova": ["monitor.info"]}"#),
            r#"etc/x.json: deployments[0].topics.nova[0]: expected an object with "queue" and "routing_key", found string "monitor.info""#
        );
        assert_eq!(
            with_topics(r#"{"nova": [{"queue": "q"}]}"#),
            r#"etc/x.json: deployments[0].topics.nova[0].routing_key: missing required key "routing_key""#
        );
        assert_eq!(
            with_topics(r#"{"nova": [{"queue": 5, "routing_key": "k"}]}"#),
            "etc/x.json: deployments[0].topics.nova[0].queue: expected a string, found number 5"
        );
        assert_eq!(
            with_topics(r#"{"": []}"#),
            r#"etc/x.json: deployments[0].topics[""]: exchange name must not be empty"#
        );
    }

    #[test]
    fn missing_deployments_is_an_error() {
        assert_eq!(
            parse_err(r#"{"workers": {}}"#),
            "etc/x.json: deployments: missing required key"
        );
        assert_eq!(
            parse_err(r#"{"deployments": {"name": "a"}}"#),
            "etc/x.json: deployments: expected a list of deployment objects, found an object"
        );
        assert_eq!(
            parse_err("[]"),
            "etc/x.json: top level: expected an object, found a list"
        );
    }

    #[test]
    fn duplicate_deployment_names_are_an_error() {
        let text = r#"{"deployments": [{"name": "a"}, {"name": "b"}, {"name": "a"}]}"#;
        assert_eq!(
            parse_err(text),
            r#"etc/x.json: deployments[2].name: duplicate deployment name "a" (also used by deployments[0])"#
        );
    }

    #[test]
    fn other_bad_values_are_errors() {
        assert_eq!(
            parse_err(r#"{"deployments": [{"name": "a", "prefetch": 0}]}"#),
            "etc/x.json: deployments[0].prefetch: expected an integer 1-65535, found number 0"
        );
        assert_eq!(
            parse_err(r#"{"deployments": [], "workers": {"process_timeout": "10"}}"#),
            r#"etc/x.json: workers.process_timeout: expected a positive number of seconds, found string "10""#
        );
        assert_eq!(
            parse_err(r#"{"deployments": [], "workers": {"process_timeout": -5}}"#),
            "etc/x.json: workers.process_timeout: expected a positive number of seconds, found number -5"
        );
        assert_eq!(
            parse_err(r#"{"deployments": [{"name": "a", "queue_arguments": []}]}"#),
            "etc/x.json: deployments[0].queue_arguments: expected an object, found a list"
        );
    }

    #[test]
    fn wrong_type_for_password_does_not_echo_it() {
        let message =
            parse_err(r#"{"deployments": [{"name": "a", "rabbit_password": 918273645}]}"#);
        assert_eq!(
            message,
            "etc/x.json: deployments[0].rabbit_password: expected a string, found a number"
        );
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let missing = Path::new("etc/does-not-exist.json");
        let message = load(missing).expect_err("missing file").to_string();
        assert_eq!(
            message,
            "etc/does-not-exist.json: cannot read file: No such file or directory (os error 2)"
        );
    }

    #[test]
    fn load_reads_a_file_from_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("deployments.json");
        std::fs::write(
            &path,
            "\u{feff}{\"deployments\": [{\"name\": \"a\", \"topics\": {}}]}",
        )
        .expect("write");
        let file = load(&path).expect("loads, BOM and all");
        assert_eq!(file.path, path);
        assert_eq!(file.deployments[0].name, "a");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let file = parse_ok(
            r#"{"deployments": [{"name": "a", "topics": {}, "rabbit_password": "hunter2-s3cret"}]}"#,
        );
        let d = &file.deployments[0];
        assert_eq!(d.rabbit_password.expose(), "hunter2-s3cret");
        for shown in [format!("{d:?}"), format!("{d:#?}"), format!("{file:?}")] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        assert_eq!(d.rabbit_password.to_string(), "***");
        assert!(!d.redacted_uri().contains("hunter2"));
    }

    #[test]
    fn amqp_uri_encodes_vhost_user_and_password() {
        let mut d = DeploymentConfig::with_defaults("a");
        assert_eq!(d.amqp_uri(), "amqp://rabbit:rabbit@localhost:5672/%2f");
        d.rabbit_userid = "st user".to_owned();
        d.rabbit_password = Secret::new("p@ss:w/rd%#?");
        d.rabbit_virtual_host = "nova/cell1".to_owned();
        assert_eq!(
            d.amqp_uri(),
            "amqp://st%20user:p%40ss%3aw%2frd%25%23%3f@localhost:5672/nova%2fcell1"
        );
        assert_eq!(
            d.redacted_uri(),
            "amqp://st%20user:***@localhost:5672/nova%2fcell1"
        );
    }

    #[test]
    fn amqp_uri_tls_heartbeat_and_ipv6() {
        let d = DeploymentConfig {
            rabbit_tls: true,
            heartbeat_seconds: Some(15),
            rabbit_host: "::1".to_owned(),
            rabbit_port: 5671,
            rabbit_virtual_host: String::new(),
            ..DeploymentConfig::with_defaults("a")
        };
        assert_eq!(
            d.amqp_uri(),
            "amqps://rabbit:rabbit@[::1]:5671/?heartbeat=15"
        );
    }

    #[test]
    fn amqp_uri_round_trips_through_lapin() {
        let d = DeploymentConfig {
            rabbit_host: "rabbit.example.com".to_owned(),
            rabbit_port: 5671,
            rabbit_userid: "st user".to_owned(),
            rabbit_password: Secret::new("p@ss:w/rd%#?"),
            rabbit_virtual_host: "nova/cell1".to_owned(),
            rabbit_tls: true,
            heartbeat_seconds: Some(15),
            ..DeploymentConfig::with_defaults("a")
        };
        let uri: lapin::uri::AMQPUri = d.amqp_uri().parse().expect("lapin parses it");
        assert_eq!(uri.scheme, lapin::uri::AMQPScheme::AMQPS);
        assert_eq!(uri.authority.userinfo.username, "st user");
        assert_eq!(uri.authority.userinfo.password, "p@ss:w/rd%#?");
        assert_eq!(uri.authority.host, "rabbit.example.com");
        assert_eq!(uri.authority.port, 5671);
        assert_eq!(uri.vhost, "nova/cell1");
        assert_eq!(uri.query.heartbeat, Some(15));
        let default: lapin::uri::AMQPUri = DeploymentConfig::with_defaults("b")
            .amqp_uri()
            .parse()
            .expect("lapin parses the default");
        assert_eq!(default.vhost, "/");
    }

    #[test]
    fn deployments_path_precedence() {
        let cli = Some(PathBuf::from("cli.json"));
        let env = Some("env.json".to_owned());
        assert_eq!(
            resolve_deployments_path(cli, env.clone()),
            PathBuf::from("cli.json")
        );
        assert_eq!(
            resolve_deployments_path(None, env),
            PathBuf::from("env.json")
        );
        assert_eq!(
            resolve_deployments_path(None, Some(String::new())),
            PathBuf::from(DEFAULT_DEPLOYMENTS_FILE)
        );
        assert_eq!(
            resolve_deployments_path(None, None),
            PathBuf::from("etc/stacktach_worker_config.json")
        );
    }

    #[test]
    fn database_url_precedence() {
        let env = env_of(&[
            ("DATABASE_URL", "postgres://env/db"),
            ("STACKTACH_DB_ENGINE", "django.db.backends.sqlite3"),
            ("STACKTACH_DB_NAME", "v2.db"),
        ]);
        let resolve = |cli: Option<&str>, env: &dyn Fn(&str) -> Option<String>| {
            resolve_database_url(cli.map(str::to_owned), env).expect("resolves")
        };
        assert_eq!(resolve(Some("sqlite://cli.db"), &env), "sqlite://cli.db");
        assert_eq!(resolve(None, &env), "postgres://env/db");
        let v2_only = env_of(&[
            ("STACKTACH_DB_ENGINE", "django.db.backends.sqlite3"),
            ("STACKTACH_DB_NAME", "v2.db"),
        ]);
        assert_eq!(resolve(None, &v2_only), "sqlite://v2.db");
        assert_eq!(resolve(None, &env_of(&[])), "sqlite://stacktach.db");
        assert_eq!(
            resolve(
                None,
                &env_of(&[("DATABASE_URL", ""), ("STACKTACH_DB_HOST", "")])
            ),
            DEFAULT_DATABASE_URL
        );
    }

    #[test]
    fn database_url_from_v2_variables() {
        let url = |pairs: &[(&str, &str)]| resolve_database_url(None, env_of(pairs));
        assert_eq!(
            url(&[
                (
                    "STACKTACH_DB_ENGINE",
                    "django.db.backends.postgresql_psycopg2"
                ),
                ("STACKTACH_DB_NAME", "stacktach"),
                ("STACKTACH_DB_HOST", "db.example.com"),
                ("STACKTACH_DB_PORT", "5433"),
                ("STACKTACH_DB_USERNAME", "st@ck"),
                ("STACKTACH_DB_PASSWORD", "p:w/d@#"),
            ])
            .expect("postgres"),
            "postgres://st%40ck:p%3aw%2fd%40%23@db.example.com:5433/stacktach"
        );
        assert_eq!(
            url(&[
                ("STACKTACH_DB_ENGINE", "django.db.backends.postgresql"),
                ("STACKTACH_DB_NAME", "st"),
            ])
            .expect("postgres without credentials"),
            "postgres://localhost/st"
        );
        // v2's default engine is MySQL.
        assert_eq!(
            url(&[
                ("STACKTACH_DB_NAME", "stacktach"),
                ("STACKTACH_DB_USERNAME", "root"),
                ("STACKTACH_DB_PASSWORD", "pw"),
            ])
            .expect("mysql"),
            "mysql://root:pw@localhost/stacktach"
        );
        assert_eq!(
            url(&[
                ("STACKTACH_DB_ENGINE", "django.db.backends.sqlite3"),
                ("STACKTACH_DB_NAME", "/var/lib/stacktach/st.db"),
            ])
            .expect("sqlite"),
            "sqlite:///var/lib/stacktach/st.db"
        );
        assert_eq!(
            url(&[
                ("STACKTACH_DB_ENGINE", "django.db.backends.postgresql"),
                ("STACKTACH_DB_NAME", "st"),
                ("STACKTACH_DB_HOST", "/var/run/postgresql"),
                ("STACKTACH_DB_USERNAME", "st"),
            ])
            .expect("postgres over a Unix socket"),
            "postgres://st@localhost/st?host=%2fvar%2frun%2fpostgresql"
        );
    }

    #[test]
    fn database_url_errors_are_one_line() {
        let err = |pairs: &[(&str, &str)]| {
            resolve_database_url(None, env_of(pairs))
                .expect_err("bad settings")
                .to_string()
        };
        assert_eq!(
            err(&[
                ("STACKTACH_DB_ENGINE", "django.db.backends.oracle"),
                ("STACKTACH_DB_NAME", "st"),
            ]),
            "environment variable STACKTACH_DB_ENGINE: unsupported engine \
             \"django.db.backends.oracle\" (expected django.db.backends.sqlite3, postgresql, \
             postgresql_psycopg2 or mysql)"
        );
        assert_eq!(
            err(&[("STACKTACH_DB_HOST", "db")]),
            "environment variable STACKTACH_DB_NAME: required when other STACKTACH_DB_* \
             variables are set"
        );
        assert_eq!(
            err(&[("STACKTACH_DB_NAME", "st"), ("STACKTACH_DB_PORT", "mysql")]),
            r#"environment variable STACKTACH_DB_PORT: expected an integer 0-65535, found "mysql""#
        );
    }

    #[test]
    fn key_paths_quote_odd_keys() {
        assert_eq!(key_path("", "deployments"), "deployments");
        assert_eq!(key_path("a.topics", "nova"), "a.topics.nova");
        assert_eq!(key_path("t", "x.y"), r#"t["x.y"]"#);
    }
}
