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

    /// The state whose [`ConsumerState::label`] is `label` (how the heartbeat table stores
    /// it); `None` for any other text.
    pub fn parse(label: &str) -> Option<Self> {
        [
            Self::Connecting,
            Self::Connected,
            Self::Reconnecting,
            Self::Disabled,
            Self::Stopped,
        ]
        .into_iter()
        .find(|s| s.label() == label)
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
    /// The process running this consumer, from its heartbeat; `None` on a process that
    /// writes no heartbeat (a benchmark's board).
    #[serde(default)]
    pub process: Option<ProcessStatus>,
}

impl ConsumerStatus {
    /// A consumer of `exchange` in `state` that has done nothing yet.
    pub fn new(exchange: &str, state: ConsumerState) -> Self {
        Self {
            exchange: exchange.to_owned(),
            state,
            stored: 0,
            reconnects: 0,
            last_error: None,
            quarantined: 0,
            last_minute: 0,
            last_message: None,
            process: None,
        }
    }
}

/// What a process that beats is: which subcommand runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessKind {
    /// `stacktach serve`: the web app and the consumers.
    Serve,
    /// `stacktach serve --no-consumers`: the web app only.
    WebNode,
    /// `stacktach worker`: consumers (with `--listen`, readiness and metrics) and no web app.
    Worker,
    /// A kind this version does not know (written by a newer one).
    Unknown,
}

impl ProcessKind {
    /// The kind of a process serving the web app or not (`web`) and running consumers or
    /// not (`consumers`).
    pub fn of(web: bool, consumers: bool) -> Self {
        match (web, consumers) {
            (true, true) => Self::Serve,
            (true, false) => Self::WebNode,
            (false, _) => Self::Worker,
        }
    }

    /// The name stored in the heartbeat table and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Serve => "serve",
            Self::WebNode => "web_node",
            Self::Worker => "worker",
            Self::Unknown => "unknown",
        }
    }

    /// The kind named `name` ([`ProcessKind::as_str`]); `Unknown` for any other text.
    pub fn parse(name: &str) -> Self {
        [Self::Serve, Self::WebNode, Self::Worker]
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap_or(Self::Unknown)
    }

    /// The command line an operator recognises.
    pub fn label(self) -> &'static str {
        match self {
            Self::Serve => "serve",
            Self::WebNode => "serve --no-consumers",
            Self::Worker => "worker",
            Self::Unknown => "unknown",
        }
    }

    /// Whether a process of this kind runs consumers (so its consumers are real ones, not
    /// the placeholders a web node registers for its deployments).
    pub fn runs_consumers(self) -> bool {
        matches!(self, Self::Serve | Self::Worker)
    }
}

/// Whether a process still beats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Liveness {
    /// Its last beat is recent.
    Running,
    /// It wrote its final beat at shutdown.
    Exited,
    /// No beat for `silent_us` microseconds, more than three beat intervals: killed, crashed,
    /// hung, or cut off from the database. Its consumers are shown stopped.
    HeartbeatLost { silent_us: i64 },
}

/// A `serve` or `worker` process, as its heartbeat rows (or, for the process that answered,
/// its own board) describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStatus {
    /// Chosen at random when the process started (a restart is a new process).
    pub id: String,
    /// Its operating-system process id on `host`.
    pub pid: u32,
    pub host: String,
    pub kind: ProcessKind,
    pub started_at: Micros,
    /// Its last beat (for the process that answered: the time of the answer).
    pub beat_at: Micros,
    pub liveness: Liveness,
    /// Whether this is the process that answered.
    pub this_process: bool,
}

impl ProcessStatus {
    /// Whether its consumers are running right now (neither exited nor silent).
    pub fn running(&self) -> bool {
        self.liveness == Liveness::Running
    }
}

/// A deployment as the home page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentSummary {
    pub id: i64,
    pub name: String,
    /// `enabled: false` in the deployments file: no consumers run.
    pub disabled: bool,
    /// Every process's consumers of the deployment (from their heartbeats), each with its
    /// process.
    pub consumers: Vec<ConsumerStatus>,
    /// Events committed in the last 60 seconds (on a web node: by every process, as its
    /// live feed's tail reads them from the database).
    pub per_minute: u64,
    /// Error events committed in the last hour (counted as `per_minute`).
    pub errors_hour: u64,
    /// The newest stored event: its id and notification time.
    pub last_event: Option<(i64, Micros)>,
}

impl DeploymentSummary {
    /// The deployment's overall state: the worst of its running processes' consumers
    /// (stopped when none runs). A process that exited or went silent is left out while
    /// another runs the deployment: the status page shows it, and a rolling restart does
    /// not mark the deployment stopped for the day its rows are kept.
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
            .filter(|c| c.process.as_ref().is_none_or(ProcessStatus::running))
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

/// Simulated notifications of `serve --demo` that the broker returned because no queue is
/// bound to their routing key (so they were never stored), shown so that is never silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoUnroutable {
    /// How many so far.
    pub count: u64,
    /// The newest one's exchange.
    pub exchange: String,
    /// The newest one's routing key.
    pub routing_key: String,
}

/// Everything the home page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeData {
    pub deployments: Vec<DeploymentSummary>,
    pub demo: Option<DemoMode>,
    /// The demo's unroutable publishes, once there is one.
    #[serde(default)]
    pub demo_unroutable: Option<DemoUnroutable>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumer(state: ConsumerState, liveness: Option<Liveness>) -> ConsumerStatus {
        ConsumerStatus {
            process: liveness.map(|liveness| ProcessStatus {
                id: "0123456789abcdef".into(),
                pid: 1,
                host: "worker-1".into(),
                kind: ProcessKind::Worker,
                started_at: Micros(0),
                beat_at: Micros(0),
                liveness,
                this_process: false,
            }),
            ..ConsumerStatus::new("nova", state)
        }
    }

    fn deployment(consumers: Vec<ConsumerStatus>) -> DeploymentSummary {
        DeploymentSummary {
            id: 1,
            name: "east".into(),
            disabled: false,
            consumers,
            per_minute: 0,
            errors_hour: 0,
            last_event: None,
        }
    }

    #[test]
    fn a_deployment_is_as_bad_as_its_worst_running_consumer() {
        use ConsumerState::*;
        let lost = Some(Liveness::HeartbeatLost {
            silent_us: 60_000_000,
        });
        let running = Some(Liveness::Running);
        // A silent or exited process is left out while another runs the deployment.
        let d = deployment(vec![
            consumer(Stopped, lost),
            consumer(Stopped, Some(Liveness::Exited)),
            consumer(Connected, running),
        ]);
        assert_eq!(d.state(), Connected);
        let d = deployment(vec![
            consumer(Reconnecting, running),
            consumer(Connected, running),
        ]);
        assert_eq!(d.state(), Reconnecting);
        // Nobody runs it: stopped.
        assert_eq!(deployment(vec![consumer(Stopped, lost)]).state(), Stopped);
        assert_eq!(deployment(Vec::new()).state(), Stopped);
        // A board without heartbeats counts as it is.
        assert_eq!(
            deployment(vec![consumer(Connecting, None)]).state(),
            Connecting
        );
    }

    #[test]
    fn states_and_kinds_round_trip_through_their_stored_names() {
        use ConsumerState::*;
        for s in [Connecting, Connected, Reconnecting, Disabled, Stopped] {
            assert_eq!(ConsumerState::parse(s.label()), Some(s));
        }
        assert_eq!(ConsumerState::parse("Connected"), None);
        for k in [
            ProcessKind::Serve,
            ProcessKind::WebNode,
            ProcessKind::Worker,
        ] {
            assert_eq!(ProcessKind::parse(k.as_str()), k);
            let json = serde_json::to_string(&k).expect("serialises");
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
        assert_eq!(ProcessKind::parse("import"), ProcessKind::Unknown);
        assert_eq!(ProcessKind::of(true, true), ProcessKind::Serve);
        assert_eq!(ProcessKind::of(true, false), ProcessKind::WebNode);
        assert_eq!(ProcessKind::of(false, true), ProcessKind::Worker);
        let lost = Liveness::HeartbeatLost { silent_us: 5 };
        let json = serde_json::to_string(&lost).expect("serialises");
        assert_eq!(json, r#"{"heartbeat_lost":{"silent_us":5}}"#);
    }
}
