//! The host and tenant rollups (migration 0017) against the stored events they count: what
//! ingest added batch by batch, the hour boundary, the exact error counts and newest errors
//! the pages read beside them, and what the migration's backfill computes from the events; on
//! every backend.

use std::collections::BTreeMap;

use app::model::{rollup_hour, EventCount, EventFilter, EventRow, ScopeKind};

use super::rollups::{migration_statement, Raw};
use super::Setup;
use crate::helpers::Backend;

/// Checks every host's and tenant's counts, errors and newest errors.
pub async fn check(setup: &Setup, backend: Backend) {
    let rows = all_events(setup).await;
    let errors = rows.iter().filter(|r| r.is_error()).count();
    assert!(errors > 0, "{backend:?}: the traffic has error events");
    let mut whens: Vec<i64> = rows.iter().map(|r| r.when.0).collect();
    whens.sort_unstable();
    let (first, middle) = (whens[0], whens[whens.len() / 2]);
    assert!(
        rollup_hour(middle) > first,
        "{backend:?}: the events span hours"
    );

    let scopes = scopes(&rows);
    assert!(scopes.len() > 10, "{backend:?}: {} scopes", scopes.len());
    for (kind, scope) in &scopes {
        let of_scope: Vec<&EventRow> = rows.iter().filter(|r| in_scope(r, *kind, scope)).collect();
        let what = format!("{backend:?} {kind:?} {scope}");
        check_scope(setup, &what, (*kind, scope), &of_scope, (first, middle)).await;
    }

    // The migration's backfill, run again over the stored events, writes what ingest wrote.
    let before = all_counts(setup, &scopes).await;
    let mut sql = Raw::on(backend, &setup.db).await;
    sql.execute("DELETE FROM scope_rollups").await;
    sql.execute(&migration_statement(
        backend,
        "0017_scope_rollups.sql",
        "INSERT INTO scope_rollups",
    ))
    .await;
    assert_eq!(
        all_counts(setup, &scopes).await,
        before,
        "{backend:?}: backfill"
    );
}

/// One host's or tenant's counts since the start and since the middle hour, its errors since
/// `first` and since `middle`, and its newest errors.
async fn check_scope(
    setup: &Setup,
    what: &str,
    (kind, scope): (ScopeKind, &str),
    of_scope: &[&EventRow],
    (first, middle): (i64, i64),
) {
    for since in [i64::MIN, rollup_hour(middle)] {
        let got = setup.store.scope_counts(kind, scope, since).await.unwrap();
        assert_eq!(
            got,
            expected_counts(of_scope, since),
            "{what} since {since}"
        );
    }
    let of_errors: Vec<&&EventRow> = of_scope.iter().filter(|r| r.is_error()).collect();
    let (hour, day) = setup
        .store
        .scope_error_counts(kind, scope, middle, first)
        .await
        .unwrap();
    let since_middle = of_errors.iter().filter(|r| r.when.0 >= middle).count();
    assert_eq!(
        (hour, day),
        (since_middle as i64, of_errors.len() as i64),
        "{what}: errors"
    );
    let mut newest: Vec<(i64, i64)> = of_errors.iter().map(|r| (r.when.0, r.id)).collect();
    newest.sort_unstable_by(|a, b| b.cmp(a));
    newest.truncate(25);
    let listed: Vec<(i64, i64)> = setup
        .store
        .scope_events(kind, scope, true, 25)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.when.0, r.id))
        .collect();
    assert_eq!(listed, newest, "{what}: newest errors");
}

/// Every stored event, oldest first.
pub async fn all_events(setup: &Setup) -> Vec<EventRow> {
    let mut rows: Vec<EventRow> = Vec::new();
    loop {
        let after = rows.last().map_or(0, |r| r.id);
        let page = setup
            .store
            .events_page(after, &EventFilter::default(), Default::default(), 1_000)
            .await
            .unwrap();
        if page.is_empty() {
            return rows;
        }
        rows.extend(page);
    }
}

/// Every (kind, value) with a host or tenant.
fn scopes(rows: &[EventRow]) -> Vec<(ScopeKind, String)> {
    let mut scopes: Vec<(ScopeKind, String)> = rows
        .iter()
        .flat_map(|r| {
            [
                (ScopeKind::Host, r.host.clone()),
                (ScopeKind::Tenant, r.tenant.clone()),
            ]
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    scopes.sort_unstable_by(|a, b| (a.0 as u8, &a.1).cmp(&(b.0 as u8, &b.1)));
    scopes.dedup();
    scopes
}

fn in_scope(row: &EventRow, kind: ScopeKind, scope: &str) -> bool {
    match kind {
        ScopeKind::Host => row.host == scope,
        ScopeKind::Tenant => row.tenant == scope,
    }
}

/// As `Store::scope_counts` orders them: most frequent first, then by name.
fn expected_counts(rows: &[&EventRow], since_hour: i64) -> Vec<EventCount> {
    let mut by_event: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.when.0 >= since_hour) {
        let e = by_event.entry(&r.event).or_default();
        e.0 += 1;
        e.1 += i64::from(r.is_error());
    }
    let mut counts: Vec<EventCount> = by_event
        .into_iter()
        .map(|(event, (count, errors))| EventCount {
            event: event.to_string(),
            count,
            errors,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.event.cmp(&b.event)));
    counts
}

async fn all_counts(setup: &Setup, scopes: &[(ScopeKind, String)]) -> Vec<Vec<EventCount>> {
    let mut all = Vec::new();
    for (kind, scope) in scopes {
        all.push(
            setup
                .store
                .scope_counts(*kind, scope, i64::MIN)
                .await
                .unwrap(),
        );
    }
    all
}
