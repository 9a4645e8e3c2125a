//! The consumers' watchdog (`workers.process_timeout`): every consumer task beats a
//! [`Heartbeat`] from each of its stages, also while idle and while retrying the store, and its
//! supervisor restarts a task whose heartbeat is older than the timeout.
//!
//! A consumer is judged by its own heartbeat, never by traffic: an idle queue beats on a timer
//! and is never restarted (v2 restarted idle consumers every 10 minutes). What makes a heartbeat
//! go stale is one `.await` that does not return, such as a store call hanging on a lock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// The stages of a consumer task that beat separately; the task is as stale as its stalest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Receives deliveries and forms batches.
    Receiver = 0,
    /// Stores batches and acks them.
    Committer = 1,
}

const STAGES: usize = 2;

/// When each stage of one consumer task last showed it was alive. Cheap to clone; clones share
/// the same beats.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    origin: Instant,
    /// Milliseconds since `origin` of each stage's last beat.
    beats: Arc<[AtomicU64; STAGES]>,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self::new()
    }
}

impl Heartbeat {
    /// A heartbeat whose stages all beat now.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
            beats: Arc::new([AtomicU64::new(0), AtomicU64::new(0)]),
        }
    }

    /// Records that `stage` is alive now.
    pub fn beat(&self, stage: Stage) {
        self.beat_at(stage, Instant::now());
    }

    /// Time since the stalest stage last beat.
    pub fn age(&self) -> Duration {
        self.age_at(Instant::now())
    }

    /// True when the task has not beaten for longer than `timeout`.
    pub fn is_stale(&self, timeout: Duration) -> bool {
        self.age() > timeout
    }

    fn beat_at(&self, stage: Stage, at: Instant) {
        self.beats[stage as usize].store(self.millis(at), Ordering::Relaxed);
    }

    fn age_at(&self, at: Instant) -> Duration {
        let now = self.millis(at);
        let oldest = self
            .beats
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .min()
            .unwrap_or(now);
        Duration::from_millis(now.saturating_sub(oldest))
    }

    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.origin).as_millis()).unwrap_or(u64::MAX)
    }
}

/// How often an idle stage beats and the supervisor checks, for a given `process_timeout`: a
/// quarter of it, at most one second, at least 10 ms.
pub fn beat_interval(process_timeout: Duration) -> Duration {
    (process_timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stalest_stage_decides() {
        let heartbeat = Heartbeat::new();
        let later = heartbeat.origin + Duration::from_secs(5);
        heartbeat.beat_at(Stage::Receiver, later);
        assert_eq!(heartbeat.age_at(later), Duration::from_secs(5));
        heartbeat.beat_at(Stage::Committer, later);
        assert_eq!(heartbeat.age_at(later), Duration::ZERO);
        let much_later = later + Duration::from_secs(3);
        assert_eq!(heartbeat.age_at(much_later), Duration::from_secs(3));
    }

    #[test]
    fn clones_share_beats() {
        let heartbeat = Heartbeat::new();
        let clone = heartbeat.clone();
        let later = heartbeat.origin + Duration::from_secs(3);
        clone.beat_at(Stage::Receiver, later);
        clone.beat_at(Stage::Committer, later);
        assert_eq!(heartbeat.age_at(later), Duration::ZERO);
        assert!(!heartbeat.is_stale(Duration::from_secs(60)));
    }

    #[test]
    fn beat_interval_is_bounded() {
        assert_eq!(
            beat_interval(Duration::from_secs(600)),
            Duration::from_secs(1)
        );
        assert_eq!(
            beat_interval(Duration::from_secs(2)),
            Duration::from_millis(500)
        );
        assert_eq!(
            beat_interval(Duration::from_millis(1)),
            Duration::from_millis(10)
        );
    }
}
