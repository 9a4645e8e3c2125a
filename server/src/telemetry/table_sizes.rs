//! The database's size per table: the background sampler that `serve` and `worker` run, its
//! two `/metrics` families, and the status page's view of the samples (the growth over the
//! last day).
//!
//! Why a sampler and not a query per request: on SQLite the bytes come from `dbstat`, which
//! visits every page of the file; and a Prometheus scrape every 15 s should not touch the
//! database at all. So every [`SAMPLE_EVERY`] the sampler measures
//! ([`Store::measure_table_sizes`], catalog statistics only), stores the sample (one per table
//! and hour, old ones pruned) and sets the gauges `/metrics` renders; the status page reads
//! the stored samples, so every web node shows what any process sampled.

use std::collections::BTreeMap;
use std::time::Duration;

use app::model::{now_micros, Growth, Micros, TableSize, TableSizes};
use tokio_util::sync::CancellationToken;

use crate::store::{Store, StoreError, TableSizeNow, TableSizeSample, SAMPLE_HOUR};
use crate::telemetry::metrics::{Gauge, Metrics};

/// How often the sampler measures. The first sample is taken at startup.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5 * 60);

/// The age of the sample growth is measured against.
const DAY: i64 = 24 * SAMPLE_HOUR;

/// The youngest a sample may be to stand for "a day ago": samples are kept one per hour, so
/// the one nearest a day ago may be up to an hour off either way.
const DAY_AT_LEAST: i64 = DAY - SAMPLE_HOUR;

/// How far back the status page reads samples: the day, an hour of slack, and the sampler's
/// interval.
const READ_SPAN: i64 = DAY + 2 * SAMPLE_HOUR;

/// A table whose newest sample is this much older than the newest of all is gone (dropped or
/// renamed) and is no longer listed.
const STALE_AFTER: i64 = SAMPLE_HOUR;

const TABLE: &[&str] = &["table"];

/// Bytes per table (table, indexes and out-of-line storage), as of the last sample.
pub static TABLE_BYTES: Gauge = Gauge {
    name: "stacktach_db_table_bytes",
    help: "Bytes a database table takes with its indexes (catalog statistics, last sample).",
    labels: TABLE,
    kind: "gauge",
};
/// Rows per table (the database's estimate), as of the last sample.
pub static TABLE_ROWS: Gauge = Gauge {
    name: "stacktach_db_table_rows",
    help: "Rows of a database table as the database estimates them (last sample).",
    labels: TABLE,
    kind: "gauge",
};

/// How often SQLite is measured: `dbstat` reads every page of the file (about 7 s for a
/// 4.7 GB file of a million events), so once an hour, the samples' own resolution.
const SQLITE_SAMPLE_EVERY: Duration = Duration::from_secs(3_600);

/// Measures every [`SAMPLE_EVERY`] ([`SQLITE_SAMPLE_EVERY`] on SQLite) until `shutdown` (a
/// failed sample is logged and retried at the next tick).
pub async fn run(store: Store, metrics: Metrics, shutdown: CancellationToken) {
    let every = match store {
        Store::Sqlite(_) => SQLITE_SAMPLE_EVERY,
        Store::Postgres(_) | Store::MySql(_) => SAMPLE_EVERY,
    };
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            result = sample(&store, &metrics) => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "Cannot sample the database's table sizes; trying again later.");
                }
            }
        }
    }
}

/// Measures the tables once, stores the sample and sets the gauges; returns what it measured.
///
/// # Errors
/// Database errors (nothing is set then).
pub async fn sample(store: &Store, metrics: &Metrics) -> Result<Vec<TableSizeNow>, StoreError> {
    // Stamped when the measuring starts: a slow sample never looks newer than a quick one
    // that started after it.
    let at = now_micros();
    let sizes = store.measure_table_sizes().await?;
    store.record_table_sizes(at, &sizes).await?;
    for s in &sizes {
        metrics.set(&TABLE_BYTES, &[&s.table], s.bytes as f64);
        metrics.set(&TABLE_ROWS, &[&s.table], s.rows as f64);
    }
    Ok(sizes)
}

/// The status page's table sizes: the newest sample of each table with its growth since the
/// sample nearest a day before.
///
/// # Errors
/// Database errors.
pub async fn status(store: &Store) -> Result<TableSizes, StoreError> {
    Ok(summarise(store.table_size_samples(READ_SPAN).await?))
}

/// Per table, the newest sample and the growth since its sample nearest [`DAY`] before it
/// (at least [`DAY_AT_LEAST`] before, else no growth yet); tables whose newest sample is
/// [`STALE_AFTER`] behind the newest of all are left out. Largest first.
pub fn summarise(samples: Vec<TableSizeSample>) -> TableSizes {
    let Some(newest) = samples.iter().map(|s| s.sampled_at).max() else {
        return TableSizes::default();
    };
    let mut by_table: BTreeMap<String, Vec<TableSizeSample>> = BTreeMap::new();
    for s in samples {
        by_table.entry(s.size.table.clone()).or_default().push(s);
    }
    let mut tables: Vec<TableSize> = by_table
        .into_values()
        .filter_map(|history| {
            let latest = history.iter().max_by_key(|s| s.sampled_at)?;
            if latest.sampled_at < newest - STALE_AFTER {
                return None;
            }
            let growth = day_before(&history, latest.sampled_at).map(|old| Growth {
                since: Micros(old.sampled_at),
                rows: latest.size.rows - old.size.rows,
                bytes: latest.size.bytes - old.size.bytes,
            });
            Some(TableSize {
                table: latest.size.table.clone(),
                rows: u64::try_from(latest.size.rows).unwrap_or(0),
                rows_basis: latest.size.rows_basis,
                bytes: u64::try_from(latest.size.bytes).unwrap_or(0),
                growth,
                retention: None,
            })
        })
        .collect();
    tables.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.table.cmp(&b.table)));
    TableSizes {
        sampled_at: Some(Micros(newest)),
        tables,
    }
}

/// The sample of `history` nearest a day before `latest`, among those at least
/// [`DAY_AT_LEAST`] older.
fn day_before(history: &[TableSizeSample], latest: i64) -> Option<&TableSizeSample> {
    history
        .iter()
        .filter(|s| s.sampled_at <= latest - DAY_AT_LEAST)
        .min_by_key(|s| (s.sampled_at - (latest - DAY)).abs())
}

#[cfg(test)]
mod tests {
    use app::model::RowsBasis;

    use super::*;

    const HOUR: i64 = SAMPLE_HOUR;

    fn at(sampled_at: i64, table: &str, rows: i64, bytes: i64) -> TableSizeSample {
        TableSizeSample {
            sampled_at,
            size: TableSizeNow {
                table: table.into(),
                rows,
                rows_basis: RowsBasis::Statistics,
                bytes,
            },
        }
    }

    #[test]
    fn no_samples_no_tables() {
        assert_eq!(summarise(Vec::new()), TableSizes::default());
    }

    #[test]
    fn growth_is_against_the_sample_nearest_a_day_before() {
        let now = 1_000 * HOUR;
        let table = summarise(vec![
            at(now - 25 * HOUR - HOUR / 2, "raw_events", 10, 1_000),
            at(now - 24 * HOUR - HOUR / 4, "raw_events", 100, 10_000),
            at(now - 23 * HOUR - HOUR / 2, "raw_events", 150, 15_000),
            at(now - HOUR, "raw_events", 900, 90_000),
            at(now, "raw_events", 1_000, 100_000),
        ]);
        assert_eq!(table.sampled_at, Some(Micros(now)));
        let raw = &table.tables[0];
        assert_eq!((raw.rows, raw.bytes), (1_000, 100_000));
        assert_eq!(
            raw.growth,
            Some(Growth {
                since: Micros(now - 24 * HOUR - HOUR / 4),
                rows: 900,
                bytes: 90_000,
            })
        );
        assert_eq!(raw.retention, None);
    }

    #[test]
    fn no_growth_until_a_sample_is_almost_a_day_old_and_shrinking_is_negative() {
        let now = 1_000 * HOUR;
        let young = summarise(vec![
            at(now - 22 * HOUR, "quarantine", 5, 500),
            at(now, "quarantine", 9, 900),
        ]);
        assert_eq!(young.tables[0].growth, None);
        let pruned = summarise(vec![
            at(now - 23 * HOUR, "quarantine", 9, 900),
            at(now, "quarantine", 2, 300),
        ]);
        let growth = pruned.tables[0].growth.expect("a sample 23 h old counts");
        assert_eq!((growth.rows, growth.bytes), (-7, -600));
    }

    #[test]
    fn largest_first_and_gone_tables_left_out() {
        let now = 1_000 * HOUR;
        let sizes = summarise(vec![
            at(now, "deployments", 2, 8_192),
            at(now - 60, "raw_events", 50, 1_048_576),
            at(now - 30, "quarantine", 1, 8_192),
            at(now - 3 * HOUR, "dropped_table", 1, 99_999_999),
        ]);
        let names: Vec<&str> = sizes.tables.iter().map(|t| t.table.as_str()).collect();
        assert_eq!(names, ["raw_events", "deployments", "quarantine"]);
    }

    #[test]
    fn samples_set_both_gauge_families() {
        let m = Metrics::default();
        m.set(&TABLE_BYTES, &["raw_events"], 65_536.0);
        m.set(&TABLE_ROWS, &["raw_events"], 12.0);
        let text = m.render(&[]);
        assert!(text.contains(
            "# TYPE stacktach_db_table_bytes gauge\nstacktach_db_table_bytes{table=\"raw_events\"} 65536\n"
        ));
        assert!(text.contains(
            "# TYPE stacktach_db_table_rows gauge\nstacktach_db_table_rows{table=\"raw_events\"} 12\n"
        ));
    }
}
