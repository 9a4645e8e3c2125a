//! `stacktach bench-workers`: does write throughput scale with consumers on one database?
//!
//! Two queues (two deployments, their own notifications: no shared instance or request, as
//! two cells) are filled with N notifications each, then drained into a fresh database of
//! each backend: first one consumer draining one queue alone, then two consumers draining both
//! at once (what two `stacktach worker --deployment` processes, or one worker with both
//! deployments, run), and, for the broker's side, two no-op consumers. It prints each rate,
//! the two-consumer / one-consumer ratio, and CPU use (this process, the broker and database
//! servers, idle), since on a 2-core machine the cores, not the database's locks, bound it.

use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::broker::{self, BrokerArgs, Filled};
use super::database::{self, FreshDb};
use super::ingest;
use super::report::{self, Row};
use super::usage::PhaseMeter;
use crate::config::{DatabaseUrl, DeploymentConfig};

/// `stacktach bench-workers` options.
#[derive(Debug, Args)]
pub struct WorkersBenchArgs {
    /// Notifications per queue.
    #[arg(long, default_value_t = 50_000)]
    pub count: u64,
    /// Databases to measure (as `stacktach bench`). Without one: PostgreSQL at
    /// postgres://postgres@127.0.0.1:5432/postgres.
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Seed of the first queue's generator (the second's is the next).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the benchmark and prints its report.
///
/// # Errors
/// An unreachable broker or database; the queues and databases are removed anyway.
pub async fn run_workers(args: WorkersBenchArgs) -> anyhow::Result<()> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    let (amqp, prefetch) = (args.broker.amqp.expose(), args.broker.prefetch);
    let cfgs = [
        broker::deployment(amqp, &format!("stacktach-bench-{id}-a"), prefetch)?,
        broker::deployment(amqp, &format!("stacktach-bench-{id}-b"), prefetch)?,
    ];
    println!(
        "stacktach bench-workers: {} Nova notifications per queue, prefetch {}, on {}",
        args.count,
        prefetch,
        cfgs[0].redacted_uri()
    );
    let result = tokio::select! {
        result = measure(&args, &cfgs, &id) => result,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    for cfg in &cfgs {
        if let Err(e) = broker::delete_queue(cfg).await {
            tracing::warn!(queue = %cfg.name, error = %e, "Could not delete a benchmark queue.");
        }
    }
    let rows = result?;
    println!("\n{}", report::table(&rows));
    println!("{}", report::CEILINGS);
    Ok(())
}

async fn measure(
    args: &WorkersBenchArgs,
    cfgs: &[DeploymentConfig; 2],
    id: &str,
) -> anyhow::Result<Vec<Row>> {
    let filled = fill(args, cfgs).await?;
    let meter = PhaseMeter::start();
    let started = Instant::now();
    tokio::try_join!(
        broker::drain_noop(&cfgs[0], filled[0].count),
        broker::drain_noop(&cfgs[1], filled[1].count),
    )?;
    let mut rows = vec![row("(a) two no-op consumers", &filled, started, meter)];
    let urls = if args.database_urls.is_empty() {
        vec![DatabaseUrl::from(database::POSTGRES_DEFAULT.to_owned())]
    } else {
        args.database_urls.clone()
    };
    for (index, url) in urls.iter().enumerate() {
        let one = drain(args, &cfgs[..1], url, &format!("{id}_{index}w1")).await?;
        let two = drain(args, cfgs, url, &format!("{id}_{index}w2")).await?;
        println!(
            "{}: two consumers / one = {:.2}",
            two.what,
            two.rate() / one.rate()
        );
        let ratio = Some(two.rate() / one.rate());
        rows.push(one);
        rows.push(Row { ratio, ..two });
    }
    Ok(rows)
}

/// Fills each queue of `cfgs` with its own notifications (seeds `seed`, `seed + 1`, …).
async fn fill(args: &WorkersBenchArgs, cfgs: &[DeploymentConfig]) -> anyhow::Result<Vec<Filled>> {
    let mut filled = Vec::with_capacity(cfgs.len());
    for (seed, cfg) in (args.seed..).zip(cfgs) {
        let f = broker::fill(cfg, args.count, seed)
            .await
            .with_context(|| format!("cannot fill queue {}", cfg.name))?;
        filled.push(f);
    }
    Ok(filled)
}

/// One consumer per queue of `cfgs`, all at once, draining into one fresh database.
async fn drain(
    args: &WorkersBenchArgs,
    cfgs: &[DeploymentConfig],
    url: &DatabaseUrl,
    id: &str,
) -> anyhow::Result<Row> {
    let filled = fill(args, cfgs).await?;
    let db = FreshDb::create(url, id).await?;
    let measured = async {
        let store = db.open().await?;
        let meter = PhaseMeter::start();
        let started = Instant::now();
        let consumers = cfgs
            .iter()
            .zip(&filled)
            .map(|(cfg, f)| ingest::consume(cfg, &store, f.count));
        let consumed = futures::future::try_join_all(consumers).await;
        let what = match cfgs.len() {
            1 => format!("(b) one consumer -> {}", db.backend()),
            n => format!("(b) {n} consumers, one each -> {}", db.backend()),
        };
        let row = row(&what, &filled, started, meter);
        store.close().await;
        consumed.map(|_| row)
    }
    .await;
    db.drop_it().await;
    let row = measured?;
    println!("{}: {:.0}/s", row.what, row.rate());
    Ok(row)
}

/// A row for `filled`'s messages drained since `started`.
fn row(what: &str, filled: &[Filled], started: Instant, meter: PhaseMeter) -> Row {
    let secs = started.elapsed().as_secs_f64();
    Row {
        what: what.to_owned(),
        count: filled.iter().map(|f| f.count).sum(),
        bytes: filled.iter().map(|f| f.bytes).sum(),
        secs,
        usage: meter.finish(),
        ratio: None,
    }
}
