//! `stacktach bench-queries` itself: its options, the databases it measures (fresh ones filled
//! through the real ingest path, or `--existing` ones as they are), and the measurement.

use anyhow::Context;
use clap::Args;

use super::latency::time_endpoints;
use super::plans::print_plans;
use super::routes::time_routes;
use super::samples::sample;
use crate::cmd::bench::database::{or_defaults, FreshDb};
use crate::cmd::bench::fill::ingest_generated;
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::config::DatabaseUrl;
use crate::store::Store;
use app::model::now_micros;

/// Notification time the stored events span, ending now.
const SPAN_US: i64 = 7 * 24 * 3_600_000_000;

/// `stacktach bench-queries` options.
#[derive(Debug, Args)]
pub struct QueryBenchArgs {
    /// Stored notifications.
    #[arg(long, default_value_t = 1_000_000)]
    pub count: u64,
    /// Databases to measure ("sqlite:" = a temporary file; a postgres:// or mysql:// URL = a
    /// fresh database on that server, dropped afterwards). Repeatable. Default: SQLite,
    /// postgres://postgres@127.0.0.1:5432/postgres and, when it answers,
    /// mysql://root@127.0.0.1:3306/mysql.
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    /// Measure these databases as they are (already filled) instead of fresh ones.
    #[arg(long)]
    pub existing: bool,
    /// Keep the fresh databases (their URLs are printed) for `--existing` runs.
    #[arg(long)]
    pub keep: bool,
    /// Calls per endpoint.
    #[arg(long, default_value_t = 200)]
    pub calls: usize,
    /// Seed of the generator and of the key sampling.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the query benchmark and prints plans and latencies.
///
/// # Errors
/// An unreachable database or a failing query; fresh databases are removed anyway.
pub async fn run(args: QueryBenchArgs) -> anyhow::Result<()> {
    let urls = or_defaults(&args.database_urls).await;
    for (index, url) in urls.iter().enumerate() {
        if args.existing {
            let store = Store::connect(url.expose())
                .await
                .with_context(|| format!("cannot open {url}"))?;
            store.migrate().await?;
            let result = measure(&args, &store).await;
            store.close().await;
            result?;
            continue;
        }
        let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
        let db = FreshDb::create(url, &format!("{id}_{index}q")).await?;
        let result = fill_and_measure(&args, &db).await;
        if args.keep {
            // Redacted: the fresh database's URL carries the admin URL's password.
            let kept = db.url();
            let note = if kept.has_secret() {
                " (password as given)"
            } else {
                ""
            };
            println!("Kept: {kept}{note}");
        } else {
            db.drop_it().await;
        }
        result?;
    }
    Ok(())
}

async fn fill_and_measure(args: &QueryBenchArgs, db: &FreshDb) -> anyhow::Result<()> {
    let store = db.open().await?;
    let result = async {
        fill(&store, args.count, args.seed).await?;
        measure(args, &store).await
    }
    .await;
    store.close().await;
    result
}

/// Ingests `count` generated notifications (nova and glance), timestamps spread over the
/// week before now.
async fn fill(store: &Store, count: u64, seed: u64) -> anyhow::Result<()> {
    let rate = count as f64 / (SPAN_US as f64 / 1e6);
    let mut generator = Generator::new(
        seed,
        GeneratorOptions::for_rate(rate, 1.0),
        now_micros() - SPAN_US,
    );
    ingest_generated(store, &mut generator, count).await
}

async fn measure(args: &QueryBenchArgs, store: &Store) -> anyhow::Result<()> {
    store.analyze().await?;
    let samples = sample(store, args.calls.max(1), args.seed).await?;
    println!(
        "\n== {}: {} events (max id {}) ==",
        store.backend_name(),
        store.max_event_id().await?,
        samples.max_id
    );
    print_plans(store, &samples).await?;
    time_endpoints(store, &samples).await?;
    time_routes(store, &samples).await
}
