//! `stacktach prune [--dry-run]`: deletes what the retention policy no longer keeps, table by
//! table, and prints per table the rows that went and how long it took (`--dry-run`: the rows
//! that would go); on PostgreSQL also per `raw_events` partition dropped its rows and bytes.
//! `serve` and `worker` run the same prune on a schedule ([`run_schedule`]), which on
//! PostgreSQL also creates the coming days' `raw_events` partitions (at start, then hourly).

use std::time::Duration;

use anyhow::Context;
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::args::{open_migrated, DatabaseArgs};
use crate::config::retention::resolve_retention;
use crate::retention::Policy;
use crate::store::prune::{
    PartitionAction, PartitionOutcome, PruneOptions, Step, TableOutcome, DEFAULT_CHUNK,
};
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
    /// The least pause between chunks, in milliseconds, so ingest gets the database.
    #[arg(long, default_value_t = 20)]
    pub pause_ms: u64,
    /// The largest share of the time the prune's own statements take, in percent: after a
    /// chunk that took t, it rests at least t × (100 − P) / P. 100: only the pause.
    #[arg(long, value_name = "P", default_value_t = 10, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub busy_percent: u8,
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
        busy_share: f64::from(args.busy_percent) / 100.0,
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
        for partition in &outcome.partitions {
            println!("  {}", partition_line(partition));
        }
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

/// One partition's line, under its table's: `raw_events_p20260901: 120000 rows, 85.3 MB
/// dropped (12 referenced rows kept in raw_events_p202609)`.
pub fn partition_line(p: &PartitionOutcome) -> String {
    let mb = p.bytes as f64 / 1_000_000.0;
    let head = format!("{}: {} rows, {mb:.1} MB", p.partition, p.rows);
    let kept = |into: &str| format!("{} referenced rows kept in {into}", p.kept);
    match &p.action {
        PartitionAction::Dropped => format!("{head} dropped"),
        PartitionAction::Replaced { into } => format!("{head} dropped ({})", kept(into)),
        PartitionAction::WouldGo { into: None } => format!("{head} would be dropped"),
        PartitionAction::WouldGo { into: Some(into) } => {
            format!("{head} would be dropped ({})", kept(into))
        }
        PartitionAction::Postponed => format!(
            "{}: not dropped this time (its locks were not granted in time; retried at the next run)",
            p.partition
        ),
    }
}

/// Prunes `store` by `policy` every [`RUN_EVERY`], the first time [`FIRST_RUN_AFTER`] after
/// start, until `shutdown` (`serve` and `worker`). A failed table is logged and retried at
/// the next run.
pub async fn run_schedule(store: Store, policy: Policy, shutdown: CancellationToken) {
    run_schedule_every(store, policy, FIRST_RUN_AFTER, RUN_EVERY, shutdown).await;
}

/// [`run_schedule`] with its delays given (tests use short ones). On PostgreSQL the coming
/// days' partitions of `raw_events` are created at once and then before each prune, whatever
/// the policy; elsewhere a policy that prunes nothing returns at once.
pub async fn run_schedule_every(
    store: Store,
    policy: Policy,
    first: Duration,
    every: Duration,
    shutdown: CancellationToken,
) {
    let partitions = matches!(store, Store::Postgres(_));
    if !policy.prunes_anything() && !partitions {
        return;
    }
    if policy.prunes_anything() {
        tracing::info!(retention = %policy, "Pruning on a schedule.");
    }
    ensure_partitions(&store, &shutdown).await;
    let mut wait = first;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = every;
        ensure_partitions(&store, &shutdown).await;
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
                    partitions = o.partitions.len(),
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

/// Creates the coming days' `raw_events` partitions (PostgreSQL; logged, never fatal: events
/// of a day without one go to the default partition).
async fn ensure_partitions(store: &Store, shutdown: &CancellationToken) {
    let result = tokio::select! {
        () = shutdown.cancelled() => return,
        result = store.ensure_partitions(now_micros()) => result,
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "Creating raw_events partitions failed; retrying at the next run.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition(action: PartitionAction) -> PartitionOutcome {
        PartitionOutcome {
            partition: "raw_events_p20260901".into(),
            rows: 120_000,
            kept: 12,
            bytes: 85_300_000,
            action,
        }
    }

    #[test]
    fn a_partition_line_says_what_went_and_what_was_kept() {
        let into = || "raw_events_p202609".to_owned();
        assert_eq!(
            partition_line(&partition(PartitionAction::Replaced { into: into() })),
            "raw_events_p20260901: 120000 rows, 85.3 MB dropped (12 referenced rows kept in \
             raw_events_p202609)"
        );
        assert_eq!(
            partition_line(&partition(PartitionAction::Dropped)),
            "raw_events_p20260901: 120000 rows, 85.3 MB dropped"
        );
        let would = PartitionAction::WouldGo { into: Some(into()) };
        assert!(partition_line(&partition(would)).contains("would be dropped (12 referenced"));
        let postponed = partition_line(&partition(PartitionAction::Postponed));
        assert!(postponed.starts_with("raw_events_p20260901: not dropped this time"));
    }
}
