//! Deployments and the state of their consumers.

use serde::{Deserialize, Serialize};

use super::time::Micros;

/// What a consumer (one per deployment and exchange) is doing right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerState {
    /// First connection attempt in progress.
    Connecting,
    /// Connected, topology declared, consuming.
    Connected,
    /// Lost or never got a connection; retrying with backoff.
    Reconnecting,
    /// `enabled: false` in the deployments file.
    Disabled,
    /// Shut down (or gave up because of `exit_on_exception`).
    Stopped,
}

impl ConsumerState {
    /// The word the UI and the status API show.
    pub fn label(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Reconnecting => "reconnecting",
            Self::Disabled => "disabled",
            Self::Stopped => "stopped",
        }
    }
}

/// One consumer's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerStatus {
    pub exchange: String,
    pub state: ConsumerState,
    /// Messages stored (committed and acked) since start.
    pub stored: u64,
    pub reconnects: u64,
    /// The last connection or storage error, sanitised for display.
    pub last_error: Option<String>,
    /// Messages quarantined (stored unparsed, acked) since start; included in `stored`.
    #[serde(default)]
    pub quarantined: u64,
    /// Messages stored in the last 60 seconds: the rate is `last_minute / 60` per second.
    #[serde(default)]
    pub last_minute: u64,
    /// When this consumer last committed a batch (wall clock, not the notifications' time).
    #[serde(default)]
    pub last_message: Option<Micros>,
}

/// A deployment as the home page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentSummary {
    pub id: i64,
    pub name: String,
    /// `enabled: false` in the deployments file: no consumers run.
    pub disabled: bool,
    pub consumers: Vec<ConsumerStatus>,
    /// Events committed in the last 60 seconds (by this process's ingest).
    pub per_minute: u64,
    /// Error events committed in the last hour (by this process's ingest).
    pub errors_hour: u64,
    /// The newest stored event: its id and notification time.
    pub last_event: Option<(i64, Micros)>,
}

impl DeploymentSummary {
    /// The deployment's overall state: the worst of its consumers.
    pub fn state(&self) -> ConsumerState {
        use ConsumerState::*;
        if self.disabled {
            return Disabled;
        }
        let rank = |s: ConsumerState| match s {
            Reconnecting => 0,
            Connecting => 1,
            Stopped => 2,
            Connected => 3,
            Disabled => 4,
        };
        self.consumers
            .iter()
            .map(|c| c.state)
            .min_by_key(|s| rank(*s))
            .unwrap_or(Stopped)
    }
}

/// How `serve --demo` feeds notifications, shown so nobody mistakes demo data for real data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DemoMode {
    /// Publishing to the configured RabbitMQ; the consumers ingest it (the real path).
    Broker,
    /// No broker reachable: notifications go straight into the ingest pipeline.
    Direct,
}

/// Everything the home page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub deployments: Vec<DeploymentSummary>,
    pub demo: Option<DemoMode>,
}
