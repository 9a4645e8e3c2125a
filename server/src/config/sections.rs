//! The deployments file's own sections, read with the generic [`Walker`]: the `deployments`
//! list (names unique), one deployment with v2's defaults, its `topics` (exchanges and their
//! queue bindings, in file order), its `queue_arguments`, and `workers.process_timeout`. The
//! order of the reads is the order of the warnings, so it follows the file's structure.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::notification::json::Json;

use super::defaults::{
    DEFAULT_DURABLE_QUEUE, DEFAULT_PREFETCH, DEFAULT_PROCESS_TIMEOUT_SECS, DEFAULT_RABBIT_HOST,
    DEFAULT_RABBIT_PASSWORD, DEFAULT_RABBIT_PORT, DEFAULT_RABBIT_USERID,
    DEFAULT_RABBIT_VIRTUAL_HOST,
};
use super::deployments::{DeploymentConfig, ExchangeTopics, QueueBinding};
use super::error::ConfigError;
use super::message::{key_path, quote};
use super::schema::{BINDING_KEYS, DEPLOYMENT_KEYS, WORKERS_KEYS};
use super::secret::Secret;
use super::walker::{Obj, Text, Walker};

impl Walker<'_> {
    /// The required `deployments` list of the top-level object; names must be unique.
    pub(super) fn deployments(
        &mut self,
        root: &Obj<'_>,
    ) -> Result<Vec<DeploymentConfig>, ConfigError> {
        let list = root
            .get("deployments")
            .ok_or_else(|| self.error("deployments", "missing required key"))?;
        let Json::Array(items) = list else {
            return Err(self.expected("deployments", "a list of deployment objects", list));
        };
        if items.is_empty() {
            self.warn("deployments", "the list is empty; no consumers will run");
        }
        let mut deployments = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let deployment = self.deployment(index, item)?;
            if let Some(first) = deployments
                .iter()
                .position(|d: &DeploymentConfig| d.name == deployment.name)
            {
                return Err(self.error(
                    &format!("deployments[{index}].name"),
                    format!(
                        "duplicate deployment name {} (also used by deployments[{first}])",
                        quote(&deployment.name)
                    ),
                ));
            }
            deployments.push(deployment);
        }
        Ok(deployments)
    }

    /// `deployments[index]`, with v2's default for every key it leaves out.
    fn deployment(
        &mut self,
        index: usize,
        node: &Json<'_>,
    ) -> Result<DeploymentConfig, ConfigError> {
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
            rabbit_password: Secret::new(password),
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

    /// A deployment's `queue_arguments`, passed through to the broker as they are.
    fn queue_arguments(&mut self, obj: &Obj<'_>) -> Result<Map<String, Value>, ConfigError> {
        let Some(node) = obj.get("queue_arguments") else {
            return Ok(Map::new());
        };
        let args = self.object(&obj.path("queue_arguments"), node, "an object", None)?;
        Ok(args
            .entries()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.to_value()))
            .collect())
    }

    /// A deployment's `topics`: exchanges in file order; none at all is valid but warns.
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
        if topics.entries().is_empty() {
            self.warn(&key, no_topics);
        }
        let mut exchanges = Vec::with_capacity(topics.entries().len());
        for (exchange, list) in topics.entries() {
            exchanges.push(self.exchange(&key, exchange, list)?);
        }
        Ok(exchanges)
    }

    /// One exchange under `topics` (at `topics_key`) and its list of queue bindings.
    fn exchange(
        &mut self,
        topics_key: &str,
        exchange: &str,
        list: &Json<'_>,
    ) -> Result<ExchangeTopics, ConfigError> {
        let exchange_key = key_path(topics_key, exchange);
        if exchange.trim().is_empty() {
            return Err(self.error(&exchange_key, "exchange name must not be empty"));
        }
        let Json::Array(items) = list else {
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
        Ok(ExchangeTopics {
            exchange: exchange.to_owned(),
            bindings,
        })
    }

    /// `workers.process_timeout` in (possibly fractional) seconds; absent means v2's default.
    pub(super) fn process_timeout(&mut self, root: &Obj<'_>) -> Result<Duration, ConfigError> {
        let default = Duration::from_secs(DEFAULT_PROCESS_TIMEOUT_SECS);
        let Some(node) = root.get("workers") else {
            return Ok(default);
        };
        let workers = self.object("workers", node, "an object", Some(WORKERS_KEYS))?;
        let Some(node) = workers.get("process_timeout") else {
            return Ok(default);
        };
        let timeout = match node {
            Json::Number(n) => match n.as_u64() {
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
