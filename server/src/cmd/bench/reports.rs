//! `stacktach bench-reports`: how long each of v2's reports takes over a day of N stored
//! events. For each database (a fresh SQLite file, PostgreSQL or MySQL database) it fills the
//! previous UTC day with N realistic notifications from the generator through the real ingest
//! path (raw rows and aggregates, a billing day's exists included), then builds every report
//! for that day (as `stacktach report NAME` does, without storing) and prints the time each
//! took and the size of its JSON. The bar (issue 12): a day of 1,000,000 events in ≤ 10 s.

use std::time::Instant;

use clap::Args;

use super::database::on_each_fresh;
use super::fill::ingest_generated;
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::config::DatabaseUrl;
use crate::reports::{build, BuildOptions, PeriodLength, ReportKind};
use crate::store::Store;
use app::model::now_micros;

const DAY_US: i64 = 86_400_000_000;
/// The generator starts this long after the day's midnight, so the billing day it begins with
/// (the day before) has its exists stored early in the measured day.
const START_OFFSET_US: i64 = 15 * 60_000_000;

/// `stacktach bench-reports` options.
#[derive(Debug, Args)]
pub struct ReportBenchArgs {
    /// Stored notifications, spread over the previous UTC day.
    #[arg(long, default_value_t = 1_000_000)]
    pub count: u64,
    /// Databases to measure, in order ("sqlite:" = a temporary file; a postgres:// or mysql://
    /// URL = a fresh database created on that server and dropped afterwards). Repeatable.
    /// Without one: "sqlite:", postgres://postgres@127.0.0.1:5432/postgres and, when its server
    /// answers, mysql://root@127.0.0.1:3306/mysql.
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the filled databases and print where they are, so `stacktach report` and the
    /// database's own shell can be run against the same day again.
    #[arg(long)]
    pub keep: bool,
}

/// Runs the report benchmark and prints each report's time per database.
///
/// # Errors
/// An unreachable database or a failing query; fresh databases are removed anyway.
pub async fn run_reports(args: ReportBenchArgs) -> anyhow::Result<()> {
    let now = now_micros();
    let day = now.div_euclid(DAY_US) * DAY_US - DAY_US;
    let bench = ("bench-reports", 'r');
    on_each_fresh(
        &args.database_urls,
        bench,
        args.keep,
        async |store: &Store, _: &DatabaseUrl| {
            fill(store, args.count, args.seed, day).await?;
            store.analyze().await?;
            measure(store, now).await
        },
    )
    .await
}

/// Ingests `count` generated notifications, their times from `day` + 15 min on.
async fn fill(store: &Store, count: u64, seed: u64, day: i64) -> anyhow::Result<()> {
    let span_s = (DAY_US - START_OFFSET_US) as f64 / 1e6;
    let options = GeneratorOptions::for_rate(count as f64 / span_s, 1.0);
    let mut generator = Generator::new(seed, options, day + START_OFFSET_US);
    ingest_generated(store, &mut generator, count).await
}

/// Builds every report for the previous day and prints its time and size.
async fn measure(store: &Store, now: i64) -> anyhow::Result<()> {
    let opts = BuildOptions {
        length: PeriodLength::Day,
        date: None,
        region: None,
        now,
    };
    println!(
        "\n== {}: {} events ==",
        store.backend_name(),
        store.max_event_id().await?
    );
    println!("{:<28} {:>10} {:>12}", "report", "ms", "JSON bytes");
    let all = Instant::now();
    for kind in ReportKind::ALL {
        let started = Instant::now();
        let report = build(store, kind, &opts).await?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let bytes = report.json.to_string().len();
        println!("{:<28} {ms:>10.0} {bytes:>12}", kind.cli_name());
    }
    println!("{:<28} {:>10.0}", "all", all.elapsed().as_secs_f64() * 1e3);
    Ok(())
}
