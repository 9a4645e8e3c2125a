//! What a loaded verifier config holds ([`VerifierConfig`], [`VerifierRabbit`],
//! [`ServiceTopics`]) and what the runner asks of it: which services to verify, where their
//! verified notifications go, and the broker to publish on. Plain data: reading the file is
//! `load`'s and `read`'s job.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::secret::Secret;
use crate::config::uri::{percent_encode, uri_host};
use crate::verifier::model::Service;
use crate::verifier::{Checks, FlavorField, ValidationLevel};

/// A loaded verifier config (v2's `stacktach_verifier_config.json`, keys unchanged).
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// The file this was read from, as given (used in messages).
    pub path: PathBuf,
    /// `tick_time`: the pause between two passes.
    pub tick_time: Duration,
    /// `settle_time` × `settle_units`: an exists is verified once its audit period ended at
    /// least this long ago (late launches and deletes have had time to arrive).
    pub settle: Duration,
    /// `pool_size`: how many exists v2 verified in parallel; the runner's concurrency bound.
    pub pool_size: usize,
    /// `enable_notifications`: publish `*.exists.verified` notifications.
    pub enable_notifications: bool,
    /// `validation_level`.
    pub validation_level: ValidationLevel,
    /// `flavor_field_name`.
    pub flavor_field: FlavorField,
    /// `batchsize`: exists claimed per pass and status.
    pub batchsize: usize,
    /// `exponential_backoff_limit`: attempts to publish one verified notification.
    pub exponential_backoff_limit: u32,
    /// `process_timeout`: a verifier silent this long is restarted; `None` (0 in the file)
    /// turns the watchdog off.
    pub process_timeout: Option<Duration>,
    /// `reconcile`: v2 asked its reconciler (a bridge to the Nova database) about failed nova
    /// exists. That bridge is not part of this StackTach; `instance_reconcile` rows are used
    /// by the checks either way.
    pub reconcile: bool,
    /// `reconciler_config`: the reconciler's own file (kept for v2 compatibility).
    pub reconciler_config: PathBuf,
    /// `nova_event_type`: the verified notifications' `event_type` for nova.
    pub nova_event_type: String,
    /// `glance_event_type`: the verified notifications' `event_type` for glance.
    pub glance_event_type: String,
    /// `rabbit`: the broker verified notifications are published to, and the services.
    pub rabbit: VerifierRabbit,
    /// One line per ignored or suspicious part of the file (`<file>: <key path>: <what>`), for
    /// the caller to log; the file still loaded.
    pub warnings: Vec<String>,
}

/// The `rabbit` object: where verified notifications go. The password never prints.
#[derive(Debug, Clone)]
pub struct VerifierRabbit {
    /// Durable flag of the `nova`/`glance` topic exchanges published to.
    pub durable_queue: bool,
    /// Broker host.
    pub host: String,
    /// Broker port.
    pub port: u16,
    /// Broker user.
    pub userid: String,
    /// Broker password; never printed.
    pub password: Secret,
    /// AMQP virtual host.
    pub virtual_host: String,
    /// `topics`: the services to verify, in file order, with their routing keys.
    pub topics: Vec<ServiceTopics>,
}

/// One key of `rabbit.topics`: a service to verify and the routing keys its verified
/// notifications are published with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTopics {
    /// The service (the exchange published to is named after it).
    pub service: Service,
    /// One publish per key; `None` (`null` in the file) publishes once with the exists'
    /// own routing key, as v2 did; an empty list publishes nothing.
    pub routing_keys: Option<Vec<String>>,
}

impl VerifierConfig {
    /// The settings the checks need.
    #[must_use]
    pub fn checks(&self) -> Checks {
        Checks {
            level: self.validation_level,
            flavor: self.flavor_field,
        }
    }

    /// The services to verify: the keys of `rabbit.topics` that are `nova` or `glance`, in
    /// file order.
    #[must_use]
    pub fn services(&self) -> Vec<Service> {
        self.rabbit.topics.iter().map(|t| t.service).collect()
    }

    fn topics_of(&self, service: Service) -> Option<&ServiceTopics> {
        self.rabbit.topics.iter().find(|t| t.service == service)
    }

    /// The configured routing keys of `service` (empty when it is not verified or its list is
    /// `null`; see [`Self::publish_routing_keys`] for what to publish with).
    #[must_use]
    pub fn routing_keys(&self, service: Service) -> &[String] {
        self.topics_of(service)
            .and_then(|t| t.routing_keys.as_deref())
            .unwrap_or_default()
    }

    /// The routing keys to publish one verified notification of `service` with: the
    /// configured ones, or the exists' own `original` routing key when the list is `null`.
    #[must_use]
    pub fn publish_routing_keys(&self, service: Service, original: &str) -> Vec<String> {
        match self.topics_of(service).map(|t| t.routing_keys.as_ref()) {
            Some(Some(keys)) => keys.clone(),
            Some(None) => vec![original.to_owned()],
            None => Vec::new(),
        }
    }

    /// The `event_type` of `service`'s verified notifications.
    #[must_use]
    pub fn event_type(&self, service: Service) -> &str {
        match service {
            Service::Nova => &self.nova_event_type,
            Service::Glance => &self.glance_event_type,
        }
    }

    /// The AMQP URI to publish with: user, password and vhost percent-encoded (vhost `/`
    /// becomes `%2f`). Contains the password: never log it, log [`Self::redacted_uri`].
    #[must_use]
    pub fn amqp_uri(&self) -> String {
        self.uri(&percent_encode(self.rabbit.password.expose()))
    }

    /// [`Self::amqp_uri`] with the password replaced by `***`, for logs and errors.
    #[must_use]
    pub fn redacted_uri(&self) -> String {
        self.uri("***")
    }

    fn uri(&self, password: &str) -> String {
        let r = &self.rabbit;
        format!(
            "amqp://{}:{password}@{}:{}/{}",
            percent_encode(&r.userid),
            uri_host(&r.host),
            r.port,
            percent_encode(&r.virtual_host),
        )
    }

    /// Logs every warning at WARN level, as the deployments file's are.
    pub fn log_warnings(&self) {
        for warning in &self.warnings {
            tracing::warn!(problem = %warning, "Ignoring part of the verifier config.");
        }
    }
}
