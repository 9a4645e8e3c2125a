//! A deployment's consumers: one connection, one consumer task per exchange, reconnected with
//! capped exponential backoff and jitter, forever, unless `exit_on_exception`: then the first
//! failure stops this deployment alone (board state `Stopped`, with the error) and is returned;
//! what that means for the process is the caller's (`cmd::serve`: `serve` goes on, a `worker`
//! exits once none of its deployments is left).
//!
//! The tasks themselves are in `pipeline` (receive → store → ack) and are watched by the
//! `supervisor`, which restarts one whose heartbeat is older than `process_timeout`.

use std::time::Duration;

use app::model::ConsumerState;
use lapin::Connection;

use super::connection::{connect, AmqpError};
use super::context::{backoff_delay, ConsumerContext};
use super::supervisor::Supervisor;

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

/// How long closing the connection may take (a connection the broker closed may never answer).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

async fn close(connection: &Connection) {
    let closing = connection.close(200, "stacktach shutting down".into());
    match tokio::time::timeout(CLOSE_TIMEOUT, closing).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "Connection was already closed."),
        Err(_) => tracing::debug!("Closing the connection timed out."),
    }
}
