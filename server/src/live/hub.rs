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
//! Rows this process committed carry their commit time to the browser ([`LiveRow`]): the
//! ingestor notes it per id as each transaction commits, and the tail stamps the rows it reads
//! back with it, so the feed latency benchmark measures commit → screen.
//!
//! The hub also keeps per-deployment activity counters (events in the last minute, errors in
//! the last hour) for the home and status pages: counting here costs one short lock per
//! committed batch, where counting in SQL would scan an hour of rows per page view.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use app::model::{Activity, EventRow, LiveRow, Micros};
use tokio::sync::{broadcast, Notify};

use app::model::now_micros;

/// Batches buffered per subscriber before it is considered lagging.
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// Commit times kept for rows the tail has not read yet. The tail reads a local commit within
/// tens of milliseconds (p99 37 ms at 1,000 events/s), so this only fills if it cannot read the
/// database; then the oldest times go (their rows are pushed without one).
const COMMIT_TIMES_KEPT: usize = 100_000;

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
    sender: broadcast::Sender<Arc<[LiveRow]>>,
    activity: Arc<Mutex<HashMap<i64, Ring>>>,
    /// Rows lagging subscribers skipped (told as a gap), for `/metrics`.
    skipped: Arc<AtomicU64>,
    /// Set once a database tail feeds this hub: local commits then only wake it.
    tailed: Arc<AtomicBool>,
    /// Wakes the tail after a local commit (a stored permit if it is busy reading).
    wake: Arc<Notify>,
    /// When this process committed the rows the tail has not read yet, by id.
    commit_times: Arc<Mutex<BTreeMap<i64, Micros>>>,
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
            commit_times: Arc::default(),
        }
    }

    /// Says that this process committed the events `ids` just now: with a tail feeding the
    /// hub, notes their commit time and wakes it (it reads them back with every other
    /// process's); else publishes `rows()` directly.
    pub fn committed(&self, ids: impl Iterator<Item = i64>, rows: impl FnOnce() -> Vec<EventRow>) {
        let at = Micros(now_micros());
        if self.tailed.load(Ordering::Acquire) {
            self.note_commit(ids, at);
            self.wake.notify_one();
        } else {
            let rows = rows()
                .into_iter()
                .map(|row| LiveRow {
                    row,
                    committed: Some(at),
                })
                .collect();
            self.send(rows);
        }
    }

    fn note_commit(&self, ids: impl Iterator<Item = i64>, at: Micros) {
        let mut times = self.commit_times.lock().unwrap_or_else(|e| e.into_inner());
        times.extend(ids.map(|id| (id, at)));
        while times.len() > COMMIT_TIMES_KEPT {
            times.pop_first();
        }
    }

    /// Makes a database tail this hub's one source of rows; returns what wakes it.
    pub(super) fn attach_tail(&self) -> Arc<Notify> {
        self.tailed.store(true, Ordering::Release);
        self.wake.clone()
    }

    /// Publishes rows the tail read (oldest first), each with its commit time if this process
    /// committed it. Every row up to the newest one read has been read, so the times noted up
    /// to it are spent.
    pub(super) fn publish(&self, rows: Vec<EventRow>) {
        let Some(newest) = rows.last().map(|r| r.id) else {
            return;
        };
        let rows = {
            let mut times = self.commit_times.lock().unwrap_or_else(|e| e.into_inner());
            let later = times.split_off(&(newest + 1));
            let spent = std::mem::replace(&mut *times, later);
            rows.into_iter()
                .map(|row| LiveRow {
                    committed: spent.get(&row.id).copied(),
                    row,
                })
                .collect()
        };
        self.send(rows);
    }

    /// Sends one batch (oldest first) to every subscriber. Having no subscriber is normal.
    fn send(&self, rows: Vec<LiveRow>) {
        if rows.is_empty() {
            return;
        }
        self.count(&rows, now_micros() / 1_000_000);
        // `send` only fails when nobody is subscribed; the rows are in the database either way.
        if self.sender.send(rows.into()).is_err() {
            tracing::trace!("No live subscribers for a committed batch.");
        }
    }

    fn count(&self, rows: &[LiveRow], now: i64) {
        let mut per_deployment: HashMap<i64, (u64, u64)> = HashMap::new();
        for LiveRow { row, .. } in rows {
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
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<[LiveRow]>> {
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

    fn event(id: i64, deployment_id: i64, routing_key: &str) -> EventRow {
        EventRow {
            id,
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

    fn row(deployment_id: i64, routing_key: &str) -> LiveRow {
        LiveRow::stored(event(1, deployment_id, routing_key))
    }

    #[test]
    fn rows_read_back_carry_this_process_commit_time() {
        let hub = Hub::new();
        let _wake = hub.attach_tail();
        let mut rx = hub.subscribe();
        let before = now_micros();
        // This process committed 11 and 13 (12 came from another process), then 20.
        hub.committed([11, 13].into_iter(), || {
            unreachable!("a tailed hub reads rows back")
        });
        hub.committed([20].into_iter(), Vec::new);
        hub.publish((11..=13).map(|id| event(id, 1, "monitor.info")).collect());
        let batch = rx.try_recv().unwrap();
        let committed: Vec<Option<Micros>> = batch.iter().map(|r| r.committed).collect();
        assert!(committed[0].is_some_and(|t| t.0 >= before && t.0 <= now_micros()));
        assert_eq!(committed[1], None);
        assert_eq!(committed[2], committed[0]);
        // Times up to the newest row read are spent; later ones wait for their row.
        assert_eq!(
            hub.commit_times
                .lock()
                .unwrap()
                .keys()
                .copied()
                .collect::<Vec<_>>(),
            vec![20]
        );
        hub.publish(vec![event(20, 1, "monitor.info")]);
        assert!(rx.try_recv().unwrap()[0].committed.is_some());
        assert!(hub.commit_times.lock().unwrap().is_empty());
    }

    #[test]
    fn untailed_rows_are_published_with_their_commit_time() {
        let hub = Hub::new();
        let mut rx = hub.subscribe();
        hub.committed([5].into_iter(), || vec![event(5, 1, "monitor.info")]);
        let batch = rx.try_recv().unwrap();
        assert_eq!(batch[0].row.id, 5);
        assert!(batch[0].committed.is_some());
    }

    #[test]
    fn commit_times_stay_bounded_when_the_tail_reads_nothing() {
        let hub = Hub::new();
        let _wake = hub.attach_tail();
        let n = COMMIT_TIMES_KEPT as i64;
        hub.committed(1..=n + 10, Vec::new);
        let times = hub.commit_times.lock().unwrap();
        assert_eq!(times.len(), COMMIT_TIMES_KEPT);
        assert_eq!(times.keys().next(), Some(&11));
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
