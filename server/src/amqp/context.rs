//! What a deployment's consumer tasks share: the [`ConsumerContext`] every stage reads, and the
//! [`backoff_delay`] both the reconnect loop and the committer's store retries wait. Kept apart
//! from `consumer` (which runs the supervisor) so the stages below it import it without
//! importing their caller.

use std::time::Duration;

use rand::Rng;
use tokio_util::sync::CancellationToken;

use crate::config::DeploymentConfig;
use crate::ingest::{DeploymentRef, Ingestor};
use crate::telemetry::status::StatusBoard;

/// What every consumer of a deployment shares.
#[derive(Clone)]
pub struct ConsumerContext {
    /// The deployment's entry of the deployments file.
    pub config: DeploymentConfig,
    /// Its row in the store.
    pub deployment: DeploymentRef,
    /// Where batches are stored.
    pub ingestor: Ingestor,
    /// Where the consumers report their state, counts and rates.
    pub board: StatusBoard,
    /// `workers.process_timeout`: a consumer whose heartbeat is older is restarted.
    pub process_timeout: Duration,
    /// Cancelled to stop; uncommitted messages are then left unacked.
    pub shutdown: CancellationToken,
}

/// The delay before reconnect attempt `attempt` (0-based): 1 s doubling to a 30 s cap, with
/// ±25 % jitter so many workers don't reconnect in lockstep.
pub fn backoff_delay(attempt: u32) -> Duration {
    let base = 1000u64.saturating_mul(1 << attempt.min(5)).min(30_000);
    let jitter = rand::rng().random_range(0.75..=1.25);
    Duration::from_millis((base as f64 * jitter) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_caps_with_jitter() {
        for _ in 0..100 {
            let first = backoff_delay(0).as_millis();
            assert!((750..=1250).contains(&first), "{first}");
            let capped = backoff_delay(20).as_millis();
            assert!((22_500..=37_500).contains(&capped), "{capped}");
        }
        assert!(backoff_delay(3).as_millis() >= 6000);
    }
}
