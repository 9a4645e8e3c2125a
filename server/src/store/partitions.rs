//! PostgreSQL's time partitions of `raw_events` (migration 0014): what the catalog says they
//! are, their names and ranges, and [`Store::ensure_partitions`], which creates the coming
//! days' partitions ahead of the events that will fill them.
//!
//! Why ahead and in this form: an event whose day has no partition lands in
//! `raw_events_default`, which retention can only prune row by row. A partition is created as
//! a standalone table and then attached: `ATTACH PARTITION` takes a lock on `raw_events` that
//! ingest's inserts do not wait for (`CREATE TABLE … PARTITION OF` would take one they do),
//! and it runs under a short `lock_timeout`, so the attach gives up (and is tried again at the
//! next run) rather than queue ingest behind it. SQLite and MySQL/MariaDB have no partitions:
//! there every call here answers that nothing is partitioned.

use app::model::{civil_from_days, days_from_civil, days_in_month};
use sqlx::{PgConnection, PgPool};

use crate::retention::DAY_US;
use crate::store::backend::Store;
use crate::store::error::StoreError;

/// The partitioned table.
pub const PARENT: &str = "raw_events";
/// The partition of every time no other partition covers.
pub const DEFAULT_PARTITION: &str = "raw_events_default";
/// Days [`Store::ensure_partitions`] creates after today's (and yesterday's, for late events).
pub const DAYS_AHEAD: i64 = 7;
/// How long an attach or a partition swap waits for its locks before it gives up until the
/// next run (ingest queues behind a waiting lock at most this long).
pub(crate) const LOCK_TIMEOUT: &str = "1s";
/// Serializes the servers' partition changes (`serve` and `worker` may share a database):
/// two of them creating the same day would otherwise race. An arbitrary constant.
pub(crate) const PARTITIONS_LOCK: i64 = 0x5354_5041_5254; // "STPART"
/// The most rows of a day [`Store::ensure_partitions`] moves out of the default partition
/// into that day's new partition (under a lock that holds up events of other missing days):
/// a clock ahead leaves a few; a whole day of them stays where it is, pruned row by row.
const MOVE_AT_MOST: i64 = 10_000;

/// A partition's range of `when_us`, as the catalog gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    /// `[from, to)`; `None`: `MINVALUE` / `MAXVALUE`.
    Range { from: Option<i64>, to: Option<i64> },
    /// The default partition.
    Default,
}

impl Bounds {
    /// Parses `pg_get_expr(relpartbound)`: `FOR VALUES FROM ('1') TO ('2')`,
    /// `FOR VALUES FROM (MINVALUE) TO ('2')`, `DEFAULT`.
    pub fn parse(expr: &str) -> Option<Self> {
        let expr = expr.trim();
        if expr == "DEFAULT" {
            return Some(Self::Default);
        }
        let rest = expr.strip_prefix("FOR VALUES FROM (")?;
        let (from, to) = rest.split_once(") TO (")?;
        let to = to.strip_suffix(')')?;
        let value = |v: &str| -> Option<Option<i64>> {
            match v {
                "MINVALUE" | "MAXVALUE" => Some(None),
                v => v.trim_matches('\'').parse().ok().map(Some),
            }
        };
        Some(Self::Range {
            from: value(from)?,
            to: value(to)?,
        })
    }

    /// Whether the range shares a time with `[lo, hi)` (the default partition never does).
    pub fn overlaps(self, lo: i64, hi: i64) -> bool {
        match self {
            Self::Default => false,
            Self::Range { from, to } => from.is_none_or(|f| f < hi) && to.is_none_or(|t| t > lo),
        }
    }

    /// Whether every time of the range is before `cutoff`: the whole partition is past the
    /// horizon.
    pub fn before(self, cutoff: i64) -> bool {
        matches!(self, Self::Range { to: Some(t), .. } if t <= cutoff)
    }

    /// Whether some time of the range is before `cutoff` (the default partition: maybe).
    pub fn reaches_before(self, cutoff: i64) -> bool {
        match self {
            Self::Default => true,
            Self::Range { from, .. } => from.is_none_or(|f| f < cutoff),
        }
    }
}

/// One partition of `raw_events`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub name: String,
    pub bounds: Bounds,
    /// Its size on disk (table, indexes, TOAST).
    pub bytes: i64,
}

/// What [`Store::ensure_partitions`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnsureOutcome {
    /// The partitions created, in day order.
    pub created: Vec<String>,
    /// Rows moved out of the default partition into the new ones.
    pub moved: u64,
    /// Days left without a partition this time, with why (tried again at the next run).
    pub skipped: Vec<(String, String)>,
}

/// The UTC midnight at or before `us`.
pub fn day_start(us: i64) -> i64 {
    us.div_euclid(DAY_US) * DAY_US
}

/// `raw_events_p20261204`: the partition of the UTC day starting at `day`.
pub fn day_name(day: i64) -> String {
    let (y, m, d) = civil_from_days(day.div_euclid(DAY_US));
    format!("{PARENT}_p{y:04}{m:02}{d:02}")
}

/// `raw_events_p202612`: the partition expired days of a month are merged into.
pub fn month_name(month_start: i64) -> String {
    let (y, m, _) = civil_from_days(month_start.div_euclid(DAY_US));
    format!("{PARENT}_p{y:04}{m:02}")
}

/// `[start, end)` of the UTC month holding `us`.
pub fn month_of(us: i64) -> (i64, i64) {
    let (y, m, _) = civil_from_days(us.div_euclid(DAY_US));
    let start = days_from_civil(y, m, 1) * DAY_US;
    (start, start + days_in_month(y, m) * DAY_US)
}

/// `"name"`: an identifier quoted for SQL text (partition names come from the catalog or
/// from [`day_name`]; quoted anyway).
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `FROM (lo) TO (hi)`, `MINVALUE` for an open start.
pub(crate) fn range_sql(lo: Option<i64>, hi: i64) -> String {
    match lo {
        Some(lo) => format!("FROM ({lo}) TO ({hi})"),
        None => format!("FROM (MINVALUE) TO ({hi})"),
    }
}

/// Whether `e` is a lock not granted within `lock_timeout` (or a deadlock the server broke by
/// failing this side): the change is tried again at the next run.
pub(crate) fn lock_not_granted(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "55P03" || c == "40P01")
}

/// Creates `name` as a standalone table shaped like `raw_events` (columns, defaults, indexes,
/// compression) for `[lo, hi)`: its primary key and a check of the range, so that attaching
/// it does not scan it for the range.
pub(crate) async fn create_standalone(
    c: &mut PgConnection,
    name: &str,
    lo: Option<i64>,
    hi: i64,
) -> Result<(), sqlx::Error> {
    let range = match lo {
        Some(lo) => format!("when_us >= {lo} AND when_us < {hi}"),
        None => format!("when_us < {hi}"),
    };
    let table = ident(name);
    let check = ident(&format!("{name}_range"));
    // No foreign key of its own: one added here would make the attach lock `deployments`
    // exclusively until commit, stopping every ingest insert's key check; the attach adds
    // the parent's key itself, checking the (empty or copied, small) table under a lock
    // ingest's checks pass.
    for statement in [
        format!(
            "CREATE TABLE {table} (LIKE {PARENT} INCLUDING ALL, CONSTRAINT {check} CHECK ({range}))"
        ),
        format!("ALTER TABLE {table} ADD PRIMARY KEY (id)"),
    ] {
        sqlx::query(&statement).execute(&mut *c).await?;
    }
    Ok(())
}

/// The partitions of `raw_events` on `c`; empty when the table is not partitioned.
pub(crate) async fn list(c: &mut PgConnection) -> Result<Vec<Partition>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.relname::text, pg_get_expr(c.relpartbound, c.oid), \
         pg_total_relation_size(c.oid) \
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         WHERE i.inhparent = to_regclass('raw_events') ORDER BY c.relname",
    )
    .fetch_all(&mut *c)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, bound, bytes)| {
            Some(Partition {
                bounds: Bounds::parse(&bound)?,
                name,
                bytes,
            })
        })
        .collect())
}

impl Store {
    /// The partitions of `raw_events` (PostgreSQL after migration 0014); empty on the other
    /// backends.
    ///
    /// # Errors
    /// Database errors.
    pub async fn raw_event_partitions(&self) -> Result<Vec<Partition>, StoreError> {
        match self {
            Self::Postgres(pool) => Ok(list(&mut *pool.acquire().await?).await?),
            Self::Sqlite(_) | Self::MySql(_) => Ok(Vec::new()),
        }
    }

    /// Creates the partitions of yesterday (late events) through [`DAYS_AHEAD`] days after
    /// today that no partition covers yet, as of `now` (UTC µs). Idempotent; a day whose
    /// attach did not get its lock in time is skipped and logged (the next run tries again).
    /// Nothing on SQLite and MySQL/MariaDB.
    ///
    /// # Errors
    /// Database errors other than a lock not granted in time.
    pub async fn ensure_partitions(&self, now: i64) -> Result<EnsureOutcome, StoreError> {
        let Self::Postgres(pool) = self else {
            return Ok(EnsureOutcome::default());
        };
        let mut outcome = EnsureOutcome::default();
        let today = day_start(now);
        for n in -1..=DAYS_AHEAD {
            let day = today + n * DAY_US;
            let name = day_name(day);
            match ensure_day(pool, day, &name).await {
                Ok(Ensured::Created { moved }) => {
                    if moved > 0 {
                        tracing::info!(
                            partition = %name,
                            rows = moved,
                            "Moved the default partition's events of a new day's partition."
                        );
                    }
                    outcome.moved += moved;
                    outcome.created.push(name);
                }
                Ok(Ensured::Covered) => {}
                Ok(Ensured::Skipped(why)) => {
                    tracing::warn!(partition = %name, reason = %why, "Day partition not created; its events go to the default partition.");
                    outcome.skipped.push((name, why));
                }
                Err(e) if lock_not_granted(&e) => {
                    let why = format!("lock not granted within {LOCK_TIMEOUT}");
                    tracing::info!(partition = %name, "Day partition not attached ({why}); retrying at the next run.");
                    outcome.skipped.push((name, why));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if !outcome.created.is_empty() {
            tracing::info!(partitions = ?outcome.created, "Created raw_events day partitions.");
        }
        Ok(outcome)
    }
}

/// What became of one day.
enum Ensured {
    Created {
        moved: u64,
    },
    /// A partition covers (part of) the day already, or the table is not partitioned.
    Covered,
    Skipped(String),
}

/// Creates and attaches the partition `name` of the day starting at `day`, in one
/// transaction (nothing is left behind when it fails).
async fn ensure_day(pool: &PgPool, day: i64, name: &str) -> Result<Ensured, sqlx::Error> {
    let next = day + DAY_US;
    let mut tx = pool.begin().await?;
    sqlx::query(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PARTITIONS_LOCK)
        .execute(&mut *tx)
        .await?;
    let partitions = list(&mut tx).await?;
    let has_default = partitions.iter().any(|p| p.bounds == Bounds::Default);
    if partitions.is_empty() || partitions.iter().any(|p| p.bounds.overlaps(day, next)) {
        return Ok(Ensured::Covered);
    }
    let in_range = format!("when_us >= {day} AND when_us < {next}");
    let waiting: i64 = if has_default {
        sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM {DEFAULT_PARTITION} WHERE {in_range}"
        ))
        .fetch_one(&mut *tx)
        .await?
    } else {
        0
    };
    if waiting > MOVE_AT_MOST {
        return Ok(Ensured::Skipped(format!(
            "the default partition holds {waiting} events of that day (more than {MOVE_AT_MOST} to move)"
        )));
    }
    create_standalone(&mut tx, name, Some(day), next).await?;
    let mut moved = 0;
    if waiting > 0 {
        // Attaching would find these rows in the default partition and fail: they move first,
        // under the lock the attach takes on the default partition anyway.
        sqlx::query(&format!(
            "LOCK TABLE {DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE"
        ))
        .execute(&mut *tx)
        .await?;
        let table = ident(name);
        moved = sqlx::query(&format!(
            "INSERT INTO {table} SELECT * FROM {DEFAULT_PARTITION} WHERE {in_range}"
        ))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(&format!("DELETE FROM {DEFAULT_PARTITION} WHERE {in_range}"))
            .execute(&mut *tx)
            .await?;
    }
    if let Some(why) = attach_day(&mut tx, name, day, next).await? {
        return Ok(Ensured::Skipped(why));
    }
    tx.commit().await?;
    Ok(Ensured::Created { moved })
}

/// Attaches the standalone `name` as the day `[day, next)`; `Some(why)` when an event of that
/// day reached the default partition after it was counted (the attach refuses it; the
/// transaction must roll back, and the next run moves that event).
async fn attach_day(
    tx: &mut PgConnection,
    name: &str,
    day: i64,
    next: i64,
) -> Result<Option<String>, sqlx::Error> {
    let attach = format!(
        "ALTER TABLE {PARENT} ATTACH PARTITION {} FOR VALUES {}",
        ident(name),
        range_sql(Some(day), next)
    );
    match sqlx::query(&attach).execute(&mut *tx).await {
        Ok(_) => Ok(None),
        Err(e) if e.as_database_error().and_then(|d| d.code()).as_deref() == Some("23514") => Ok(
            Some("an event of that day arrived in the default partition meanwhile".into()),
        ),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[path = "partitions_tests.rs"]
mod tests;
