//! PostgreSQL plans of the batch lookups: a connection that started on empty tables must not
//! keep scanning them sequentially once they have grown (its prepared statements cache a
//! generic plan after five runs).

use serde_json::Value;
use server::cmd::simulate::notigen::{Generator, GeneratorOptions};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

/// The `application_name` of the probes that wait for the store's connections to exit.
const PROBE: &str = "st-plans-probe";

use super::{Setup, BASE};
use crate::helpers::{eventually, Backend};

/// `(table, sequential scans, rows)` of the tables every batch looks up by key.
async fn sequential_scans(url: &str) -> Vec<(String, i64, i64)> {
    // A backend reports its table statistics when it exits: wait for the store's to be gone
    // (client backends only: an autovacuum worker on the busy test database is not ours).
    // 60 s: under a full parallel run a closed pool's backends were once still listed at 20 s.
    eventually(60, "the store's connections to exit", || {
        let url = url.to_owned();
        async move {
            // Named, so that an earlier probe's backend, still exiting under load, is not
            // counted as one of the store's.
            let options: PgConnectOptions = url.parse().expect("url");
            let options = options.application_name(PROBE);
            let mut c = PgConnection::connect_with(&options).await.expect("connect");
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() \
                 AND backend_type = 'client backend' AND application_name <> $1",
            )
            .bind(PROBE)
            .fetch_one(&mut c)
            .await
            .expect("pg_stat_activity");
            let _ = c.close().await;
            others == 0
        }
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
    let setup = Setup::new(Backend::Postgres).await;
    // Batches of 50: dozens of runs of every lookup on each of the pool's connections, the
    // first ones on empty tables.
    let batches = bodies.len().div_ceil(50);
    assert!(batches >= 60, "{batches} batches");
    assert_eq!(setup.ingest("nova", &bodies, 50).await, bodies.len());
    setup.store.close().await;
    let scans = sequential_scans(&setup.db.url).await;
    assert_eq!(scans.len(), 4, "{scans:?}");
    for (table, seq_scan, rows) in scans {
        assert!(rows > 100, "{table} grew to {rows} rows only");
        assert!(
            seq_scan <= 5,
            "{table}: {seq_scan} sequential scans in {batches} batches"
        );
    }
}
