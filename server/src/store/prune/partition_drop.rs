//! The events step on PostgreSQL's partitioned `raw_events` (migration 0014): a partition
//! whose whole range is past the horizon goes as a table instead of row by row, with its
//! still-referenced rows moved into a replacement first; the partitions that reach back past
//! the horizon without being wholly past it (the day it falls in, the default partition, the
//! legacy partition until its range has expired) keep the chunked row deletes of `walk`.
//!
//! How a partition goes without losing an event or stalling ingest:
//! 1. its rows a kept usage row points at are copied into a fresh standalone table for the
//!    same range (one `REPEATABLE READ` snapshot, which also counts the partition);
//! 2. the `raw_image_meta` rows of its other events are deleted in chunks (children first,
//!    as the row deletes do; an event that goes is never read again, and one whose meta went
//!    is doomed already: a usage row only ever points at an event stored with it);
//! 3. one short transaction under `lock_timeout` locks the partition against inserts, copies
//!    what a late event added since the snapshot (only when the count moved), detaches it,
//!    attaches the fresh table for its range (no rows: nothing is attached), drops it. A lock
//!    not granted in time rolls all of it back; the next run tries again.
//!
//! Only step 3 holds a lock ingest waits for (on `raw_events`, while it detaches and
//! attaches: catalog changes, and the attach's check that the default partition, which holds
//! only events no partition covers, has none of the range). Late events of an expired day
//! wait for the partition's own lock while it is counted.
//!
//! A month whose days have all expired becomes one partition (`raw_events_pYYYYMM`) the same
//! way, so a usage horizon of 400 days keeps about 13 month partitions of referenced events
//! rather than 400 day partitions that every id lookup probes.

use sqlx::{Connection, PgConnection, PgPool};

use crate::store::partitions::{
    self, create_standalone, ident, lock_not_granted, range_sql, Partition, LOCK_TIMEOUT, PARENT,
};
use crate::store::prune::partition_plan::{
    referenced_between, unreferenced, PartitionAction, PartitionOutcome, Rebuild,
};
use crate::store::prune::PruneOptions;

/// Keeps two servers' prunes from rebuilding the same partitions at once (an arbitrary
/// constant, held for a whole run on a connection of its own).
const PRUNE_LOCK: i64 = 0x5354_5052_554E; // "STPRUN"

/// A partition as counted: rows, the smallest and largest id, the referenced rows.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    rows: i64,
    lo: i64,
    hi: i64,
    kept: i64,
}

/// Counts `partition` (its referenced rows among them) on `c`, in `c`'s current snapshot.
async fn count(c: &mut PgConnection, partition: &str) -> Result<Count, sqlx::Error> {
    let table = ident(partition);
    let (rows, lo, hi): (i64, Option<i64>, Option<i64>) =
        sqlx::query_as(&format!("SELECT COUNT(*), MIN(id), MAX(id) FROM {table}"))
            .fetch_one(&mut *c)
            .await?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Count::default());
    };
    let kept: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {table} WHERE id IN ({})",
        referenced_between(lo, hi)
    ))
    .fetch_one(&mut *c)
    .await?;
    Ok(Count { rows, lo, hi, kept })
}

/// Runs the rebuilds of `plan` (or, with `dry_run`, counts them) on a connection of its own
/// holding [`PRUNE_LOCK`] for the run (closed after it, which releases the lock even when the
/// run is cancelled). Another server's prune running: nothing, and no outcome.
pub(crate) async fn run(
    pool: &PgPool,
    rebuilds: &[Rebuild],
    options: &PruneOptions,
) -> Result<Vec<PartitionOutcome>, sqlx::Error> {
    if rebuilds.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = pool.acquire().await?.detach();
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(PRUNE_LOCK)
        .fetch_one(&mut c)
        .await?;
    let mut outcomes = Vec::new();
    if locked {
        for rebuild in rebuilds {
            outcomes.extend(rebuild_one(&mut c, rebuild, options).await?);
        }
    } else {
        tracing::info!("Another prune is replacing raw_events partitions; skipping them.");
    }
    let _ = c.close().await;
    Ok(outcomes)
}

/// One rebuild; no outcome when there is nothing to do (a single partition whose every
/// event is still referenced).
async fn rebuild_one(
    c: &mut PgConnection,
    rebuild: &Rebuild,
    options: &PruneOptions,
) -> Result<Vec<PartitionOutcome>, sqlx::Error> {
    let mut counts = Vec::with_capacity(rebuild.sources.len());
    for source in &rebuild.sources {
        counts.push(count(c, &source.name).await?);
    }
    let doomed: i64 = counts.iter().map(|n| n.rows - n.kept).sum();
    // A partition whose every event is referenced stays as it is (an empty one goes).
    if rebuild.sources.len() == 1 && doomed == 0 && counts[0].rows > 0 {
        return Ok(Vec::new());
    }
    if options.dry_run {
        return Ok(rebuild
            .sources
            .iter()
            .zip(&counts)
            .map(|(s, n)| {
                let into = (n.kept > 0).then(|| rebuild.target.clone());
                outcome(s, n, PartitionAction::WouldGo { into })
            })
            .collect());
    }
    let (counts, action) = replace(c, rebuild, options).await?;
    let outcomes: Vec<PartitionOutcome> = rebuild
        .sources
        .iter()
        .zip(&counts)
        .map(|(s, n)| outcome(s, n, action.clone()))
        .collect();
    for o in &outcomes {
        tracing::info!(
            partition = %o.partition,
            rows = o.rows,
            kept = o.kept,
            bytes = o.bytes,
            action = ?o.action,
            "Expired raw_events partition."
        );
    }
    Ok(outcomes)
}

/// What became of `source`, counted as `n` (a postponed one lost no rows).
fn outcome(source: &Partition, n: &Count, action: PartitionAction) -> PartitionOutcome {
    let gone = if action == PartitionAction::Postponed {
        0
    } else {
        n.rows - n.kept
    };
    PartitionOutcome {
        partition: source.name.clone(),
        rows: u64::try_from(gone).unwrap_or(0),
        kept: u64::try_from(n.kept).unwrap_or(0),
        bytes: source.bytes,
        action,
    }
}

/// Copy, meta deletes and swap: the sources as counted in the copy's snapshot, and what
/// became of them.
async fn replace(
    c: &mut PgConnection,
    rebuild: &Rebuild,
    options: &PruneOptions,
) -> Result<(Vec<Count>, PartitionAction), sqlx::Error> {
    let fresh = format!("{}_new", rebuild.target);
    let drop_fresh = format!("DROP TABLE IF EXISTS {}", ident(&fresh));
    run_sql(c, &drop_fresh).await?;
    create_standalone(c, &fresh, rebuild.lo, rebuild.hi).await?;
    let counts = copy_referenced(c, rebuild, &fresh).await?;
    for (source, n) in rebuild.sources.iter().zip(&counts) {
        delete_doomed_meta(c, &source.name, &fresh, n, options).await?;
    }
    let action = match swap(c, rebuild, &fresh, &counts).await {
        Ok(0) => PartitionAction::Dropped,
        Ok(_) => PartitionAction::Replaced {
            into: rebuild.target.clone(),
        },
        Err(e) if lock_not_granted(&e) => {
            tracing::info!(
                partition = %rebuild.target,
                "Partition swap not granted its locks within {LOCK_TIMEOUT}; retrying at the next run."
            );
            run_sql(c, &drop_fresh).await?;
            PartitionAction::Postponed
        }
        Err(e) => return Err(e),
    };
    Ok((counts, action))
}

/// Runs one statement without binds; answers the rows it changed.
async fn run_sql(c: &mut PgConnection, sql: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(sql).execute(&mut *c).await?.rows_affected())
}

/// Copies the referenced events of every source into `fresh` in one snapshot, counting each
/// source in the same snapshot.
async fn copy_referenced(
    c: &mut PgConnection,
    rebuild: &Rebuild,
    fresh: &str,
) -> Result<Vec<Count>, sqlx::Error> {
    let mut tx = c.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    let mut counts = Vec::with_capacity(rebuild.sources.len());
    for source in &rebuild.sources {
        let n = count(&mut tx, &source.name).await?;
        if n.kept > 0 {
            sqlx::query(&format!(
                "INSERT INTO {} SELECT s.* FROM {} s WHERE s.id IN ({})",
                ident(fresh),
                ident(&source.name),
                referenced_between(n.lo, n.hi)
            ))
            .execute(&mut *tx)
            .await?;
        }
        counts.push(n);
    }
    tx.commit().await?;
    Ok(counts)
}

/// Deletes, in chunks with a rest between them, the `raw_image_meta` rows of the events of
/// `source` that go: not copied into `fresh`, not referenced.
async fn delete_doomed_meta(
    c: &mut PgConnection,
    source: &str,
    fresh: &str,
    n: &Count,
    options: &PruneOptions,
) -> Result<(), sqlx::Error> {
    if n.rows == n.kept {
        return Ok(());
    }
    let delete = format!(
        "DELETE FROM raw_image_meta m WHERE m.raw_id = ANY($1) \
         AND EXISTS (SELECT 1 FROM {} s WHERE s.id = m.raw_id) \
         AND NOT EXISTS (SELECT 1 FROM {} f WHERE f.id = m.raw_id){}",
        ident(source),
        ident(fresh),
        unreferenced("m.raw_id")
    );
    let mut after = n.lo - 1;
    loop {
        let worked = std::time::Instant::now();
        let page: Vec<i64> = sqlx::query_scalar(
            "SELECT raw_id FROM raw_image_meta WHERE raw_id > $1 AND raw_id <= $2 \
             ORDER BY raw_id LIMIT $3",
        )
        .bind(after)
        .bind(n.hi)
        .bind(i64::from(options.chunk.max(1)))
        .fetch_all(&mut *c)
        .await?;
        let Some(&last) = page.last() else {
            return Ok(());
        };
        after = last;
        sqlx::query(&delete).bind(&page).execute(&mut *c).await?;
        if page.len() < options.chunk.max(1) as usize {
            return Ok(());
        }
        options.rest(worked.elapsed()).await;
    }
}

/// The one short transaction: lock `raw_events` (the parent first, the order ingest takes its
/// locks in, so neither side can deadlock the other), take in what late events added since
/// `counts` were taken, detach the sources, attach `fresh` when it holds rows, drop them.
/// Answers the rows kept.
///
/// Nothing here scans a source: ids commit in order (ARCHITECTURE.md "Invariants"), so every
/// event committed after the copy's snapshot has an id above that source's largest one then,
/// and an index range finds them.
async fn swap(
    c: &mut PgConnection,
    rebuild: &Rebuild,
    fresh: &str,
    counts: &[Count],
) -> Result<i64, sqlx::Error> {
    let fresh_table = ident(fresh);
    let mut tx = c.begin().await?;
    run_sql(
        &mut tx,
        &format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"),
    )
    .await?;
    run_sql(
        &mut tx,
        &format!("LOCK TABLE {PARENT} IN ACCESS EXCLUSIVE MODE"),
    )
    .await?;
    for (source, n) in rebuild.sources.iter().zip(counts) {
        let table = ident(&source.name);
        let late: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE id > {}", n.hi))
                .fetch_one(&mut *tx)
                .await?;
        if late > 0 {
            tracing::info!(
                partition = %source.name,
                late,
                "Late events arrived while the partition was copied; taking them in."
            );
            take_in_late(&mut tx, &table, &fresh_table, n.hi).await?;
        }
    }
    let kept: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {fresh_table}"))
        .fetch_one(&mut *tx)
        .await?;
    for source in &rebuild.sources {
        let table = ident(&source.name);
        run_sql(
            &mut tx,
            &format!("ALTER TABLE {PARENT} DETACH PARTITION {table}"),
        )
        .await?;
        run_sql(&mut tx, &format!("DROP TABLE {table}")).await?;
    }
    if kept > 0 {
        let range = range_sql(rebuild.lo, rebuild.hi);
        let target = ident(&rebuild.target);
        let attach =
            format!("ALTER TABLE {PARENT} ATTACH PARTITION {fresh_table} FOR VALUES {range}");
        run_sql(&mut tx, &attach).await?;
        run_sql(
            &mut tx,
            &format!("ALTER TABLE {fresh_table} RENAME TO {target}"),
        )
        .await?;
    } else {
        run_sql(&mut tx, &format!("DROP TABLE {fresh_table}")).await?;
    }
    tx.commit().await?;
    Ok(kept)
}

/// Late events arrived in `table` since the copy (ids above `after`; ingest never deletes or
/// updates an event): the referenced ones join the copy in `fresh_table`, the others' image
/// meta goes with them.
async fn take_in_late(
    c: &mut PgConnection,
    table: &str,
    fresh_table: &str,
    after: i64,
) -> Result<(), sqlx::Error> {
    let copy = format!(
        "INSERT INTO {fresh_table} SELECT s.* FROM {table} s WHERE s.id > {after} \
         AND NOT EXISTS (SELECT 1 FROM {fresh_table} f WHERE f.id = s.id) AND NOT (TRUE{})",
        unreferenced("s.id")
    );
    run_sql(c, &copy).await?;
    let meta = format!(
        "DELETE FROM raw_image_meta m USING {table} s WHERE m.raw_id = s.id AND s.id > {after} \
         AND NOT EXISTS (SELECT 1 FROM {fresh_table} f WHERE f.id = s.id)"
    );
    run_sql(c, &meta).await?;
    Ok(())
}

/// The partitions of `raw_events` on `pool` (empty: not partitioned).
pub(crate) async fn partitions_of(pool: &PgPool) -> Result<Vec<Partition>, sqlx::Error> {
    partitions::list(&mut *pool.acquire().await?).await
}
