//! `stacktach bench-tail`: how long a row committed by one process takes to reach the live
//! feed of a web node that learns of it only through the database.
//!
//! For each database (as `bench-prune`): a writer ingests generated Nova notifications at a
//! steady `--rate` (a batch every `--batch-ms`, as a consumer's committer takes what arrived)
//! through an ingestor whose hub has no tail, so nothing in memory links it to the reader,
//! exactly as a `stacktach worker` or `stacktach import` process; a web node's hub is fed by
//! the real database tail ([`crate::live::Tail`]) and one subscriber notes when each row
//! arrives. The figure is commit (the writer's `commit` returned) → pushed to the subscriber
//! (the point where the websocket handler sends it), p50/p95/p99/max, plus rows missing or
//! seen twice (both must be 0).
//!
//! The two sides share the process but not a channel: the writer's pool is its own, opened
//! from the same URL, so the reader sees exactly what another process's commits show it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use super::database::on_each_fresh;
use super::report::Latencies;
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::config::DatabaseUrl;
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::{Hub, Tail};
use crate::store::Store;
use app::model::now_micros;

/// `stacktach bench-tail` options.
#[derive(Debug, Args)]
pub struct TailBenchArgs {
    /// Events per second the writer commits.
    #[arg(long, default_value_t = 1_000)]
    pub rate: u32,
    /// How long the writer runs, in seconds.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// The writer commits a batch this often (milliseconds): the events due by then.
    #[arg(long, default_value_t = 10)]
    pub batch_ms: u64,
    /// Databases to measure, as for `bench-prune` (repeatable; default: SQLite, the local
    /// PostgreSQL and, when it answers, the local MySQL/MariaDB).
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the live-latency benchmark on each database.
///
/// # Errors
/// An unreachable database or a failing statement; fresh databases are removed anyway.
pub async fn run_tail_bench(args: TailBenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.rate > 0 && args.batch_ms > 0,
        "--rate and --batch-ms must be > 0"
    );
    on_each_fresh(
        &args.database_urls,
        ("bench-tail", 't'),
        false,
        async |store: &Store, url: &DatabaseUrl| measure(store, url, &args).await,
    )
    .await
}

/// Writes at the steady rate while the tail feeds a subscriber; prints the latencies.
async fn measure(reader: &Store, url: &DatabaseUrl, args: &TailBenchArgs) -> anyhow::Result<()> {
    let writer = Store::connect(url.expose()).await?;
    let hub = Hub::new();
    let mut feed = hub.subscribe();
    let shutdown = CancellationToken::new();
    let tail = Tail::start(reader.clone(), hub.clone(), &shutdown)
        .await
        .context("the tail did not start")?;
    let tail = tokio::spawn(tail.run(shutdown.clone()));

    let collect = tokio::spawn(async move {
        let mut seen: HashMap<i64, (Instant, u32)> = HashMap::new();
        let mut gaps = 0u64;
        loop {
            match feed.recv().await {
                Ok(rows) => {
                    let at = Instant::now();
                    for live in rows.iter() {
                        seen.entry(live.row.id).or_insert((at, 0)).1 += 1;
                    }
                }
                Err(RecvError::Lagged(n)) => gaps += n,
                Err(RecvError::Closed) => return (seen, gaps),
            }
        }
    });

    let committed = write_steadily(&writer, args).await;
    // The last rows need up to one poll interval to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    shutdown.cancel();
    tail.await?;
    drop(hub);
    let (seen, gaps) = collect.await?;
    writer.close().await;
    let committed = committed?;
    print_latencies(reader.backend_name(), &committed, &seen, gaps, args);
    Ok(())
}

/// Ingests at `args.rate` for `args.seconds`; answers each new row's id and commit instant.
async fn write_steadily(
    store: &Store,
    args: &TailBenchArgs,
) -> anyhow::Result<Vec<(i64, Instant)>> {
    let deployment = DeploymentRef {
        id: store.ensure_deployment("bench-tail").await?,
        name: "bench-tail".to_owned(),
    };
    let ingestor = Ingestor::new(store.clone(), Hub::new());
    let options = GeneratorOptions::for_rate(f64::from(args.rate), 1.0);
    let mut generator = Generator::new(args.seed, options, now_micros());
    let mut committed = Vec::new();
    let (started, every) = (Instant::now(), Duration::from_millis(args.batch_ms));
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sent = 0u64;
    while started.elapsed() < Duration::from_secs(args.seconds) {
        ticker.tick().await;
        let due = (started.elapsed().as_secs_f64() * f64::from(args.rate)) as u64;
        let mut batch = Vec::new();
        while sent + (batch.len() as u64) < due {
            batch.extend(
                generator
                    .take(1)
                    .into_iter()
                    .filter(|o| o.exchange == "nova")
                    .map(|o| Incoming {
                        routing_key: o.routing_key,
                        body: o.body.into_bytes(),
                    }),
            );
        }
        sent += batch.len() as u64;
        let c = ingestor.ingest(&deployment, "nova", &batch).await?;
        let at = Instant::now();
        committed.extend(c.inserted.iter().map(|&(_, id)| (id, at)));
    }
    Ok(committed)
}

/// The latency table of one database.
fn print_latencies(
    backend: &str,
    committed: &[(i64, Instant)],
    seen: &HashMap<i64, (Instant, u32)>,
    gaps: u64,
    args: &TailBenchArgs,
) {
    let mut latencies: Vec<f64> = Vec::with_capacity(committed.len());
    let mut missing = 0u64;
    for (id, at) in committed {
        match seen.get(id) {
            Some((pushed, _)) => {
                latencies.push(pushed.saturating_duration_since(*at).as_secs_f64() * 1e3);
            }
            None => missing += 1,
        }
    }
    let twice = seen.values().filter(|(_, n)| *n > 1).count();
    let latencies = Latencies::new(latencies);
    println!(
        "\n== {backend}: commit → live push across processes, {} events at {}/s, a batch every {} ms ==",
        committed.len(),
        args.rate,
        args.batch_ms
    );
    println!("{}", latencies.line());
    println!("missing {missing}, seen twice {twice}, lag gaps {gaps} (all must be 0)");
}
