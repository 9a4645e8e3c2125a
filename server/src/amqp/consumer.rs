//! A deployment's consumers: one connection, one consumer task per exchange, reconnected with
//! capped exponential backoff and jitter, forever, unless `exit_on_exception`.
//!
//! The tasks themselves are in `pipeline` (receive → store → ack) and are watched by the
//! `supervisor`, which restarts one whose heartbeat is older than `process_timeout`.

use std::time::Duration;

use app::model::ConsumerState;
use lapin::Connection;
use rand::Rng;
use tokio_util::sync::CancellationToken;

use super::supervisor::Supervisor;
use super::{connect, AmqpError};
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

/// Runs a deployment's consumers until shutdown, reconnecting as needed.
///
/// # Errors
/// Only with `exit_on_exception`: the first connection or consumer failure.
pub async fn run_deployment(ctx: ConsumerContext) -> Result<(), AmqpError> {
    let name = ctx.deployment.name.clone();
    let mut attempt = 0u32;
    while !ctx.shutdown.is_cancelled() {
        let error = match connect_and_consume(&ctx, &mut attempt).await {
            Ok(()) => break,
            Err(e) => e,
        };
        if ctx.config.exit_on_exception {
            tracing::error!(deployment = %name, error = %error, "Consumer failed; exit_on_exception is set, stopping.");
            ctx.board
                .set_deployment_state(&name, ConsumerState::Stopped, Some(error.to_string()));
            return Err(error);
        }
        let delay = backoff_delay(attempt);
        attempt = attempt.saturating_add(1);
        let metrics = ctx.board.metrics();
        metrics.inc(
            &crate::telemetry::metrics::RECONNECTS,
            &[&name, "connection"],
        );
        tracing::warn!(deployment = %name, error = %error, retry_in_ms = delay.as_millis() as u64, "Consumer lost its broker; reconnecting.");
        ctx.board
            .set_deployment_state(&name, ConsumerState::Reconnecting, Some(error.to_string()));
        tokio::select! {
            _ = ctx.shutdown.cancelled() => break,
            _ = tokio::time::sleep(delay) => {}
        }
    }
    ctx.board
        .set_deployment_state(&name, ConsumerState::Stopped, None);
    Ok(())
}

async fn connect_and_consume(ctx: &ConsumerContext, attempt: &mut u32) -> Result<(), AmqpError> {
    let connection = connect(&ctx.config, &ctx.deployment.name).await?;
    let mut supervisor = Supervisor::new(&connection, ctx);
    let started = supervisor.start_all().await;
    if started.is_ok() {
        *attempt = 0;
        ctx.board
            .set_deployment_state(&ctx.deployment.name, ConsumerState::Connected, None);
        tracing::info!(deployment = %ctx.deployment.name, uri = %ctx.config.redacted_uri(), "Consumers connected.");
    }
    let outcome = match started {
        Ok(()) => supervisor.run().await,
        Err(e) => Err(e),
    };
    supervisor.stop().await;
    close(&connection).await;
    outcome
}

async fn close(connection: &Connection) {
    if let Err(e) = connection
        .close(200, "stacktach shutting down".into())
        .await
    {
        tracing::debug!(error = %e, "Connection was already closed.");
    }
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
