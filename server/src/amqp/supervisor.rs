//! The consumer tasks of one connection and their watchdog.
//!
//! Each exchange gets a channel and a task (`pipeline`). The supervisor waits for the first task
//! to stop — an error means the connection is lost and everything reconnects; shutdown ends —
//! and meanwhile checks every task's heartbeat: a task whose heartbeat is older than
//! `process_timeout` is aborted, its channel closed (the broker requeues its unacked messages)
//! and a fresh task started on a new channel. Idle tasks beat on a timer and are never
//! restarted.

use std::collections::HashMap;
use std::time::Duration;

use lapin::options::{BasicConsumeOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{Channel, Connection};
use tokio::task::{AbortHandle, Id, JoinSet};

use super::connection::AmqpError;
use super::context::ConsumerContext;
use super::pipeline::consume_exchange;
use super::topology::declare;
use crate::amqp::watchdog::{beat_interval, Heartbeat};

/// How long closing a stuck consumer's channel may take.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// A running consumer task.
struct Running {
    /// Index into the deployment's `topics`.
    topics: usize,
    channel: Channel,
    heartbeat: Heartbeat,
    abort: AbortHandle,
}

/// Starts, watches and restarts the consumer tasks of one connection.
pub(crate) struct Supervisor<'a> {
    connection: &'a Connection,
    ctx: &'a ConsumerContext,
    tasks: JoinSet<Result<(), AmqpError>>,
    running: HashMap<Id, Running>,
}

impl<'a> Supervisor<'a> {
    pub(crate) fn new(connection: &'a Connection, ctx: &'a ConsumerContext) -> Self {
        Self {
            connection,
            ctx,
            tasks: JoinSet::new(),
            running: HashMap::new(),
        }
    }

    /// Declares the topology and starts one consumer task per exchange.
    pub(crate) async fn start_all(&mut self) -> Result<(), AmqpError> {
        for index in 0..self.ctx.config.topics.len() {
            self.start(index).await?;
        }
        Ok(())
    }

    /// Runs until the first task stops (its outcome is returned) or shutdown.
    pub(crate) async fn run(&mut self) -> Result<(), AmqpError> {
        if self.running.is_empty() {
            // No topics: nothing to consume; idle until shutdown.
            self.ctx.shutdown.cancelled().await;
            return Ok(());
        }
        let mut check = tokio::time::interval(beat_interval(self.ctx.process_timeout));
        loop {
            tokio::select! {
                joined = self.tasks.join_next_with_id() => match joined {
                    // Shutdown: let every task finish the batch it is storing.
                    Some(Ok((id, Ok(())))) if self.ctx.shutdown.is_cancelled() => {
                        self.running.remove(&id);
                    }
                    Some(Ok((_, outcome))) => return outcome,
                    Some(Err(e)) if e.is_cancelled() && !self.running.contains_key(&e.id()) => {}
                    Some(Err(e)) => {
                        return Err(AmqpError::Cancelled(format!("consumer task failed: {e}")))
                    }
                    None => return Ok(()),
                },
                _ = check.tick() => {
                    let status = self.connection.status();
                    if !status.connected() {
                        let state = if status.closed() { "closed" } else { "not connected" };
                        return Err(AmqpError::Lost(format!("the connection is {state}")));
                    }
                    self.restart_stale().await?;
                }
            }
        }
    }

    /// Aborts every task and closes their channels.
    pub(crate) async fn stop(&mut self) {
        self.tasks.shutdown().await;
        for (_, running) in self.running.drain() {
            close_channel(&running.channel).await;
        }
    }

    async fn start(&mut self, index: usize) -> Result<(), AmqpError> {
        let ctx = self.ctx;
        let topics = &ctx.config.topics[index];
        let channel = self.connection.create_channel().await?;
        declare(&channel, &ctx.config, topics).await?;
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
        let heartbeat = Heartbeat::new();
        let task = consume_exchange(
            channel.clone(),
            consumers,
            topics.exchange.clone(),
            ctx.clone(),
            heartbeat.clone(),
        );
        let abort = self.tasks.spawn(task);
        let running = Running {
            topics: index,
            channel,
            heartbeat,
            abort,
        };
        self.running.insert(running.abort.id(), running);
        Ok(())
    }

    /// Restarts every task whose heartbeat is older than `process_timeout`.
    async fn restart_stale(&mut self) -> Result<(), AmqpError> {
        let timeout = self.ctx.process_timeout;
        let stale: Vec<Id> = self
            .running
            .iter()
            .filter(|(_, r)| r.heartbeat.is_stale(timeout))
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            let Some(stuck) = self.running.remove(&id) else {
                continue;
            };
            let exchange = &self.ctx.config.topics[stuck.topics].exchange;
            let deployment = &self.ctx.deployment.name;
            tracing::warn!(deployment = %deployment, exchange = %exchange, silent_ms = stuck.heartbeat.age().as_millis() as u64, timeout_ms = timeout.as_millis() as u64, "Consumer stuck; restarting.");
            let metrics = self.ctx.board.metrics();
            metrics.inc(
                &crate::telemetry::metrics::RECONNECTS,
                &[deployment, "stuck"],
            );
            self.ctx.board.update(deployment, exchange, |s| {
                s.reconnects += 1;
                s.last_error = Some(format!(
                    "consumer stuck for more than {} s; restarted",
                    timeout.as_secs_f64()
                ));
            });
            stuck.abort.abort();
            close_channel(&stuck.channel).await;
            if !self.ctx.shutdown.is_cancelled() {
                self.start(stuck.topics).await?;
            }
        }
        Ok(())
    }
}

async fn close_channel(channel: &Channel) {
    let closing = channel.close(200, "stacktach consumer restarting".into());
    match tokio::time::timeout(CLOSE_TIMEOUT, closing).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "Channel was already closed."),
        Err(_) => tracing::debug!("Closing a channel timed out."),
    }
}
