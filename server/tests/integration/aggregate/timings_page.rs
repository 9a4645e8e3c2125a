//! What the timings page reads, against the stored rows, on every backend, over two days of
//! generated traffic at real durations (so windows cross midnight):
//! - the operations' buckets of windows starting at every hour, read from the hours before the
//!   first midnight (`timing_rollups`) and the days after it (`timing_day_rollups`, migration
//!   0022), equal the buckets of the completed timings themselves;
//! - the slowest requests (read hour by hour from `request_trackers_slowest`, migration 0021)
//!   from several starting points, with `now` in the span (later requests are left out), at
//!   `since` and before it, short and long, and over a span too wide for hours (the requests
//!   sorted at once), equal the slowest of every stored request started from `since` to `now`.

use std::collections::BTreeSet;

use server::cmd::simulate::notigen::{Generator, GeneratorOptions};

use super::rollups::{completed_timings, expected_buckets, stored_buckets, Raw};
use super::scope_rollups::all_events;
use super::{Setup, BASE};
use crate::helpers::Backend;

const HOUR_US: i64 = 3_600_000_000;

#[tokio::test]
async fn the_timings_page_reads_what_was_stored_on_all_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MariaDb] {
        let setup = two_days(backend).await;
        buckets(&setup, backend).await;
        slowest(&setup, backend).await;
    }
}

/// About 3,000 notifications over 40 hours from noon, operations at their real durations.
async fn two_days(backend: Backend) -> Setup {
    let setup = Setup::new(backend).await;
    let rate = 3_000.0 / (40.0 * 3_600.0);
    let mut generator = Generator::new(5, GeneratorOptions::for_rate(rate, 1.0), BASE);
    let mut runs: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
    for o in generator.take(3_000) {
        let body = serde_json::from_str(&o.body).expect("JSON body");
        match runs.last_mut() {
            Some((exchange, bodies)) if *exchange == o.exchange => bodies.push(body),
            _ => runs.push((o.exchange, vec![body])),
        }
    }
    for (exchange, bodies) in &runs {
        setup.ingest(exchange, bodies, 200).await;
    }
    setup
}

async fn buckets(setup: &Setup, backend: Backend) {
    let instances: BTreeSet<String> = all_events(setup)
        .await
        .into_iter()
        .map(|r| r.instance)
        .filter(|i| !i.is_empty())
        .collect();
    let instances: Vec<&String> = instances.iter().collect();
    let done = completed_timings(setup, &instances).await;
    let first = done.iter().map(|(_, end, _)| *end).min().expect("timings");
    let last = done.iter().map(|(_, end, _)| *end).max().expect("timings");
    assert!(
        last - first > 30 * HOUR_US,
        "{backend:?}: {} timings end over {} hours",
        done.len(),
        (last - first) / HOUR_US
    );
    let mut since = first.div_euclid(HOUR_US) * HOUR_US - HOUR_US;
    while since <= last + HOUR_US {
        assert_eq!(
            stored_buckets(setup, since).await,
            expected_buckets(&done, since),
            "{backend:?}: the hours from {since} on"
        );
        since += HOUR_US;
    }
}

async fn slowest(setup: &Setup, backend: Backend) {
    let mut raw = Raw::on(backend, &setup.db).await;
    let trackers = raw
        .pairs("SELECT start, duration FROM request_trackers")
        .await;
    let mut starts: Vec<i64> = trackers.iter().map(|&(start, _)| start).collect();
    starts.sort_unstable();
    let span_hours = (starts[starts.len() - 1] - starts[0]) / HOUR_US;
    assert!(
        trackers.len() > 100 && span_hours > 30,
        "{backend:?}: {} requests over {span_hours} hours",
        trackers.len()
    );

    for quantile in [0, 1, 2, 3] {
        let since = starts[(starts.len() - 1) * quantile / 4] + 1_000;
        for now in [
            since + 24 * HOUR_US,
            since + 2 * HOUR_US,
            since,
            since - HOUR_US,
            i64::MAX,
        ] {
            for limit in [3, 25] {
                let what = format!("{backend:?} since {since} now {now} limit {limit}");
                let got = setup
                    .store
                    .slowest_requests(since, now, limit)
                    .await
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                let mut expected: Vec<i64> = trackers
                    .iter()
                    .filter(|&&(start, duration)| (since..=now).contains(&start) && duration > 0)
                    .map(|&(_, duration)| duration)
                    .collect();
                expected.sort_unstable_by(|a, b| b.cmp(a));
                expected.truncate(limit as usize);
                let durations: Vec<i64> = got.iter().map(|k| k.duration_us).collect();
                assert_eq!(durations, expected, "{what}: the slowest, slowest first");
                for kpi in &got {
                    assert!(
                        trackers.contains(&(kpi.start.0, kpi.duration_us))
                            && (since..=now).contains(&kpi.start.0),
                        "{what}: {kpi:?}"
                    );
                }
                let ids: BTreeSet<&str> = got.iter().map(|k| k.request_id.as_str()).collect();
                assert_eq!(ids.len(), got.len(), "{what}: each request once");
            }
        }
    }
}
