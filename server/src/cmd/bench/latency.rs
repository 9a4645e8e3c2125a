//! `stacktach bench-latency`: at a trickle (10 notifications/s by default), how long from the
//! moment a notification is published until StackTach has committed it, on each database.
//!
//! Throughput settings must not make a quiet region wait: a consumer that held a batch open
//! until it filled would show a lone notification late. The benchmark runs the real consumer
//! ([`run_deployment`], the code `stacktach worker` runs) on a queue of its own and publishes
//! one persistent Nova notification at a time with a fresh instance id, noting the instant
//! before each publish; the consumer's hub (no tail, as in a worker) hears of each row right
//! after its transaction commits, and the committer acks the batch next. It prints publish →
//! committed p50/p95/p99/max, and how many never arrived (must be 0).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::model::{format_micros, now_micros, ConsumerState, Micros};
use clap::Args;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::broker::{self, BrokerArgs};
use super::database::on_each_fresh;
use super::report::Latencies;
use crate::amqp::publish::{Publisher, DEFAULT_WINDOW};
use crate::amqp::{connect, declare, run_deployment, ConsumerContext};
use crate::config::{DatabaseUrl, DeploymentConfig};
use crate::ingest::{DeploymentRef, Ingestor};
use crate::live::Hub;
use crate::store::Store;
use crate::telemetry::status::StatusBoard;

/// `stacktach bench-latency` options.
#[derive(Debug, Args)]
pub struct LatencyBenchArgs {
    /// Notifications published per second, one at a time.
    #[arg(long, default_value_t = 10)]
    pub rate: u32,
    /// How long to publish, in seconds.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// Databases to measure, as for `bench` (repeatable; default: SQLite, the local PostgreSQL
    /// and, when it answers, the local MySQL/MariaDB).
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    #[command(flatten)]
    pub broker: BrokerArgs,
}

/// Runs the latency benchmark on each database.
///
/// # Errors
/// An unreachable broker or database; the queue and fresh databases are removed anyway.
pub async fn run_latency(args: LatencyBenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=1_000).contains(&args.rate),
        "--rate must be 1 to 1000 notifications per second"
    );
    println!(
        "stacktach bench-latency: publish → committed, {} notifications/s for {} s, prefetch {}",
        args.rate, args.seconds, args.broker.prefetch
    );
    on_each_fresh(
        &args.database_urls,
        ("bench-latency", 'l'),
        false,
        async |store: &Store, _: &DatabaseUrl| {
            let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
            let name = format!("stacktach-bench-{id}");
            let cfg = broker::deployment(args.broker.amqp.expose(), &name, args.broker.prefetch)?;
            let measured = measure(store, &cfg, &args).await;
            if let Err(e) = broker::delete_queue(&cfg).await {
                tracing::warn!(queue = %name, error = %e, "Could not delete the benchmark queue.");
            }
            measured
        },
    )
    .await
}

/// Runs the consumer, publishes at the rate, prints the latencies of one database.
async fn measure(
    store: &Store,
    cfg: &DeploymentConfig,
    args: &LatencyBenchArgs,
) -> anyhow::Result<()> {
    let hub = Hub::new();
    let mut rows = hub.subscribe();
    let board = StatusBoard::default();
    board.register(&cfg.name, "nova", ConsumerState::Connecting);
    let shutdown = CancellationToken::new();
    let ctx = ConsumerContext {
        config: cfg.clone(),
        deployment: DeploymentRef {
            id: store.ensure_deployment(&cfg.name).await?,
            name: cfg.name.clone(),
        },
        ingestor: Ingestor::new(store.clone(), hub.clone()),
        board: board.clone(),
        process_timeout: Duration::from_secs(600),
        shutdown: shutdown.clone(),
    };
    let consumer = tokio::spawn(run_deployment(ctx));
    wait_connected(&board, &cfg.name).await?;

    let collect = tokio::spawn(async move {
        let mut seen: HashMap<String, Instant> = HashMap::new();
        loop {
            match rows.recv().await {
                Ok(batch) => {
                    let at = Instant::now();
                    for live in batch.iter() {
                        seen.entry(live.row.instance.clone()).or_insert(at);
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return seen,
            }
        }
    });
    let published = publish_steadily(cfg, args).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    shutdown.cancel();
    consumer.await??;
    drop(hub);
    let seen = collect.await?;
    print_latencies(store.backend_name(), &published?, &seen, args);
    Ok(())
}

/// Waits (up to 30 s) for the consumer to be connected and consuming.
async fn wait_connected(board: &StatusBoard, name: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    while board
        .of_deployment(name)
        .first()
        .is_none_or(|c| c.state != ConsumerState::Connected)
    {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(30),
            "the consumer did not connect in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Publishes one notification every `1 / rate` s for `seconds`; answers each one's instance
/// id and the instant before its publish.
async fn publish_steadily(
    cfg: &DeploymentConfig,
    args: &LatencyBenchArgs,
) -> anyhow::Result<Vec<(String, Instant)>> {
    let connection = connect(cfg, &format!("{}-publish", cfg.name)).await?;
    let mut publisher = Publisher::open(&connection, DEFAULT_WINDOW, true).await?;
    declare(publisher.channel(), cfg, &cfg.topics[0]).await?;
    let key = &cfg.topics[0].bindings[0].routing_key;
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / args.rate);
    let total = args.seconds * u64::from(args.rate);
    let mut published = Vec::with_capacity(total as usize);
    for i in 0..total {
        ticker.tick().await;
        let instance = format!("latency-{i:08}");
        let message_id = uuid::Uuid::new_v4().to_string();
        let body = serde_json::json!({
            "event_type": "compute.instance.update",
            "publisher_id": "compute.bench-latency",
            "timestamp": format_micros(Micros(now_micros())),
            "priority": "INFO",
            "message_id": message_id,
            "_context_request_id": format!("req-{instance}"),
            "payload": {"instance_id": instance, "tenant_id": "bench", "state": "active"}
        });
        let at = Instant::now();
        publisher
            .publish("nova", key, &message_id, body.to_string().as_bytes())
            .await
            .context("publish")?;
        published.push((instance, at));
    }
    publisher.close().await?;
    broker::close(connection).await;
    Ok(published)
}

/// The latency line of one database.
fn print_latencies(
    backend: &str,
    published: &[(String, Instant)],
    seen: &HashMap<String, Instant>,
    args: &LatencyBenchArgs,
) {
    let latencies: Vec<f64> = published
        .iter()
        .filter_map(|(instance, at)| {
            let committed = seen.get(instance)?;
            Some(committed.saturating_duration_since(*at).as_secs_f64() * 1e3)
        })
        .collect();
    let missing = published.len() - latencies.len();
    let latencies = Latencies::new(latencies);
    println!(
        "\n== {backend}: publish → committed, {} notifications at {}/s ==",
        published.len(),
        args.rate
    );
    println!("{}   never committed: {missing}", latencies.line());
    println!("Target (issue 15): p99 <= 25 ms at 10 notifications/s.");
}
