//! Wire types shared by the server and the browser.

mod deployment;
mod detail;
mod event;
mod filter;
mod lifecycle;
mod live;
mod scope;
mod search;
mod status;
mod time;
mod timings;

pub use deployment::{ConsumerState, ConsumerStatus, DemoMode, DeploymentSummary, HomeData};
pub use detail::{EventDetail, QuarantineDetail, QuarantineRow};
pub use event::{EventRow, FeedData};
pub use filter::{EventFilter, TEXT_CRITERIA};
pub use lifecycle::{InstanceData, Kpi, LifecycleView, RequestData, TimingView, UsageLine};
pub use live::LiveMessage;
pub use scope::{EventCount, ScopeData, ScopeKind};
pub use search::{Count, DrillData, EventPage, Field, SearchQuery};
pub use status::{format_bytes, Activity, DbInfo, StatusData};
#[cfg(feature = "ssr")]
pub use time::now_micros;
pub use time::{format_duration, format_micros, Micros};
pub use timings::{OpStats, TimingsData, Window, BUCKET_BOUNDS_US, BUCKET_LABELS};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An event row for tests: host `h`, deployment 1, everything else plain.
    pub fn row(routing_key: &str, event: &str) -> EventRow {
        EventRow {
            id: 1,
            deployment_id: 1,
            deployment: "d".into(),
            exchange: "nova".into(),
            routing_key: routing_key.into(),
            event: event.into(),
            publisher: "compute.h".into(),
            service: "compute".into(),
            host: "h".into(),
            when: Micros(0),
            request_id: String::new(),
            instance: String::new(),
            tenant: String::new(),
        }
    }
}
