//! `stacktach bench-prune`: does ingest keep its rate while retention prunes? For each
//! database (a fresh SQLite file, PostgreSQL or MySQL database) it stores `--count` events
//! through the real ingest path — `--prune` of them on a day 100 days ago, past the default
//! 90-day horizon of events, the rest over yesterday — then ingests fresh notifications in
//! the consumer's default batch size for [`BASELINE`] alone, and again for as long as a prune
//! by the default policy with the schedule's default options runs. It prints both rates, their
//! ratio (the bar: ≥ 0.80) and each table's prune (rows, time; on PostgreSQL the partitions
//! dropped).

use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;

use super::database::on_each_fresh;
use super::fill::ingest_generated;
use crate::amqp::batch_limit;
use crate::cmd::prune::{line, partition_line};
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::config::{DatabaseUrl, DEFAULT_PREFETCH};
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::Hub;
use crate::retention::Policy;
use crate::store::prune::{PruneOptions, Step, TableOutcome};
use crate::store::Store;
use app::model::now_micros;

const DAY_US: i64 = 86_400_000_000;
/// How long ingest runs alone for the reference rate.
const BASELINE: Duration = Duration::from_secs(20);
/// The rate the measured ingest's generator models (its timestamps only; ingest runs flat out).
const INGEST_MODEL_RATE: f64 = 1_000.0;

/// `stacktach bench-prune` options.
#[derive(Debug, Args)]
pub struct PruneBenchArgs {
    /// Events stored before the prune (expired ones included).
    #[arg(long, default_value_t = 10_000_000)]
    pub count: u64,
    /// Of them, events past the horizon (one day, 100 days ago): what the prune deletes.
    #[arg(long, default_value_t = 1_000_000)]
    pub prune: u64,
    /// Databases to measure, as for `bench-reports` (repeatable; default: SQLite, the local
    /// PostgreSQL and, when it answers, the local MySQL/MariaDB).
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the filled databases and print where they are.
    #[arg(long)]
    pub keep: bool,
}

/// Runs the prune benchmark on each database.
///
/// # Errors
/// An unreachable database or a failing statement; fresh databases are removed anyway.
pub async fn run_prune(args: PruneBenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.prune <= args.count, "--prune must not exceed --count");
    let bench = ("bench-prune", 'p');
    on_each_fresh(
        &args.database_urls,
        bench,
        args.keep,
        async |store: &Store, _: &DatabaseUrl| measure(store, &args).await,
    )
    .await
}

/// Fills `store`, then measures ingest alone and during the prune.
async fn measure(store: &Store, args: &PruneBenchArgs) -> anyhow::Result<()> {
    let now = now_micros();
    let today = now.div_euclid(DAY_US) * DAY_US;
    let old_day = today - 100 * DAY_US;
    println!("\n== {}: fill ==", store.backend_name());
    // PostgreSQL: the partitions a server running then would have created.
    store.ensure_partitions(old_day + DAY_US / 2).await?;
    fill_day(store, args.prune, args.seed, old_day).await?;
    store.ensure_partitions(now).await?;
    let recent = args.count - args.prune;
    fill_day(store, recent, args.seed + 1, today - DAY_US).await?;
    store.analyze().await?;

    let deployment = DeploymentRef {
        id: store.ensure_deployment("bench-live").await?,
        name: "bench-live".to_owned(),
    };
    let mut feed = Feed::new(store, deployment, args.seed + 2, now);
    let alone = feed.ingest_for(BASELINE).await?;

    let (pruning, prune_store) = (Instant::now(), store.clone());
    let mut prune = tokio::spawn(async move { prune_all(&prune_store, now).await });
    let mut during = Rate::default();
    let outcomes = loop {
        tokio::select! {
            done = &mut prune => break done??,
            batch = feed.batch() => during.add(batch?),
        }
    };
    let prune_secs = pruning.elapsed().as_secs_f64();

    println!(
        "\n== {}: prune of {} expired events ==",
        store.backend_name(),
        args.prune
    );
    for o in &outcomes {
        for p in &o.partitions {
            println!("  {}", partition_line(p));
        }
        println!("{}", line(o, false));
    }
    let ratio = during.per_second() / alone.per_second().max(f64::MIN_POSITIVE);
    println!("prune: {prune_secs:.1} s in all");
    println!(
        "ingest alone:        {:>8.0} events/s ({} events in {:.1} s, batches of {})",
        alone.per_second(),
        alone.events,
        alone.secs,
        feed.batch
    );
    println!(
        "ingest during prune: {:>8.0} events/s ({} events in {:.1} s)",
        during.per_second(),
        during.events,
        during.secs
    );
    println!("ratio {ratio:.2} (bar: >= 0.80)");
    Ok(())
}

/// Every step of the default policy, as the hourly schedule runs it.
async fn prune_all(store: &Store, now: i64) -> anyhow::Result<Vec<TableOutcome>> {
    let mut outcomes = Vec::new();
    for (step, cutoff) in Step::plan(&Policy::default(), now) {
        let outcome = store
            .prune_step(step, cutoff, &PruneOptions::default())
            .await
            .with_context(|| format!("pruning {}", step.table()))?;
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Stores `count` generated events over the UTC day starting at `day`.
async fn fill_day(store: &Store, count: u64, seed: u64, day: i64) -> anyhow::Result<()> {
    let options = GeneratorOptions::for_rate(count as f64 / 86_000.0, 1.0);
    let mut generator = Generator::new(seed, options, day + 60_000_000);
    ingest_generated(store, &mut generator, count).await
}

/// Events ingested and the seconds spent.
#[derive(Debug, Default, Clone, Copy)]
struct Rate {
    events: u64,
    secs: f64,
}

impl Rate {
    fn add(&mut self, (events, secs): (u64, f64)) {
        self.events += events;
        self.secs += secs;
    }

    fn per_second(&self) -> f64 {
        self.events as f64 / self.secs.max(1e-9)
    }
}

/// Fresh nova notifications ingested a batch at a time, as a consumer at the default
/// prefetch would commit them.
struct Feed {
    ingestor: Ingestor,
    deployment: DeploymentRef,
    generator: Generator,
    batch: usize,
}

impl Feed {
    fn new(store: &Store, deployment: DeploymentRef, seed: u64, now: i64) -> Self {
        let options = GeneratorOptions::for_rate(INGEST_MODEL_RATE, 1.0);
        Self {
            ingestor: Ingestor::new(store.clone(), Hub::new()),
            deployment,
            generator: Generator::new(seed, options, now),
            batch: batch_limit(DEFAULT_PREFETCH),
        }
    }

    /// Ingests one batch: (events, seconds inside `ingest`).
    async fn batch(&mut self) -> anyhow::Result<(u64, f64)> {
        let mut pending = Vec::with_capacity(self.batch);
        while pending.len() < self.batch {
            for o in self.generator.take(self.batch) {
                if o.exchange == "nova" && pending.len() < self.batch {
                    pending.push(Incoming {
                        routing_key: o.routing_key,
                        body: o.body.into_bytes(),
                    });
                }
            }
        }
        let started = Instant::now();
        self.ingestor
            .ingest(&self.deployment, "nova", &pending)
            .await?;
        Ok((pending.len() as u64, started.elapsed().as_secs_f64()))
    }

    /// Ingests batches for `span` of wall time.
    async fn ingest_for(&mut self, span: Duration) -> anyhow::Result<Rate> {
        let started = Instant::now();
        let mut rate = Rate::default();
        while started.elapsed() < span {
            rate.add(self.batch().await?);
        }
        Ok(rate)
    }
}
