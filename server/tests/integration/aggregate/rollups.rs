//! The timing rollups against the timings they sum: what ingest added batch by batch (starts
//! and ends in different batches), what migrations 0016's and 0022's backfills compute from the
//! stored timings and hours, the bucket list the database holds, and `/stacky/summary`'s
//! totals (from the day rollups); on every backend.

use std::collections::BTreeMap;

use app::model::{buckets_of, BucketCount, ROLLUP_FLOORS_US};
use sqlx::Connection;

use super::Setup;
use crate::helpers::{Backend, TestDb};

const HOUR_US: i64 = 3_600_000_000;

/// Checks the rollups of `instances`' timings (every instance with a timing).
pub async fn check(setup: &Setup, backend: Backend, instances: &[&String]) {
    let done = completed_timings(setup, instances).await;
    assert!(
        done.len() > 100,
        "{backend:?}: {} completed timings",
        done.len()
    );
    let mut ends: Vec<i64> = done.iter().map(|(_, end, _)| *end).collect();
    ends.sort_unstable();
    let middle_hour = ends[ends.len() / 2].div_euclid(HOUR_US) * HOUR_US;
    assert!(middle_hour > ends[0], "{backend:?}: the timings span hours");

    for since in [i64::MIN, middle_hour] {
        let stored = stored_buckets(setup, since).await;
        assert_eq!(
            stored,
            expected_buckets(&done, since),
            "{backend:?} since {since}"
        );
    }
    assert_summary(setup, &done).await;

    let mut sql = Raw::on(backend, &setup.db).await;
    let floors: Vec<(i64, i64)> = sql
        .pairs("SELECT bucket, floor_us FROM timing_rollup_buckets ORDER BY bucket")
        .await;
    let listed: Vec<(i64, i64)> = (1..).zip(ROLLUP_FLOORS_US).collect();
    assert_eq!(
        floors, listed,
        "{backend:?}: the migration lists app's floors"
    );

    // The migration's backfill, run again over the stored timings, writes what ingest wrote.
    let before = stored_buckets(setup, i64::MIN).await;
    sql.execute("DELETE FROM timing_rollups").await;
    let backfill = migration_statement(
        backend,
        "0016_timing_rollups.sql",
        "INSERT INTO timing_rollups",
    );
    sql.execute(&backfill).await;
    assert_eq!(
        stored_buckets(setup, i64::MIN).await,
        before,
        "{backend:?}: backfill"
    );
    // And 0022's, the days from the hours.
    sql.execute("DELETE FROM timing_day_rollups").await;
    let backfill = migration_statement(
        backend,
        "0022_timing_day_rollups.sql",
        "INSERT INTO timing_day_rollups",
    );
    sql.execute(&backfill).await;
    assert_eq!(
        stored_buckets(setup, i64::MIN).await,
        before,
        "{backend:?}: the days' backfill"
    );
    assert_summary(setup, &done).await;
}

/// The completed timings of `instances`: (name, end, duration).
pub async fn completed_timings(setup: &Setup, instances: &[&String]) -> Vec<(String, i64, i64)> {
    let mut done = Vec::new();
    for instance in instances {
        for t in setup.store.timings_of(instance).await.unwrap() {
            if let (Some(end), Some(diff)) = (t.end_when, t.diff) {
                done.push((t.name, end, diff));
            }
        }
    }
    done
}

/// Per name, the buckets of timings that ended in the hours from `since` on.
pub fn expected_buckets(
    done: &[(String, i64, i64)],
    since: i64,
) -> BTreeMap<String, Vec<BucketCount>> {
    let mut by_name: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (name, _, diff) in done.iter().filter(|(_, end, _)| *end >= since) {
        by_name.entry(name.clone()).or_default().push(*diff);
    }
    by_name
        .into_iter()
        .map(|(name, durations)| {
            let mut buckets = buckets_of(&durations);
            buckets.sort_unstable_by_key(|b| b.bucket);
            (name, buckets)
        })
        .collect()
}

pub async fn stored_buckets(setup: &Setup, since: i64) -> BTreeMap<String, Vec<BucketCount>> {
    let mut by_name: BTreeMap<String, Vec<BucketCount>> = BTreeMap::new();
    for (name, bucket) in setup.store.timing_buckets_since(since).await.unwrap() {
        by_name.entry(name).or_default().push(bucket);
    }
    by_name
}

/// `/stacky/summary`'s rows: every non-negative duration, per name.
async fn assert_summary(setup: &Setup, done: &[(String, i64, i64)]) {
    let mut expected: BTreeMap<&str, (i64, i64, i64, i64)> = BTreeMap::new();
    for (name, _, diff) in done.iter().filter(|(_, _, diff)| *diff >= 0) {
        let e = expected
            .entry(name.as_str())
            .or_insert((0, i64::MAX, i64::MIN, 0));
        *e = (e.0 + 1, e.1.min(*diff), e.2.max(*diff), e.3 + diff);
    }
    let summary = setup.store.stacky_timing_summary(1_000).await.unwrap();
    let got: BTreeMap<&str, (i64, i64, i64, i64)> = summary
        .iter()
        .map(|s| (s.name.as_str(), (s.n, s.min, s.max, s.total)))
        .collect();
    assert_eq!(got, expected);
}

/// The statement of the backend's migration `file` that starts with `head` (a backfill's
/// `INSERT … SELECT`).
pub fn migration_statement(backend: Backend, file: &str, head: &str) -> String {
    let dir = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
        Backend::MariaDb => "mysql",
    };
    let path = format!("{}/../migrations/{dir}/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the migration");
    let start = text.find(head).expect("its statement");
    let len = text[start..].find(';').expect("the statement's end");
    text[start..start + len].to_string()
}

/// A raw connection to the test database, for what the store has no method for.
pub enum Raw {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
    MySql(sqlx::MySqlConnection),
}

impl Raw {
    pub async fn on(backend: Backend, db: &TestDb) -> Self {
        match backend {
            Backend::Sqlite => {
                Self::Sqlite(sqlx::SqliteConnection::connect(&db.url).await.unwrap())
            }
            Backend::Postgres => {
                Self::Postgres(sqlx::PgConnection::connect(&db.url).await.unwrap())
            }
            Backend::MariaDb => Self::MySql(sqlx::MySqlConnection::connect(&db.url).await.unwrap()),
        }
    }

    pub async fn execute(&mut self, sql: &str) {
        let q = sqlx::raw_sql(sql);
        match self {
            Self::Sqlite(c) => q.execute(c).await.map(drop),
            Self::Postgres(c) => q.execute(c).await.map(drop),
            Self::MySql(c) => q.execute(c).await.map(drop),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub async fn pairs(&mut self, sql: &str) -> Vec<(i64, i64)> {
        match self {
            Self::Sqlite(c) => sqlx::query_as(sql).fetch_all(c).await,
            Self::Postgres(c) => sqlx::query_as(sql).fetch_all(c).await,
            Self::MySql(c) => sqlx::query_as(sql).fetch_all(c).await,
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}
