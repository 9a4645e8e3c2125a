//! One exchange's consumer: a pipeline of two stages in one task, so the broker keeps sending
//! batch n+1 while batch n is stored: with prefetch equal to the batch size the broker sends
//! nothing while a batch is inserted, and that wait was measured at ~40 % of the wall time.
//!
//! - The **receiver** gathers deliveries into a batch, parsing each as it arrives (on this
//!   task, while the store works on the previous batch on its own thread or server): it hands
//!   the batch over once it is full or [`BATCH_WINDOW`] after its first message, and keeps
//!   filling it while the committer is busy, so batches grow when the store is slow.
//! - The **committer** stores each batch in one transaction ([`Ingestor::commit`]), retrying
//!   store errors with backoff, then acks it with one multiple-ack that never goes past an
//!   uncommitted delivery ([`AckWatermark`]).
//!
//! Both stages beat the consumer's [`Heartbeat`], also while idle and while retrying.
//! On shutdown the receiver stops, the committer finishes the batch it is storing and stops;
//! nothing uncommitted is acked (closing the channel requeues it).
//!
//! [`Ingestor::commit`]: crate::ingest::Ingestor::commit

use std::time::Duration;

use futures::stream::SelectAll;
use futures::StreamExt;
use lapin::{Channel, Consumer};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::batch::Batch;
use super::committer::Committer;
use super::connection::AmqpError;
use super::context::ConsumerContext;
use crate::amqp::watchdog::{beat_interval, Heartbeat, Stage};

/// How long a batch stays open for more messages after its first one arrived.
pub const BATCH_WINDOW: Duration = Duration::from_millis(10);
/// The largest batch per transaction, whatever the prefetch.
pub const MAX_BATCH: usize = 1000;

/// The largest batch for a prefetch: half of it, so the broker can deliver the next batch while
/// one is stored and not yet acked; between 1 and [`MAX_BATCH`].
pub fn batch_limit(prefetch: u16) -> usize {
    (usize::from(prefetch) / 2).clamp(1, MAX_BATCH)
}

/// Receives, stores and acks batches of `exchange` until shutdown or a broker error.
///
/// # Errors
/// The broker closed the channel or cancelled a consumer, or an ack failed.
pub(crate) async fn consume_exchange(
    channel: Channel,
    consumers: Vec<Consumer>,
    exchange: String,
    ctx: ConsumerContext,
    heartbeat: Heartbeat,
) -> Result<(), AmqpError> {
    let (tx, rx) = mpsc::channel(1);
    let receiver = Receiver {
        deliveries: futures::stream::select_all(consumers),
        tx,
        max: batch_limit(ctx.config.prefetch),
        exchange: &exchange,
        ctx: &ctx,
        heartbeat: &heartbeat,
    };
    let committer = Committer::new(rx, channel, &exchange, &ctx, &heartbeat);
    // The first error ends both stages; shutdown lets the committer finish its batch.
    tokio::try_join!(receiver.run(), committer.run())?;
    Ok(())
}

struct Receiver<'a> {
    deliveries: SelectAll<Consumer>,
    tx: mpsc::Sender<Batch>,
    max: usize,
    exchange: &'a str,
    ctx: &'a ConsumerContext,
    heartbeat: &'a Heartbeat,
}

impl Receiver<'_> {
    async fn run(mut self) -> Result<(), AmqpError> {
        let mut batch = Batch::default();
        let mut deadline: Option<Instant> = None;
        let mut beat = tokio::time::interval(beat_interval(self.ctx.process_timeout));
        loop {
            let ready = batch.len() >= self.max || deadline.is_some_and(|d| Instant::now() >= d);
            let window = deadline.filter(|_| !ready);
            tokio::select! {
                biased;
                _ = self.ctx.shutdown.cancelled() => return Ok(()),
                permit = self.tx.reserve(), if ready => {
                    // The committer is gone only when it failed; its error ends the task.
                    let Ok(permit) = permit else { return Ok(()) };
                    permit.send(std::mem::take(&mut batch));
                    deadline = None;
                    self.heartbeat.beat(Stage::Receiver);
                }
                next = self.deliveries.next(), if batch.len() < self.max => match next {
                    Some(Ok(delivery)) => {
                        if batch.is_empty() {
                            deadline = Some(Instant::now() + BATCH_WINDOW);
                        }
                        let redaction = self.ctx.ingestor.redaction();
                        batch.push(delivery, self.ctx.deployment.id, self.exchange, redaction);
                    }
                    Some(Err(e)) => return Err(e.into()),
                    None => return Err(AmqpError::Cancelled(self.exchange.to_owned())),
                },
                _ = sleep_until(window), if window.is_some() => {}
                _ = beat.tick() => self.heartbeat.beat(Stage::Receiver),
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline).await;
    }
}
