//! The consumers' status board, shared by the consumers (writers) and the UI (reader).

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use app::model::{ConsumerState, ConsumerStatus};

use crate::telemetry::metrics::Metrics;

/// Status of every consumer, keyed by (deployment name, exchange). Cheap to clone.
///
/// Locks are held for a map update only, never across an `.await`.
#[derive(Clone, Default)]
pub struct StatusBoard {
    inner: Arc<RwLock<BTreeMap<(String, String), ConsumerStatus>>>,
    /// The Prometheus registry the consumers record into (the board reaches every consumer).
    metrics: Metrics,
}

impl StatusBoard {
    /// The metrics registry shared with `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Registers a consumer in `state`.
    pub fn register(&self, deployment: &str, exchange: &str, state: ConsumerState) {
        let status = ConsumerStatus {
            exchange: exchange.to_string(),
            state,
            stored: 0,
            reconnects: 0,
            last_error: None,
            quarantined: 0,
            last_minute: 0,
            last_message: None,
        };
        self.write()
            .insert((deployment.to_string(), exchange.to_string()), status);
    }

    /// Applies `f` to one consumer's status.
    pub fn update(&self, deployment: &str, exchange: &str, f: impl FnOnce(&mut ConsumerStatus)) {
        let mut map = self.write();
        if let Some(status) = map.get_mut(&(deployment.to_string(), exchange.to_string())) {
            f(status);
        }
    }

    /// Sets the state of every consumer of a deployment (they share its connection).
    pub fn set_deployment_state(
        &self,
        deployment: &str,
        state: ConsumerState,
        error: Option<String>,
    ) {
        let mut map = self.write();
        for ((dep, _), status) in map.iter_mut() {
            if dep == deployment {
                if state == ConsumerState::Reconnecting && status.state == ConsumerState::Connected
                {
                    status.reconnects += 1;
                }
                status.state = state;
                if error.is_some() {
                    status.last_error.clone_from(&error);
                }
            }
        }
    }

    /// The consumers of one deployment, by exchange.
    pub fn of_deployment(&self, deployment: &str) -> Vec<ConsumerStatus> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.iter()
            .filter(|((dep, _), _)| dep == deployment)
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// Every consumer that is not ready to consume: `(deployment, exchange, state)` of each one
    /// neither connected nor disabled (a disabled deployment is meant to be idle).
    pub fn not_connected(&self) -> Vec<(String, String, ConsumerState)> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.iter()
            .filter(|(_, s)| !matches!(s.state, ConsumerState::Connected | ConsumerState::Disabled))
            .map(|((dep, exchange), s)| (dep.clone(), exchange.clone(), s.state))
            .collect()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<(String, String), ConsumerStatus>> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}
