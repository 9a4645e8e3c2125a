//! The committer stage of a consumer (see `pipeline`): stores each batch (in one transaction,
//! or in parts around the messages the database refuses, which are quarantined: see
//! `crate::ingest`), retrying transient store errors with backoff while beating the heartbeat
//! and resuming where the batch stopped, acks it with one multiple-ack that never covers an
//! uncommitted delivery, and reports counts and rates.

use std::time::Duration;

use lapin::options::BasicAckOptions;
use lapin::Channel;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::batch::{AckWatermark, Batch};
use super::connection::AmqpError;
use super::context::{backoff_delay, ConsumerContext};
use super::rates::RateMeter;
use crate::amqp::watchdog::{beat_interval, Heartbeat, Stage};
use crate::ingest::Progress;
use crate::telemetry::metrics;
use app::model::now_micros;

/// How long an ack may take before the connection counts as lost (the batch is committed:
/// its redelivery after the reconnect is recognised as a duplicate).
const ACK_TIMEOUT: Duration = Duration::from_secs(10);

/// Stores and acks what the receiver hands over.
pub(crate) struct Committer<'a> {
    rx: mpsc::Receiver<Batch>,
    channel: Channel,
    exchange: &'a str,
    ctx: &'a ConsumerContext,
    heartbeat: &'a Heartbeat,
    acks: AckWatermark,
    /// The highest tag acked so far (for the acked-deliveries counter).
    acked_tag: u64,
    meter: RateMeter,
    stats: Stats,
}

/// Where the committer's time went, logged when it stops (how the benchmark is profiled).
#[derive(Default)]
struct Stats {
    batches: u64,
    messages: u64,
    storing: Duration,
    started: Option<Instant>,
}

impl Drop for Committer<'_> {
    fn drop(&mut self) {
        let Some(started) = self.stats.started else {
            return;
        };
        let s = &self.stats;
        let busy = s.storing.as_secs_f64() / started.elapsed().as_secs_f64().max(1e-9);
        tracing::info!(
            deployment = %self.ctx.deployment.name,
            exchange = self.exchange,
            batches = s.batches,
            messages = s.messages,
            mean_batch = s.messages as f64 / s.batches.max(1) as f64,
            storing_ms_per_batch = s.storing.as_secs_f64() * 1e3 / s.batches.max(1) as f64,
            busy_percent = (busy * 100.0).round(),
            "Consumer stopped."
        );
    }
}

impl<'a> Committer<'a> {
    /// A committer acking on `channel` what arrives on `rx`.
    pub(crate) fn new(
        rx: mpsc::Receiver<Batch>,
        channel: Channel,
        exchange: &'a str,
        ctx: &'a ConsumerContext,
        heartbeat: &'a Heartbeat,
    ) -> Self {
        Self {
            rx,
            channel,
            exchange,
            ctx,
            heartbeat,
            acks: AckWatermark::default(),
            acked_tag: 0,
            meter: RateMeter::default(),
            stats: Stats::default(),
        }
    }

    /// Runs until the receiver stops, shutdown, or an ack fails.
    pub(crate) async fn run(mut self) -> Result<(), AmqpError> {
        let mut beat = tokio::time::interval(beat_interval(self.ctx.process_timeout));
        loop {
            let batch = tokio::select! {
                biased;
                batch = self.rx.recv() => batch,
                _ = beat.tick() => {
                    self.heartbeat.beat(Stage::Committer);
                    self.refresh_rate();
                    continue;
                }
            };
            // No batch: the receiver stopped (shutdown). Shutdown: leave queued batches unacked.
            let Some(batch) = batch.filter(|_| !self.ctx.shutdown.is_cancelled()) else {
                return Ok(());
            };
            self.heartbeat.beat(Stage::Committer);
            let storing = Instant::now();
            self.stats.started.get_or_insert(storing);
            let Some((stored, quarantined)) = self.store(&batch).await else {
                return Ok(()); // shutdown before commit: not acked, the broker requeues it
            };
            self.stats.storing += storing.elapsed();
            let labels = [self.ctx.deployment.name.as_str(), self.exchange];
            let m = self.ctx.board.metrics();
            m.observe(
                &metrics::COMMIT_SECONDS,
                &labels,
                storing.elapsed().as_secs_f64(),
            );
            m.observe(&metrics::BATCH_SIZE, &labels, batch.len() as f64);
            self.stats.batches += 1;
            self.stats.messages += batch.len() as u64;
            self.heartbeat.beat(Stage::Committer);
            if let Some(up_to) = self.acks.commit(&batch.tags) {
                let ack = self
                    .channel
                    .basic_ack(up_to, BasicAckOptions { multiple: true });
                match tokio::time::timeout(ACK_TIMEOUT, ack).await {
                    Ok(acked) => acked?,
                    Err(_) => {
                        let secs = ACK_TIMEOUT.as_secs();
                        return Err(AmqpError::Lost(format!("an ack got no answer in {secs} s")));
                    }
                }
                m.inc(&metrics::ACK_CALLS, &labels);
                m.add(&metrics::ACKED, &labels, up_to - self.acked_tag);
                self.acked_tag = up_to;
            }
            self.record(stored, quarantined);
        }
    }

    /// Stores the batch, retrying transient store errors with backoff (a message the database
    /// refuses is quarantined by the ingestor, never retried); each retry resumes after the
    /// parts already stored. `None` on shutdown.
    async fn store(&self, batch: &Batch) -> Option<(u64, u64)> {
        let ctx = self.ctx;
        let mut progress = Progress::new(&batch.parsed);
        let mut attempt = 0u32;
        loop {
            let stored = ctx
                .ingestor
                .resume(&ctx.deployment, &batch.parsed, &mut progress)
                .await;
            match stored {
                Ok(c) => {
                    let labels = [ctx.deployment.name.as_str(), self.exchange];
                    let m = ctx.board.metrics();
                    m.add(&metrics::INGESTED, &labels, c.inserted.len() as u64);
                    m.add(&metrics::DUPLICATES, &labels, c.duplicates as u64);
                    m.add(&metrics::QUARANTINED, &labels, c.quarantined as u64);
                    return Some((
                        (c.inserted.len() + c.quarantined) as u64,
                        c.quarantined as u64,
                    ));
                }
                Err(e) => {
                    ctx.board.metrics().inc(
                        &metrics::COMMIT_RETRIES,
                        &[ctx.deployment.name.as_str(), self.exchange],
                    );
                    let delay = backoff_delay(attempt);
                    attempt = attempt.saturating_add(1);
                    tracing::warn!(deployment = %ctx.deployment.name, exchange = self.exchange, error = %e, retry_in_ms = delay.as_millis() as u64, "Could not store a batch; it stays unacked and is retried.");
                    ctx.board.update(&ctx.deployment.name, self.exchange, |s| {
                        s.last_error = Some(e.to_string());
                    });
                    if !self.wait_beating(delay).await {
                        return None;
                    }
                }
            }
        }
    }

    /// Sleeps for `delay` while beating; false when shutdown came first.
    async fn wait_beating(&self, delay: Duration) -> bool {
        let until = Instant::now() + delay;
        let mut beat = tokio::time::interval(beat_interval(self.ctx.process_timeout));
        loop {
            tokio::select! {
                _ = self.ctx.shutdown.cancelled() => return false,
                _ = tokio::time::sleep_until(until) => return true,
                _ = beat.tick() => self.heartbeat.beat(Stage::Committer),
            }
        }
    }

    fn record(&mut self, stored: u64, quarantined: u64) {
        let now = now_micros();
        self.meter.record(now.div_euclid(1_000_000), stored);
        let last_minute = self.meter.last_minute(now.div_euclid(1_000_000));
        self.ctx
            .board
            .update(&self.ctx.deployment.name, self.exchange, |s| {
                s.stored += stored;
                s.quarantined += quarantined;
                s.last_minute = last_minute;
                s.last_message = Some(app::model::Micros(now));
                s.last_error = None;
            });
    }

    fn refresh_rate(&self) {
        let last_minute = self.meter.last_minute(now_micros().div_euclid(1_000_000));
        self.ctx
            .board
            .update(&self.ctx.deployment.name, self.exchange, |s| {
                s.last_minute = last_minute;
            });
    }
}
