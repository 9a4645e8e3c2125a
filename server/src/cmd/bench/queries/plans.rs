//! The query plans `bench-queries` prints (SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's
//! `EXPLAIN`, MySQL's/MariaDB's `EXPLAIN FORMAT=JSON`) for the lookups the pages, the live feed,
//! `/api/v1` and `/stacky` make, keyed by one sampled event, so a missing index (or, on MySQL,
//! a filesort) shows next to the latencies.

use anyhow::Context;
use app::model::{rollup_hour, EventFilter, EventRow, ScopeKind};

use super::samples::{Samples, HOUR_US};
use crate::store::{EventsOf, Explained, Store, TimeWindow};
use app::model::now_micros;

/// A printed plan: what it is for, and the statement.
type Plan = (&'static str, Explained);

/// Prints the plan of every lookup, keyed by a sampled event that has an instance.
pub(super) async fn print_plans(store: &Store, samples: &Samples) -> anyhow::Result<()> {
    let key = samples
        .with(1, |r| &r.instance)
        .pop()
        .context("no sampled event has an instance")?;
    let errors = EventFilter {
        errors: true,
        ..EventFilter::default()
    };
    let mut plans = lookup_plans(&key);
    plans.extend(scope_plans(&key, store.bigint()));
    plans.extend(page_plans(&key));
    plans.extend(window_plans(store, &key).await?);
    plans.extend(feed_plans(&key, &errors));
    plans.push((
        "status: instance exists per status (kept counts)",
        Explained::exists_counts(store.bigint(), "instance_exists"),
    ));
    plans.push((
        "api events ?errors=true",
        Explained::events_page(key.id, &errors, (TimeWindow::default(), None), 101),
    ));
    for (what, explained) in plans {
        println!("\n-- {what}\n{}", store.explain(&explained).await?);
    }
    Ok(())
}

/// The drill-down lookups by instance, request and host.
fn lookup_plans(key: &EventRow) -> Vec<Plan> {
    vec![
        (
            "instance: events",
            Explained::events_of(EventsOf::Instance, &key.instance, 2_001),
        ),
        (
            "instance: request KPIs",
            Explained::kpis_of_instance(&key.instance),
        ),
        (
            "request: events",
            Explained::events_of(EventsOf::Request, &key.request_id, 2_000),
        ),
    ]
}

/// The host and tenant pages: newest events, newest errors, error counts, counts by type.
fn scope_plans(key: &EventRow, int: &str) -> Vec<Plan> {
    let now = now_micros();
    let since_hour = rollup_hour(now - 24 * HOUR_US);
    let mut plans = Vec::new();
    for (kind, value, names) in [
        (
            ScopeKind::Host,
            &key.host,
            [
                "host: newest events",
                "host: newest errors",
                "host: error counts",
                "host: counts by type (rollups)",
            ],
        ),
        (
            ScopeKind::Tenant,
            &key.tenant,
            [
                "tenant: newest events",
                "tenant: newest errors",
                "tenant: error counts",
                "tenant: counts by type (rollups)",
            ],
        ),
    ] {
        plans.push((names[0], Explained::scope_events(kind, value, false, 100)));
        plans.push((names[1], Explained::scope_events(kind, value, true, 25)));
        plans.push((names[2], Explained::scope_error_counts(kind, value, now)));
        plans.push((
            names[3],
            Explained::scope_counts(int, kind, value, since_hour),
        ));
    }
    plans
}

/// `/api/v1/events` pages by host, by event name and unfiltered, and one event.
fn page_plans(key: &EventRow) -> Vec<Plan> {
    let host = EventFilter {
        host: Some(key.host.clone()),
        ..EventFilter::default()
    };
    let event = EventFilter {
        event: Some(key.event.clone()),
        ..EventFilter::default()
    };
    vec![
        (
            "api events ?host=",
            Explained::events_page(key.id, &host, (TimeWindow::default(), None), 101),
        ),
        ("event: one", Explained::event(key.id)),
        (
            "api events ?event=",
            Explained::events_page(key.id, &event, (TimeWindow::default(), None), 101),
        ),
        (
            "api events (no filter)",
            Explained::events_page(
                key.id,
                &EventFilter::default(),
                (TimeWindow::default(), None),
                101,
            ),
        ),
    ]
}

/// The home page's and live feed's newest events, and `/stacky/kpi/` of a day.
fn feed_plans(key: &EventRow, errors: &EventFilter) -> Vec<Plan> {
    vec![
        (
            "home: newest events of a deployment",
            Explained::recent(Some(key.deployment_id), 50),
        ),
        (
            "live feed: newest errors",
            Explained::recent_matching(errors, 100),
        ),
        (
            "stacky kpi of 24 h",
            Explained::stacky_kpis(now_micros() - 24 * HOUR_US, None, 1_000),
        ),
    ]
}

/// The lookups bounded by time: a drill-down minute, an API hour (with its id range from
/// `minute_ids`), the timings pages.
async fn window_plans(store: &Store, key: &EventRow) -> anyhow::Result<Vec<Plan>> {
    let int = store.bigint();
    let hour = TimeWindow {
        since: Some(key.when.0),
        until: Some(key.when.0 + HOUR_US),
    };
    let ids = store.window_ids(hour).await?;
    Ok(vec![
        (
            "time window: drill-down ±1 min",
            Explained::when_window(key.when.0, 101),
        ),
        (
            "time window: api events ?since=&until= (1 h)",
            Explained::events_page(0, &EventFilter::default(), (hour, ids), 101),
        ),
        (
            "time window: timing rollups of 7 d",
            Explained::timing_buckets_since(int, now_micros() - 7 * 24 * HOUR_US),
        ),
        (
            "time window: slowest requests of 24 h",
            Explained::slowest_requests(
                store.tracker_hour(),
                now_micros() - 24 * HOUR_US,
                now_micros(),
                25,
            ),
        ),
    ])
}
