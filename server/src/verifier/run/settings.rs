//! [`RunSettings`]: what the runner reads of the verifier config, in the units it uses.

use std::collections::HashMap;
use std::time::Duration;

use crate::config::verifier::VerifierConfig;
use crate::verifier::model::Service;
use crate::verifier::Checks;

/// The runner's view of the verifier config. `Debug` leaves the broker URI (with its
/// password) out.
#[derive(Clone)]
pub struct RunSettings {
    /// The services `rabbit.topics` names, in order.
    pub services: Vec<Service>,
    /// Sleep between passes.
    pub tick: Duration,
    /// Exists whose audit period ended less than this long ago wait.
    pub settle: Duration,
    /// Rows per batch.
    pub batchsize: i64,
    pub checks: Checks,
    /// Publish verified notifications at all.
    pub notifications: bool,
    /// Routing keys per service: one publish per key; `None` publishes with the original
    /// notification's routing key; an empty list publishes nothing (v2's rules).
    pub routing_keys: HashMap<Service, Option<Vec<String>>>,
    /// The verified notifications' event type per service.
    pub event_types: HashMap<Service, String>,
    /// The broker, with credentials.
    pub amqp_uri: String,
    /// Declare the exchanges durable and publish persistent messages.
    pub durable: bool,
    /// Attempts per batch of notifications.
    pub backoff_limit: u32,
}

impl std::fmt::Debug for RunSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunSettings")
            .field("services", &self.services)
            .field("tick", &self.tick)
            .field("settle", &self.settle)
            .field("batchsize", &self.batchsize)
            .field("checks", &self.checks)
            .field("notifications", &self.notifications)
            .field("routing_keys", &self.routing_keys)
            .field("event_types", &self.event_types)
            .field("durable", &self.durable)
            .field("backoff_limit", &self.backoff_limit)
            .finish_non_exhaustive()
    }
}

impl RunSettings {
    /// The settings of a loaded verifier config.
    pub fn from_config(c: &VerifierConfig) -> Self {
        let services: Vec<Service> = c.services();
        Self {
            routing_keys: c
                .rabbit
                .topics
                .iter()
                .map(|t| (t.service, t.routing_keys.clone()))
                .collect(),
            event_types: services
                .iter()
                .map(|s| (*s, c.event_type(*s).to_string()))
                .collect(),
            services,
            tick: c.tick_time,
            settle: c.settle,
            batchsize: i64::try_from(c.batchsize).unwrap_or(i64::MAX).max(1),
            checks: c.checks(),
            notifications: c.enable_notifications,
            amqp_uri: c.amqp_uri(),
            durable: c.rabbit.durable_queue,
            backoff_limit: c.exponential_backoff_limit,
        }
    }

    /// The event type of `service`'s verified notifications.
    pub fn event_type(&self, service: Service) -> &str {
        self.event_types.get(&service).map_or("", String::as_str)
    }

    /// The routing keys to publish one verified notification of `service` with, whose stored
    /// notification came with routing key `original`.
    pub fn publish_keys(&self, service: Service, original: &str) -> Vec<String> {
        match self.routing_keys.get(&service) {
            Some(Some(keys)) => keys.clone(),
            Some(None) => vec![original.to_owned()],
            None => Vec::new(),
        }
    }
}
