//! `stacktach prune [--dry-run]`: deletes what the retention policy no longer keeps, table by
//! table, and prints per table the rows that went and how long it took (`--dry-run`: the rows
//! that would go). `serve` and `worker` run the same prune on a schedule ([`run_schedule`]).

use std::time::Duration;

use anyhow::Context;
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::args::{open_migrated, DatabaseArgs};
use crate::config::retention::resolve_retention;
use crate::retention::Policy;
use crate::store::prune::{PruneOptions, Step, TableOutcome, DEFAULT_CHUNK};
use crate::store::Store;
use app::model::now_micros;

/// The first scheduled prune runs this long after start (not at once: a restarted server
/// first catches up with its queues).
pub const FIRST_RUN_AFTER: Duration = Duration::from_secs(5 * 60);
/// Then one prune per interval.
pub const RUN_EVERY: Duration = Duration::from_secs(60 * 60);

/// `--retention`, shared by `serve`, `worker` and `prune`.
#[derive(Debug, Clone, Args)]
pub struct RetentionArg {
    /// How long each class of table keeps rows: events, quarantine, timings, lifecycles, usage, reports, e.g. `events=90d,quarantine=30d,usage=off`; `off` alone prunes nothing [env: STACKTACH_RETENTION] [default: events=90d,quarantine=30d,timings=90d,lifecycles=180d,usage=400d,reports=400d]
    #[arg(long, value_name = "SPEC")]
    pub retention: Option<String>,
}

impl RetentionArg {
    /// The policy of the option, else `STACKTACH_RETENTION`, else the defaults.
    ///
    /// # Errors
    /// A bad spec (one line naming the key and the reason).
    pub fn policy(&self) -> anyhow::Result<Policy> {
        Ok(resolve_retention(self.retention.as_deref())?)
    }
}

/// `stacktach prune` options.
#[derive(Debug, Args)]
pub struct PruneArgs {
    #[command(flatten)]
    pub retention: RetentionArg,
    /// Print per table how many rows would go (counted up to 1,000,000 per table); delete
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Rows per delete transaction.
    #[arg(long, default_value_t = DEFAULT_CHUNK)]
    pub chunk: u32,
    /// Pause between chunks, in milliseconds, so ingest gets the database.
    #[arg(long, default_value_t = 20)]
    pub pause_ms: u64,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Runs `stacktach prune`.
///
/// # Errors
/// A bad retention spec, an unreachable database, or a table whose prune failed (the tables
/// before it are pruned; the command says which one failed).
pub async fn run(args: PruneArgs) -> anyhow::Result<()> {
    let policy = args.retention.policy()?;
    let url = args.database.url()?;
    let store = open_migrated(&url).await?;
    let options = PruneOptions {
        chunk: args.chunk.max(1),
        pause: Duration::from_millis(args.pause_ms),
        dry_run: args.dry_run,
        max_pages: Some(1_000_000 / args.chunk.max(1)),
    };
    println!("Retention: {policy}");
    if args.dry_run {
        // Each table is counted as it is now: rows held only by rows the same prune deletes
        // first (timings held by trackers, usages by exists, …) go too in a real run.
        println!(
            "Dry run: per table as the database is now; a real run also deletes rows held \
             only by rows it deletes first (timings held by trackers, usages by exists, …)."
        );
    }
    let mut total = 0;
    for (step, cutoff) in Step::plan(&policy, now_micros()) {
        let outcome = store
            .prune_step(step, cutoff, &options)
            .await
            .with_context(|| format!("pruning {} failed", step.table()))?;
        println!("{}", line(&outcome, args.dry_run));
        total += outcome.rows;
    }
    let verb = if args.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    println!("Prune {verb} {total} rows in all.");
    store.close().await;
    Ok(())
}

/// One table's line: `raw_events (events): 12000 rows deleted in 1.52 s (3 chunks)`.
pub fn line(o: &TableOutcome, dry_run: bool) -> String {
    if dry_run {
        let at_least = if o.capped { "at least " } else { "" };
        format!(
            "{} ({}): {at_least}{} rows would be deleted",
            o.table, o.class, o.rows
        )
    } else {
        format!(
            "{} ({}): {} rows deleted in {:.2} s ({} chunks)",
            o.table,
            o.class,
            o.rows,
            o.elapsed.as_secs_f64(),
            o.chunks
        )
    }
}

/// Prunes `store` by `policy` every [`RUN_EVERY`], the first time [`FIRST_RUN_AFTER`] after
/// start, until `shutdown` (`serve` and `worker`). A failed table is logged and retried at
/// the next run.
pub async fn run_schedule(store: Store, policy: Policy, shutdown: CancellationToken) {
    run_schedule_every(store, policy, FIRST_RUN_AFTER, RUN_EVERY, shutdown).await;
}

/// [`run_schedule`] with its delays given (tests use short ones).
pub async fn run_schedule_every(
    store: Store,
    policy: Policy,
    first: Duration,
    every: Duration,
    shutdown: CancellationToken,
) {
    if !policy.prunes_anything() {
        return;
    }
    tracing::info!(retention = %policy, "Pruning on a schedule.");
    let mut wait = first;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = every;
        for (step, cutoff) in Step::plan(&policy, now_micros()) {
            if shutdown.is_cancelled() {
                return;
            }
            let options = PruneOptions::default();
            let result = tokio::select! {
                // Dropping a chunk's transaction rolls it back; the next start goes on.
                () = shutdown.cancelled() => return,
                result = store.prune_step(step, cutoff, &options) => result,
            };
            match result {
                Ok(o) if o.rows > 0 => tracing::info!(
                    table = o.table,
                    rows = o.rows,
                    secs = o.elapsed.as_secs_f64(),
                    "Pruned rows past their retention."
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(
                    table = step.table(),
                    error = %e,
                    "Prune failed; retrying at the next run."
                ),
            }
        }
    }
}
