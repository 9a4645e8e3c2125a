//! `stacktach bench` itself: its options, and the phases run in order (fill, (a) the no-op
//! drain, then per database (b) the consumer and (c) the pipeline alone), each a row of the
//! report.

use anyhow::Context;
use clap::Args;

use super::broker::BrokerArgs;
use super::database::{self, FreshDb};
use super::report::{Row, CEILINGS};
use super::usage::PhaseMeter;
use super::{broker, ingest, report};
use crate::amqp::batch_limit;
use crate::config::DatabaseUrl;

/// `stacktach bench` options. `Debug` shows no password: the database URLs print redacted
/// and the broker URL as `***`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Notifications per run.
    #[arg(long, default_value_t = 100_000)]
    pub count: u64,
    /// Databases to measure, in order ("sqlite:" = a temporary file; a postgres:// or mysql://
    /// URL = a fresh database created on that server and dropped afterwards). Repeatable.
    /// Without one: "sqlite:", postgres://postgres@127.0.0.1:5432/postgres and, when its server
    /// answers, mysql://root@127.0.0.1:3306/mysql.
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    #[command(flatten)]
    pub broker: BrokerArgs,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the benchmark and prints its report.
///
/// # Errors
/// An unreachable broker or database; the benchmark's queue and databases are removed anyway.
pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    let name = format!("stacktach-bench-{id}");
    let cfg = broker::deployment(args.broker.amqp.expose(), &name, args.broker.prefetch)?;
    println!(
        "stacktach bench: {} Nova notifications per run, consumer prefetch {} (batches of up to {}), queue {name} on {}",
        args.count,
        args.broker.prefetch,
        batch_limit(args.broker.prefetch),
        cfg.redacted_uri()
    );
    let result = tokio::select! {
        result = measure(&args, &cfg, &id) => result,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    if let Err(e) = broker::delete_queue(&cfg).await {
        tracing::warn!(queue = %name, error = %e, "Could not delete the benchmark queue.");
    }
    let rows = result?;
    println!("\n{}", report::table(&rows));
    println!("{CEILINGS}");
    Ok(())
}

async fn measure(
    args: &BenchArgs,
    cfg: &crate::config::DeploymentConfig,
    id: &str,
) -> anyhow::Result<Vec<Row>> {
    let filled = broker::fill(cfg, args.count, args.seed)
        .await
        .context("cannot fill the benchmark queue")?;
    println!(
        "Filled: {} notifications, {:.1} MB (mean {:.2} KB), {:.0}/s publishing with confirms.",
        filled.count,
        filled.bytes as f64 / 1e6,
        filled.bytes as f64 / filled.count.max(1) as f64 / 1e3,
        filled.count as f64 / filled.secs
    );
    let meter = PhaseMeter::start();
    let secs = broker::drain_noop(cfg, filled.count).await?;
    let noop = Row {
        what: "(a) no-op consumer".into(),
        count: filled.count,
        bytes: filled.bytes,
        secs,
        usage: meter.finish(),
        ratio: None,
    };
    println!("(a) no-op consumer: {:.0}/s", noop.rate());
    let mut rows = vec![noop.clone()];
    for (index, url) in database::or_defaults(&args.database_urls)
        .await
        .iter()
        .enumerate()
    {
        let ids = (format!("{id}_{index}b"), format!("{id}_{index}c"));
        let db = FreshDb::create(url, &ids.0).await?;
        let consumed = consume(args, cfg, &db, &filled, &noop).await;
        db.drop_it().await;
        rows.push(consumed?);
        let db = FreshDb::create(url, &ids.1).await?;
        let alone = ingest_alone(args, &cfg.name, &db, &filled, &noop).await;
        db.drop_it().await;
        rows.push(alone?);
    }
    Ok(rows)
}

/// (b) on a fresh database, after refilling the queue with the same notifications.
async fn consume(
    args: &BenchArgs,
    cfg: &crate::config::DeploymentConfig,
    db: &FreshDb,
    filled: &broker::Filled,
    noop: &Row,
) -> anyhow::Result<Row> {
    broker::fill(cfg, filled.count, args.seed).await?;
    let store = db.open().await?;
    let meter = PhaseMeter::start();
    let secs = ingest::consume(cfg, &store, filled.count).await;
    let usage = meter.finish();
    store.close().await;
    let row = Row {
        what: format!("(b) stacktach consumer -> {}", db.backend()),
        count: filled.count,
        bytes: filled.bytes,
        secs: secs?,
        usage,
        ratio: None,
    };
    let row = Row {
        ratio: Some(row.rate() / noop.rate()),
        ..row
    };
    println!("{}: {:.0}/s", row.what, row.rate());
    Ok(row)
}

/// (c) on a fresh database: the same notifications straight into the ingest pipeline.
async fn ingest_alone(
    args: &BenchArgs,
    name: &str,
    db: &FreshDb,
    filled: &broker::Filled,
    noop: &Row,
) -> anyhow::Result<Row> {
    let store = db.open().await?;
    let meter = PhaseMeter::start();
    let measured = ingest::ingest_only(
        &store,
        name,
        (filled.count, args.seed, args.broker.prefetch),
    )
    .await;
    let usage = meter.finish();
    store.close().await;
    let alone = measured?;
    let batches = (filled.count as f64 / alone.batch as f64).ceil();
    let row = Row {
        what: format!(
            "(c) ingest alone, batches of {} -> {}",
            alone.batch,
            db.backend()
        ),
        count: filled.count,
        bytes: filled.bytes,
        secs: alone.ingest_secs,
        usage,
        ratio: None,
    };
    let row = Row {
        ratio: Some(row.rate() / noop.rate()),
        ..row
    };
    let per_message = |secs: f64| secs * 1e6 / filled.count as f64;
    println!(
        "{}: {:.0}/s; per batch {:.1} ms; per notification {:.0} µs, of which parsing {:.0} µs and storing {:.0} µs",
        row.what,
        row.rate(),
        alone.ingest_secs * 1e3 / batches,
        per_message(alone.ingest_secs),
        per_message(alone.parse_secs),
        per_message(alone.ingest_secs - alone.parse_secs),
    );
    Ok(row)
}
