//! The walk: a table read by id in pages of `chunk` rows, each page's doomed rows deleted by
//! primary key in one short transaction of their own, with a rest between pages so ingest
//! gets the database between them (at least the pause, and long enough to keep the prune to
//! its share of the time: [`PruneOptions::rest_after`]).

use std::time::{Duration, Instant};

use crate::store::backend::{on_db, Conn, Store};
use crate::store::error::StoreError;
use crate::store::prune::partition_drop;
use crate::store::prune::partition_plan::{plan, PartitionAction};
use crate::store::prune::steps::Step;
use crate::store::prune::{PruneOptions, TableOutcome};
use crate::store::sql::Sql;

impl Store {
    /// Prunes (or, with `dry_run`, counts) the rows of `step`'s table older than `cutoff`.
    /// PostgreSQL's partitioned `raw_events` first loses its partitions wholly past the
    /// cutoff (`partition_drop`); the walk then reads only the partitions that reach back
    /// past it.
    ///
    /// # Errors
    /// Database errors; the pages deleted before the error stay deleted (each page is its own
    /// transaction), and the next run goes on from there.
    pub async fn prune_step(
        &self,
        step: Step,
        cutoff: i64,
        options: &PruneOptions,
    ) -> Result<TableOutcome, StoreError> {
        let started = Instant::now();
        let mut outcome = TableOutcome {
            table: step.table(),
            class: step.class(),
            rows: 0,
            chunks: 0,
            capped: false,
            elapsed: Duration::ZERO,
            partitions: Vec::new(),
        };
        let partitions = match self {
            Self::Postgres(pool) if step == Step::RawEvents => {
                partition_drop::partitions_of(pool).await?
            }
            _ => Vec::new(),
        };
        match self {
            Self::Postgres(pool) if !partitions.is_empty() => {
                let (rebuilds, walk) = plan(&partitions, cutoff);
                outcome.partitions = partition_drop::run(pool, &rebuilds, options).await?;
                for p in &outcome.partitions {
                    if p.action != PartitionAction::Postponed {
                        outcome.rows += p.rows;
                        outcome.chunks += u32::from(p.rows > 0);
                    }
                }
                for partition in &walk {
                    self.walk(step, partition, cutoff, options, &mut outcome)
                        .await?;
                }
            }
            _ => {
                self.walk(step, step.table(), cutoff, options, &mut outcome)
                    .await?;
            }
        }
        outcome.elapsed = started.elapsed();
        Ok(outcome)
    }

    /// The paged walk of `relation` (`step`'s table, or one of its partitions), adding what
    /// it deleted (or would) to `outcome`.
    async fn walk(
        &self,
        step: Step,
        relation: &str,
        cutoff: i64,
        options: &PruneOptions,
        outcome: &mut TableOutcome,
    ) -> Result<(), StoreError> {
        let chunk = options.chunk.max(1);
        let mut after = i64::MIN;
        let mut pages = 0u32;
        loop {
            let worked = Instant::now();
            let page = self
                .prune_page(step, relation, cutoff, after, chunk)
                .await?;
            let Some(&(last, _, _)) = page.last() else {
                break;
            };
            after = last;
            pages += 1;
            let doomed: Vec<i64> = page
                .iter()
                .filter(|(_, doomed, _)| *doomed != 0)
                .map(|(id, _, _)| *id)
                .collect();
            if !doomed.is_empty() {
                outcome.rows += if options.dry_run {
                    doomed.len() as u64
                } else {
                    self.delete_ids(step, relation, cutoff, &doomed).await?
                };
                outcome.chunks += 1;
            }
            let past_cutoff = step.stop().is_some()
                && page
                    .iter()
                    .all(|(_, _, stop)| stop.is_some_and(|t| t >= cutoff));
            if page.len() < chunk as usize || past_cutoff {
                break;
            }
            if options.dry_run && options.max_pages.is_some_and(|max| pages >= max) {
                outcome.capped = true;
                break;
            }
            options.rest(worked.elapsed()).await;
        }
        Ok(())
    }

    /// The next `chunk` rows of `relation` after id `after`: (id, doomed 0/1, the step's
    /// stop time). A partition is read under its table's name, which the conditions use.
    async fn prune_page(
        &self,
        step: Step,
        relation: &str,
        cutoff: i64,
        after: i64,
        chunk: u32,
    ) -> Result<Vec<(i64, i64, Option<i64>)>, StoreError> {
        let mut sql = Sql::new("SELECT id, CAST(CASE WHEN ");
        step.push_doomed(&mut sql, cutoff);
        sql.push(" THEN 1 ELSE 0 END AS ")
            .push(self.bigint())
            .push(") AS doomed, ")
            .push(step.stop().unwrap_or("id"))
            .push(" AS stop FROM ")
            .push(relation);
        if relation != step.table() {
            sql.push(" ").push(step.table());
        }
        sql.push(" WHERE id > ")
            .int(after)
            .push(" ORDER BY id LIMIT ")
            .int(i64::from(chunk));
        self.fetch_all(&sql).await
    }

    /// Deletes `ids` of `relation` (`step`'s table or a partition of it) that still meet its
    /// own condition, with their children first, in one transaction; answers how many rows
    /// went.
    async fn delete_ids(
        &self,
        step: Step,
        relation: &str,
        cutoff: i64,
        ids: &[i64],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut conn = tx.conn();
        for (child, column) in step.children() {
            let mut sql = Sql::new("DELETE FROM ");
            sql.push(child).push(" WHERE ").push(column).push(" IN ");
            sql.int_list(ids).persistent(false);
            rows_affected(&mut conn, &sql).await?;
        }
        let mut sql = Sql::new("DELETE FROM ");
        sql.push(relation).push(" WHERE id IN ");
        sql.int_list(ids).persistent(false);
        sql.push(" AND ");
        step.push_recheck(&mut sql, cutoff);
        let deleted = rows_affected(&mut conn, &sql).await?;
        tx.commit().await?;
        Ok(deleted)
    }
}

/// Runs `sql` inside the transaction of `conn`; answers the rows it changed.
async fn rows_affected(conn: &mut Conn<'_>, sql: &Sql<'_>) -> Result<u64, StoreError> {
    let text = sql.render(conn.placeholders());
    Ok(on_db!(conn, c => sql.query(&text)?.execute(&mut **c).await?.rows_affected()))
}
