//! The consumers' status board, shared by the consumers (writers) and the UI (reader), and
//! the identity of the process it belongs to: the heartbeat (`super::heartbeat`) writes both
//! to the database, so every web node shows every process's board.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};

use app::model::{now_micros, ConsumerState, ConsumerStatus, ProcessKind};

use crate::telemetry::metrics::Metrics;

/// Who a process is in its heartbeat rows: chosen once per board, so two applications in one
/// operating-system process (the tests) are two processes too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessIdentity {
    /// 16 random hex digits: a restarted process is a new one, even with its old pid.
    pub id: String,
    pub pid: u32,
    /// The host name (`/proc/sys/kernel/hostname`, else `$HOSTNAME`, else `unknown`).
    pub host: String,
    /// When the board was made, at startup (UTC µs).
    pub started_at: i64,
}

impl ProcessIdentity {
    /// A new identity for this process, started now.
    pub fn new() -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
        Self {
            id,
            pid: std::process::id(),
            host: host_name().to_owned(),
            started_at: now_micros(),
        }
    }
}

impl Default for ProcessIdentity {
    fn default() -> Self {
        Self::new()
    }
}

/// The machine's host name, read once: what an operator finds the process by.
fn host_name() -> &'static str {
    static HOST: OnceLock<String> = OnceLock::new();
    HOST.get_or_init(|| {
        let file = std::fs::read_to_string("/proc/sys/kernel/hostname").ok();
        let name = file.or_else(|| std::env::var("HOSTNAME").ok());
        let name = name.map(|n| n.trim().to_owned()).unwrap_or_default();
        if name.is_empty() {
            "unknown".to_owned()
        } else {
            name.chars().take(255).collect()
        }
    })
}

/// Status of every consumer, keyed by (deployment name, exchange). Cheap to clone.
///
/// Locks are held for a map update only, never across an `.await`.
#[derive(Clone, Default)]
pub struct StatusBoard {
    inner: Arc<RwLock<BTreeMap<(String, String), ConsumerStatus>>>,
    /// The Prometheus registry the consumers record into (the board reaches every consumer).
    metrics: Metrics,
    /// The process the board belongs to.
    identity: Arc<ProcessIdentity>,
    /// What the process runs, set once by its heartbeat; unset, nobody beats for the board
    /// (a benchmark's), and the web side shows the board as it is.
    kind: Arc<OnceLock<ProcessKind>>,
}

impl StatusBoard {
    /// The process this board belongs to.
    pub fn identity(&self) -> &ProcessIdentity {
        &self.identity
    }

    /// Records what the process runs (the first call wins: a process does not change kind).
    pub fn set_kind(&self, kind: ProcessKind) {
        let _already_set = self.kind.set(kind);
    }

    /// What the process runs, once its heartbeat said so.
    pub fn kind(&self) -> Option<ProcessKind> {
        self.kind.get().copied()
    }

    /// Every consumer's status with its deployment, by deployment and exchange.
    pub fn snapshot(&self) -> Vec<(String, ConsumerStatus)> {
        let map = self.inner.read().unwrap_or_else(|e| e.into_inner());
        map.iter()
            .map(|((dep, _), s)| (dep.clone(), s.clone()))
            .collect()
    }

    /// The metrics registry shared with `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Registers a consumer in `state`.
    pub fn register(&self, deployment: &str, exchange: &str, state: ConsumerState) {
        let status = ConsumerStatus::new(exchange, state);
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
