//! The event and host names per v2 service (migration 0024) against the stored events: the
//! lists `/stacky/events/` and `/stacky/hosts/` answer, each name's newest time, and what the
//! migration's backfill computes from the events; on every backend.

use std::collections::BTreeMap;

use server::aggregate::stacky_service;
use server::store::stacky::{NameColumn, StackyService};

use super::rollups::{migration_statement, Raw};
use super::scope_rollups::all_events;
use super::Setup;
use crate::helpers::Backend;

/// (kind, service, name) → newest time.
type Expected = BTreeMap<(&'static str, &'static str, String), i64>;

/// The names computed from the stored events. (A row's missing host reads as "", which the
/// generated traffic never names.)
async fn expected(setup: &Setup) -> Expected {
    let mut names = BTreeMap::new();
    for r in all_events(setup).await {
        let service = stacky_service(&r.exchange);
        let host = if r.host.is_empty() {
            ("no_host", String::new())
        } else {
            ("host", r.host.clone())
        };
        for (kind, name) in [("event", r.event.clone()), host] {
            let last = names.entry((kind, service, name)).or_insert(r.when.0);
            *last = (*last).max(r.when.0);
        }
    }
    names
}

/// The stored names' count and a checksum of their times, per kind.
async fn digest(sql: &mut Raw, backend: Backend) -> Vec<(i64, i64)> {
    // A SUM is NUMERIC on PostgreSQL and DECIMAL on MySQL/MariaDB.
    let int = match backend {
        Backend::MariaDb => "SIGNED",
        _ => "BIGINT",
    };
    sql.pairs(&format!(
        "SELECT COUNT(*), CAST(SUM(last_when % 1000003) AS {int}) FROM stacky_names \
         GROUP BY kind ORDER BY kind"
    ))
    .await
}

/// The lists `Store::stacky_names` answers against `names`.
async fn assert_lists(setup: &Setup, backend: Backend, names: &Expected) {
    let services = [
        StackyService::Nova,
        StackyService::Glance,
        StackyService::Generic,
    ];
    for (column, kind) in [(NameColumn::Event, "event"), (NameColumn::Host, "host")] {
        for service in services {
            let (listed, has_null) = setup
                .store
                .stacky_names(column, service, 100_000)
                .await
                .unwrap();
            let want: Vec<String> = names
                .keys()
                .filter(|(k, s, _)| *k == kind && *s == service.as_str())
                .map(|(_, _, n)| n.clone())
                .collect();
            assert_eq!(listed, want, "{backend:?}: {kind}s of {service:?}");
            let no_host = names.contains_key(&("no_host", service.as_str(), String::new()));
            assert_eq!(
                has_null,
                kind == "host" && no_host,
                "{backend:?}: {kind} {service:?}"
            );
        }
    }
}

/// Checks the stored names against the events, and the migration's backfill against ingest.
pub async fn check(setup: &Setup, backend: Backend) {
    let names = expected(setup).await;
    assert_lists(setup, backend, &names).await;
    assert!(
        names.keys().filter(|(k, _, _)| *k == "event").count() > 5,
        "{backend:?}: {} names",
        names.len()
    );
    // The times, as a count and checksum per kind (event, host, no_host).
    let mut want: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for ((kind, _, _), when) in &names {
        let sum = want.entry(kind).or_default();
        sum.0 += 1;
        sum.1 += when % 1_000_003;
    }
    let want: Vec<(i64, i64)> = want.into_values().collect();
    let mut sql = Raw::on(backend, &setup.db).await;
    assert_eq!(
        digest(&mut sql, backend).await,
        want,
        "{backend:?}: the names' times"
    );
    // The migration's backfill, run again over the stored events, writes what ingest wrote.
    sql.execute("DELETE FROM stacky_names").await;
    for kind in ["'event'", "'host'", "'no_host'"] {
        let head =
            format!("INSERT INTO stacky_names (kind, service, name, last_when)\nSELECT {kind}");
        sql.execute(&migration_statement(
            backend,
            "0024_stacky_names.sql",
            &head,
        ))
        .await;
    }
    assert_eq!(
        digest(&mut sql, backend).await,
        want,
        "{backend:?}: backfill"
    );
}
