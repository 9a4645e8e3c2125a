//! PostgreSQL plans of the batch lookups: a connection that started on empty tables must not
//! keep scanning them sequentially once they have grown (its prepared statements cache a
//! generic plan after five runs).

use serde_json::Value;
use server::cmd::simulate::notigen::{Generator, GeneratorOptions};
use server::store::Store;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

/// The `application_name` of the probes that wait for the store's connections to exit.
const PROBE: &str = "st-plans-probe";

use super::{Setup, BASE};
use crate::helpers::{eventually, Backend, TestDb};

/// The store's backends still connected to the test database: `(pid, state, query)` of every
/// client backend but the probe's own.
const OTHERS: &str = "SELECT pid, COALESCE(state, ''), COALESCE(query, '') FROM pg_stat_activity \
     WHERE datname = current_database() AND pid <> pg_backend_pid() \
     AND backend_type = 'client backend' AND application_name <> $1";

/// Connects as the probe: named, so that an earlier probe's backend, still exiting under load,
/// is not counted as one of the store's.
async fn probe(url: &str) -> PgConnection {
    let options: PgConnectOptions = url.parse().expect("url");
    PgConnection::connect_with(&options.application_name(PROBE))
        .await
        .expect("connect")
}

async fn others(url: &str) -> Vec<(i32, String, String)> {
    let mut c = probe(url).await;
    let rows = sqlx::query_as(OTHERS)
        .bind(PROBE)
        .fetch_all(&mut c)
        .await
        .expect("pg_stat_activity");
    let _ = c.close().await;
    rows
}

/// `(table, sequential scans, rows)` of the tables every batch looks up by key.
async fn sequential_scans(url: &str) -> Vec<(String, i64, i64)> {
    // A backend reports its table statistics when it exits: wait for the store's to be gone
    // (client backends only: an autovacuum worker on the busy test database is not ours). Under
    // a full parallel run a closed pool's backends were once still listed after 60 s; the
    // database is this test's own, so one still there after 20 s is ended (a backend ended by
    // `pg_terminate_backend` reports its statistics on the way out too).
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    while tokio::time::Instant::now() < deadline && !others(url).await.is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let lingering = others(url).await;
    if !lingering.is_empty() {
        eprintln!("ending the store's backends still connected after 20 s: {lingering:?}");
        let mut c = probe(url).await;
        for (pid, _, _) in &lingering {
            sqlx::query("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .execute(&mut c)
                .await
                .expect("pg_terminate_backend");
        }
        let _ = c.close().await;
    }
    eventually(30, "the store's connections to exit", || async {
        others(url).await.is_empty()
    })
    .await;
    let mut conn = PgConnection::connect(url).await.expect("connect");
    sqlx::query_as(
        "SELECT relname::text, seq_scan, n_live_tup FROM pg_stat_user_tables \
         WHERE relname IN ('request_trackers', 'instance_usages', 'timings', 'lifecycles') \
         ORDER BY relname",
    )
    .fetch_all(&mut conn)
    .await
    .expect("pg_stat_user_tables")
}

#[tokio::test]
async fn postgres_batch_lookups_stay_index_scans_as_tables_grow_from_empty() {
    let options = GeneratorOptions {
        operations_per_minute: 600.0,
        time_scale: 0.05,
        max_in_flight: 100,
    };
    let bodies: Vec<Value> = Generator::new(7, options, BASE)
        .take(6_000)
        .into_iter()
        .filter(|o| o.exchange == "nova")
        .map(|o| serde_json::from_str(&o.body).expect("JSON body"))
        .collect();
    // The migrations' own scans (an index build reads its table sequentially) do not count.
    let db = TestDb::new(Backend::Postgres);
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store.close().await;
    let migrated = sequential_scans(&db.url).await;
    let setup = Setup::on(db).await;
    // Batches of 50: dozens of runs of every lookup on each of the pool's connections, the
    // first ones on empty tables.
    let batches = bodies.len().div_ceil(50);
    assert!(batches >= 60, "{batches} batches");
    assert_eq!(setup.ingest("nova", &bodies, 50).await, bodies.len());
    setup.store.close().await;
    let scans = sequential_scans(&setup.db.url).await;
    assert_eq!(scans.len(), 4, "{scans:?}");
    for ((table, seq_scan, rows), (_, before, _)) in scans.into_iter().zip(migrated) {
        assert!(rows > 100, "{table} grew to {rows} rows only");
        assert!(
            seq_scan - before <= 5,
            "{table}: {} sequential scans in {batches} batches",
            seq_scan - before
        );
    }
}
