//! One consumer per (deployment, exchange) on one connection per deployment.
//!
//! The loop: receive a batch (up to `prefetch`, waiting at most [`BATCH_WINDOW`] after the
//! first message), store it in one transaction, then ack it with one multiple-ack. A store
//! failure keeps the batch unacked and retries; shutdown never acks an uncommitted message
//! (closing the channel requeues it). A lost connection reconnects with capped exponential
//! backoff and jitter, forever, unless `exit_on_exception`.

use std::time::Duration;

use app::model::ConsumerState;
use futures::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection};
use rand::Rng;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::{connect, declare, AmqpError};
use crate::config::{DeploymentConfig, ExchangeTopics};
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::status::StatusBoard;

/// How long a batch stays open for more messages after its first one arrived.
pub const BATCH_WINDOW: Duration = Duration::from_millis(10);
/// The largest batch per transaction, whatever the prefetch.
pub const MAX_BATCH: usize = 1000;

/// What every consumer of a deployment shares.
#[derive(Clone)]
pub struct ConsumerContext {
    pub config: DeploymentConfig,
    pub deployment: DeploymentRef,
    pub ingestor: Ingestor,
    pub board: StatusBoard,
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
        let result = connect_and_consume(&ctx, &mut attempt).await;
        let error = match result {
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
    let mut tasks = JoinSet::new();
    for topics in &ctx.config.topics {
        let channel = connection.create_channel().await?;
        let consumers = start_consumers(&channel, ctx, topics).await?;
        let ctx = ctx.clone();
        let exchange = topics.exchange.clone();
        tasks.spawn(async move { consume_exchange(channel, consumers, exchange, ctx).await });
    }
    *attempt = 0;
    ctx.board
        .set_deployment_state(&ctx.deployment.name, ConsumerState::Connected, None);
    tracing::info!(deployment = %ctx.deployment.name, uri = %ctx.config.redacted_uri(), "Consumers connected.");
    // The first consumer to stop decides: an error reconnects everything, shutdown ends.
    let outcome = match tasks.join_next().await {
        Some(Ok(result)) => result,
        Some(Err(join)) => Err(AmqpError::Cancelled(format!(
            "consumer task failed: {join}"
        ))),
        None => {
            // No topics: nothing to consume; idle until shutdown.
            ctx.shutdown.cancelled().await;
            Ok(())
        }
    };
    tasks.shutdown().await;
    close(&connection).await;
    outcome
}

async fn start_consumers(
    channel: &Channel,
    ctx: &ConsumerContext,
    topics: &ExchangeTopics,
) -> Result<Vec<lapin::Consumer>, AmqpError> {
    declare(channel, &ctx.config, topics).await?;
    channel
        .basic_qos(ctx.config.prefetch, BasicQosOptions::default())
        .await?;
    let mut consumers = Vec::new();
    for binding in &topics.bindings {
        let tag = format!("stacktach-{}-{}", ctx.deployment.name, binding.queue);
        let consumer = channel
            .basic_consume(
                binding.queue.as_str().into(),
                tag.into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        consumers.push(consumer);
    }
    Ok(consumers)
}

async fn close(connection: &Connection) {
    if let Err(e) = connection
        .close(200, "stacktach shutting down".into())
        .await
    {
        tracing::debug!(error = %e, "Connection was already closed.");
    }
}

/// Receives, stores and acks batches until shutdown or a broker error.
async fn consume_exchange(
    channel: Channel,
    consumers: Vec<lapin::Consumer>,
    exchange: String,
    ctx: ConsumerContext,
) -> Result<(), AmqpError> {
    let mut deliveries = futures::stream::select_all(consumers);
    let max_batch = usize::from(ctx.config.prefetch).clamp(1, MAX_BATCH);
    loop {
        let first = tokio::select! {
            _ = ctx.shutdown.cancelled() => return Ok(()),
            next = deliveries.next() => next,
        };
        let Some(first) = first else {
            return Err(AmqpError::Cancelled(exchange));
        };
        let mut batch = vec![first?];
        let mut ended = false;
        let deadline = tokio::time::Instant::now() + BATCH_WINDOW;
        while batch.len() < max_batch {
            match tokio::time::timeout_at(deadline, deliveries.next()).await {
                Ok(Some(Ok(d))) => batch.push(d),
                Ok(Some(Err(e))) => return Err(e.into()),
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(_) => break,
            }
        }
        let last_tag = batch.iter().map(|d| d.delivery_tag).max().unwrap_or(0);
        let messages: Vec<Incoming> = batch
            .into_iter()
            .map(|d| Incoming {
                routing_key: d.routing_key.to_string(),
                body: d.data,
            })
            .collect();
        let Some(stored) = store_until_committed(&ctx, &exchange, &messages).await else {
            return Ok(()); // shutdown before commit: not acked, the broker requeues it
        };
        channel
            .basic_ack(last_tag, BasicAckOptions { multiple: true })
            .await?;
        ctx.board.update(&ctx.deployment.name, &exchange, |s| {
            s.stored += stored as u64;
            s.last_error = None;
        });
        if ended {
            return Err(AmqpError::Cancelled(exchange));
        }
    }
}

/// Stores the batch, retrying transient store errors with backoff. `None` on shutdown.
async fn store_until_committed(
    ctx: &ConsumerContext,
    exchange: &str,
    messages: &[Incoming],
) -> Option<usize> {
    let mut attempt = 0u32;
    loop {
        match ctx
            .ingestor
            .ingest(&ctx.deployment, exchange, messages)
            .await
        {
            Ok(committed) => return Some(committed.inserted.len() + committed.quarantined),
            Err(e) => {
                let delay = backoff_delay(attempt);
                attempt = attempt.saturating_add(1);
                tracing::warn!(deployment = %ctx.deployment.name, exchange, error = %e, retry_in_ms = delay.as_millis() as u64, "Could not store a batch; it stays unacked and is retried.");
                ctx.board.update(&ctx.deployment.name, exchange, |s| {
                    s.last_error = Some(e.to_string())
                });
                tokio::select! {
                    _ = ctx.shutdown.cancelled() => return None,
                    _ = tokio::time::sleep(delay) => {}
                }
            }
        }
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
