//! The live hub: committed rows fan out to websocket subscribers, and are counted.
//!
//! Only rows that are committed are published. In a web node the rows come from the database
//! tail (`super::tail`), which sees every process's commits; the hub's own ingestor then only
//! wakes the tail. Without a tail (a worker, an import, tests) the ingestor publishes its rows
//! directly, as each batch commits (out of id order when batches commit concurrently, which
//! is why a web node, whose subscribers resume by id, always reads through its tail). Each
//! subscriber has a bounded buffer (a broadcast channel) and applies its own filter
//! (`http::live_ws`); one that falls behind does not slow ingest — it learns how far it fell
//! behind and catches up from the database.
//!
//! The hub also keeps per-deployment activity counters (events in the last minute, errors in
//! the last hour) for the home and status pages: counting here costs one short lock per
//! committed batch, where counting in SQL would scan an hour of rows per page view.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::model::{Activity, EventRow};
use tokio::sync::{broadcast, Notify};

use app::model::now_micros;

/// Batches buffered per subscriber before it is considered lagging.
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// Seconds of history the counters keep (one bucket per second).
const HISTORY_SECS: usize = 3_600;

/// Per-second (events, errors) counts of one deployment over the last hour.
struct Ring {
    /// The second each bucket currently counts; a bucket of an older second reads as empty.
    second: Vec<i64>,
    counts: Vec<(u64, u64)>,
}

impl Ring {
    fn new() -> Self {
        Self {
            second: vec![-1; HISTORY_SECS],
            counts: vec![(0, 0); HISTORY_SECS],
        }
    }

    fn add(&mut self, now: i64, events: u64, errors: u64) {
        let i = now.rem_euclid(HISTORY_SECS as i64) as usize;
        if self.second[i] != now {
            self.second[i] = now;
            self.counts[i] = (0, 0);
        }
        self.counts[i].0 += events;
        self.counts[i].1 += errors;
    }

    /// (events, errors) of the `secs` seconds up to and including `now`.
    fn sum(&self, now: i64, secs: i64) -> (u64, u64) {
        (now - secs + 1..=now)
            .filter_map(|s| {
                let i = s.rem_euclid(HISTORY_SECS as i64) as usize;
                (self.second[i] == s).then_some(self.counts[i])
            })
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }
}

/// Publishes committed rows to every live subscriber. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<[EventRow]>>,
    activity: Arc<Mutex<HashMap<i64, Ring>>>,
    /// Rows lagging subscribers skipped (told as a gap), for `/metrics`.
    skipped: Arc<AtomicU64>,
    /// Set once a database tail feeds this hub: local commits then only wake it.
    tailed: Arc<AtomicBool>,
    /// Wakes the tail after a local commit (a stored permit if it is busy reading).
    wake: Arc<Notify>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    /// A hub with no subscribers.
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        Self {
            sender,
            activity: Arc::default(),
            skipped: Arc::default(),
            tailed: Arc::default(),
            wake: Arc::default(),
        }
    }

    /// Says that this process committed new events: wakes the tail when one feeds the hub
    /// (it reads them back with every other process's), else publishes `rows()` directly.
    pub fn committed(&self, rows: impl FnOnce() -> Vec<EventRow>) {
        if self.tailed.load(Ordering::Acquire) {
            self.wake.notify_one();
        } else {
            self.publish(rows());
        }
    }

    /// Makes a database tail this hub's one source of rows; returns what wakes it.
    pub(super) fn attach_tail(&self) -> Arc<Notify> {
        self.tailed.store(true, Ordering::Release);
        self.wake.clone()
    }

    /// Publishes one committed batch (oldest first). Having no subscriber is normal.
    pub(super) fn publish(&self, rows: Vec<EventRow>) {
        if rows.is_empty() {
            return;
        }
        self.count(&rows, now_micros() / 1_000_000);
        // `send` only fails when nobody is subscribed; the rows are in the database either way.
        if self.sender.send(rows.into()).is_err() {
            tracing::trace!("No live subscribers for a committed batch.");
        }
    }

    fn count(&self, rows: &[EventRow], now: i64) {
        let mut per_deployment: HashMap<i64, (u64, u64)> = HashMap::new();
        for row in rows {
            let c = per_deployment.entry(row.deployment_id).or_default();
            c.0 += 1;
            c.1 += u64::from(row.is_error());
        }
        let mut activity = self.activity.lock().unwrap_or_else(|e| e.into_inner());
        for (deployment, (events, errors)) in per_deployment {
            activity
                .entry(deployment)
                .or_insert_with(Ring::new)
                .add(now, events, errors);
        }
    }

    fn activity_at(&self, now: i64) -> Vec<Activity> {
        let activity = self.activity.lock().unwrap_or_else(|e| e.into_inner());
        activity
            .iter()
            .map(|(&deployment_id, ring)| Activity {
                deployment_id,
                per_minute: ring.sum(now, 60).0,
                errors_hour: ring.sum(now, HISTORY_SECS as i64).1,
            })
            .collect()
    }

    /// A new subscription receiving every batch published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<[EventRow]>> {
        self.sender.subscribe()
    }

    /// Counts rows a lagging subscriber skipped.
    pub fn record_skipped(&self, rows: u64) {
        self.skipped.fetch_add(rows, Ordering::Relaxed);
    }

    /// Rows lagging subscribers skipped since start.
    pub fn skipped_rows(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }

    /// Per deployment: events in the last minute and errors in the last hour, as of now.
    pub fn activity_now(&self) -> Vec<Activity> {
        self.activity_at(now_micros() / 1_000_000)
    }

    /// How many browsers are watching.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::Micros;

    fn row(deployment_id: i64, routing_key: &str) -> EventRow {
        EventRow {
            id: 1,
            deployment_id,
            deployment: "d".into(),
            exchange: "nova".into(),
            routing_key: routing_key.into(),
            event: "compute.instance.update".into(),
            publisher: "compute.h".into(),
            service: "compute".into(),
            host: "h".into(),
            when: Micros(0),
            request_id: String::new(),
            instance: String::new(),
            tenant: String::new(),
        }
    }

    #[test]
    fn counts_the_last_minute_and_the_last_hour() {
        let hub = Hub::new();
        let t = 1_700_000_000;
        hub.count(&[row(1, "monitor.info"), row(1, "monitor.error")], t - 120);
        hub.count(&[row(1, "monitor.error"), row(2, "monitor.info")], t - 30);
        hub.count(&[row(1, "monitor.info")], t);
        let mut a = hub.activity_at(t);
        a.sort_by_key(|a| a.deployment_id);
        assert_eq!((a[0].per_minute, a[0].errors_hour), (2, 2));
        assert_eq!((a[1].per_minute, a[1].errors_hour), (1, 0));
        // An hour later the old buckets no longer count, even where the ring reuses them.
        hub.count(&[row(1, "monitor.info")], t + 3_600);
        let a = hub.activity_at(t + 3_600);
        let one = a.iter().find(|a| a.deployment_id == 1).unwrap();
        assert_eq!((one.per_minute, one.errors_hour), (1, 0));
    }
}
