//! A quick throughput check of `Ingestor::ingest` (parse + raw rows + aggregates, one
//! transaction per 500 messages, no broker) on every backend. Prints numbers, asserts nothing
//! about them; run with
//! `cargo test --release -p server --test integration throughput -- --ignored --nocapture`.

use std::time::Instant;

use server::cmd::simulate::notigen::{Generator, GeneratorOptions};
use server::ingest::Incoming;

use super::{Setup, BASE};
use crate::helpers::Backend;

const BATCH: usize = 500;

/// `n` simulated notifications as the consumers would batch them: each exchange's messages in
/// publish order, 500 per batch, batches in the order they fill up.
fn batches(n: usize) -> Vec<(String, Vec<Incoming>)> {
    let options = GeneratorOptions {
        operations_per_minute: 600.0,
        time_scale: 0.05,
        max_in_flight: 200,
    };
    let mut out: Vec<(String, Vec<Incoming>)> = Vec::new();
    let mut filling: Vec<(String, Vec<Incoming>)> = Vec::new();
    for o in Generator::new(7, options, BASE).take(n) {
        let message = Incoming {
            routing_key: o.routing_key,
            body: o.body.into_bytes(),
        };
        let slot = match filling.iter().position(|(x, _)| *x == o.exchange) {
            Some(slot) => slot,
            None => {
                filling.push((o.exchange, Vec::with_capacity(BATCH)));
                filling.len() - 1
            }
        };
        filling[slot].1.push(message);
        if filling[slot].1.len() == BATCH {
            out.push(filling.swap_remove(slot));
        }
    }
    out.extend(filling);
    out
}

/// CPU seconds this process has used (user + system), from `/proc/self/stat`; 0 elsewhere.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<f64> = after_name
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 Hz.
    (fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0)) / 100.0
}

async fn measure(backend: Backend, batches: &[(String, Vec<Incoming>)]) {
    let setup = Setup::new(backend).await;
    let total: usize = batches.iter().map(|(_, b)| b.len()).sum();
    let bytes: usize = batches
        .iter()
        .flat_map(|(_, b)| b)
        .map(|m| m.body.len())
        .sum();
    let started = Instant::now();
    let cpu = cpu_seconds();
    for (exchange, batch) in batches {
        setup
            .ingestor
            .ingest(&setup.deployment, exchange, batch)
            .await
            .expect("ingest");
    }
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let counts = setup.store.aggregate_counts().await.unwrap();
    println!(
        "{backend:?}: {total} notifications in {secs:.2} s = {:.0}/s ({:.1} MB/s); \
         {:.0} µs CPU/notification in this process; aggregates {counts:?}",
        total as f64 / secs,
        bytes as f64 / secs / 1e6,
        cpu * 1e6 / total as f64,
    );
}

#[tokio::test]
#[ignore = "a measurement, not a test: run it with --release --ignored --nocapture"]
async fn ingest_throughput() {
    let n = std::env::var("ST_THROUGHPUT_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let batches = batches(n);
    println!("{} batches", batches.len());
    let started = Instant::now();
    let mut parsed = 0;
    for (exchange, batch) in &batches {
        for m in batch {
            parsed += usize::from(server::notification::parse(exchange, &m.body).is_ok());
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "parse only: {parsed} in {secs:.2} s = {:.0}/s",
        parsed as f64 / secs
    );
    measure(Backend::Sqlite, &batches).await;
    measure(Backend::Postgres, &batches).await;
    measure(Backend::MariaDb, &batches).await;
}
