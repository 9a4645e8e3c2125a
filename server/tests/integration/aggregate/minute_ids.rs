//! The id range and count of each minute (migration 0018) against the stored events: what
//! ingest wrote batch by batch, the `/api/v1/events` pages of time windows it bounds (paged
//! through, with filters and cursors, by an id walk where the minutes are dense and by the
//! time index where a late event made them sparse), and what the migration's backfill
//! computes from the events; on every backend.

use std::collections::BTreeMap;

use app::model::{EventFilter, EventRow};
use server::aggregate::minute_start;
use server::store::{TimeWindow, WindowIds};

use super::render::render;
use super::rollups::{migration_statement, Raw};
use super::scope_rollups::all_events;
use super::{bodies, Setup, BASE};
use crate::helpers::Backend;

const MINUTE_US: i64 = 60_000_000;
const HOUR_US: i64 = 60 * MINUTE_US;

/// Checks every minute's id range and the pages of windows across the stored events.
pub async fn check(setup: &Setup, backend: Backend) {
    let rows = all_events(setup).await;
    let minutes = expected_minutes(&rows);
    assert!(minutes.len() > 10, "{backend:?}: {} minutes", minutes.len());
    assert_eq!(
        stored_minutes(setup, &minutes).await,
        minutes,
        "{backend:?}: each minute's id range"
    );

    let mut whens: Vec<i64> = rows.iter().map(|r| r.when.0).collect();
    whens.sort_unstable();
    let errors = EventFilter {
        errors: true,
        ..EventFilter::default()
    };
    for quantile in [0, 1, 3, 5, 8] {
        let at = whens[(whens.len() - 1) * quantile / 8];
        for window in [
            window(Some(at), Some(at + 1_000_000)),
            window(Some(at - 45_000_000), Some(at + 45_000_000)),
            window(Some(at), Some(at + 10 * MINUTE_US)),
            window(Some(at), Some(at + HOUR_US)),
            window(Some(at), None),
            window(None, Some(at + 1)),
        ] {
            let what = format!("{backend:?} {window:?}");
            check_window(setup, &what, &rows, window, &EventFilter::default()).await;
            check_window(setup, &what, &rows, window, &errors).await;
        }
    }
    // Bounds are whole minutes: past the last event's minute there is none.
    let after_all = window(Some(minute_start(whens[whens.len() - 1]) + MINUTE_US), None);
    assert_eq!(setup.store.window_ids(after_all).await.unwrap(), None);

    // The migration's backfill, run again over the stored events, writes what ingest wrote.
    let mut sql = Raw::on(backend, &setup.db).await;
    sql.execute("DELETE FROM minute_ids").await;
    sql.execute(&migration_statement(
        backend,
        "0018_minute_ids.sql",
        "INSERT INTO minute_ids",
    ))
    .await;
    assert_eq!(
        stored_minutes(setup, &minutes).await,
        minutes,
        "{backend:?}: backfill"
    );
}

fn window(since: Option<i64>, until: Option<i64>) -> TimeWindow {
    TimeWindow { since, until }
}

/// Minute → the ids and number of `rows` in it.
fn expected_minutes(rows: &[EventRow]) -> BTreeMap<i64, WindowIds> {
    let mut minutes: BTreeMap<i64, WindowIds> = BTreeMap::new();
    for r in rows {
        let e = minutes.entry(minute_start(r.when.0)).or_insert(WindowIds {
            lowest: r.id,
            highest: r.id,
            events: 0,
        });
        e.lowest = e.lowest.min(r.id);
        e.highest = e.highest.max(r.id);
        e.events += 1;
    }
    minutes
}

/// What the store answers for each of `minutes`, as one-minute windows.
async fn stored_minutes(
    setup: &Setup,
    minutes: &BTreeMap<i64, WindowIds>,
) -> BTreeMap<i64, WindowIds> {
    let mut stored = BTreeMap::new();
    for &minute in minutes.keys() {
        let one = window(Some(minute), Some(minute + MINUTE_US));
        if let Some(ids) = setup.store.window_ids(one).await.unwrap() {
            stored.insert(minute, ids);
        }
    }
    stored
}

/// Pages through `window` (31 rows a page, from the start and from a cursor inside it) and
/// compares the ids with the events' own; answers whether the window's ids were dense.
async fn check_window(
    setup: &Setup,
    what: &str,
    rows: &[EventRow],
    window: TimeWindow,
    filter: &EventFilter,
) -> bool {
    let expected: Vec<i64> = rows
        .iter()
        .filter(|r| window.since.is_none_or(|s| r.when.0 >= s))
        .filter(|r| window.until.is_none_or(|u| r.when.0 < u))
        .filter(|r| !filter.errors || r.is_error())
        .map(|r| r.id)
        .collect();
    let cursors = [0, expected.get(expected.len() / 2).copied().unwrap_or(0)];
    for start in cursors {
        let mut got = Vec::new();
        let mut after = start;
        loop {
            let page = setup
                .store
                .events_page(after, filter, window, 31)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = last.id;
            got.extend(page.iter().map(|r| r.id));
        }
        let want: Vec<i64> = expected.iter().copied().filter(|&id| id > start).collect();
        assert_eq!(got, want, "{what} errors={} after {start}", filter.errors);
    }
    let ids = setup.store.window_ids(window).await.unwrap();
    ids.is_some_and(WindowIds::dense)
}

/// Events stored after later ones widen only their own minutes: a window of the earlier time
/// lists them, whichever ids they got, by the time index where that leaves the minutes' ids
/// sparse.
async fn late_events(backend: Backend) {
    let setup = Setup::new(backend).await;
    // Each sequence its own operation number (message ids and request ids follow it).
    let render_at = |op: u32, instance: &str, at: i64| {
        render("compute.instance.create.start_24.json", op, instance, at)
    };
    let first = render_at(1, "aaaaaaaa-2222-4333-8444-555555555555", BASE);
    assert_eq!(setup.ingest("nova", &bodies(&first), 7).await, first.len());
    // Five times as much traffic two hours later…
    for i in 0..5 {
        let later = render_at(
            2 + i,
            &format!("bbbbbbb{i}-2222-4333-8444-555555555555"),
            BASE + 2 * HOUR_US,
        );
        assert_eq!(setup.ingest("nova", &bodies(&later), 7).await, later.len());
    }
    // …then one more event of the first sequence's minute.
    let late = render_at(9, "cccccccc-2222-4333-8444-555555555555", BASE);
    assert_eq!(setup.ingest("nova", &bodies(&late[..1]), 7).await, 1);
    let rows = all_events(&setup).await;
    let late_when = rows[rows.len() - 1].when.0;
    assert_eq!(minute_start(late_when), minute_start(BASE), "{backend:?}");
    let what = format!("{backend:?}");
    let mut dense = Vec::new();
    for w in [
        window(Some(BASE - HOUR_US), Some(BASE + HOUR_US)),
        window(
            Some(minute_start(BASE)),
            Some(minute_start(BASE) + MINUTE_US),
        ),
        window(Some(late_when), Some(late_when + 1)),
        window(Some(BASE + HOUR_US), None),
        window(None, Some(BASE + 2 * HOUR_US + 1)),
        window(Some(BASE - 2 * HOUR_US), Some(BASE + 3 * HOUR_US)),
    ] {
        dense.push(check_window(&setup, &what, &rows, w, &EventFilter::default()).await);
    }
    assert!(
        dense.contains(&true) && dense.contains(&false),
        "{backend:?}: both ways were taken: {dense:?}"
    );
    let between = window(Some(BASE + HOUR_US), Some(BASE + HOUR_US + MINUTE_US));
    assert_eq!(setup.store.window_ids(between).await.unwrap(), None);
    assert!(setup
        .store
        .events_page(0, &EventFilter::default(), between, 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn late_events_are_found_in_their_windows_on_all_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MariaDb] {
        late_events(backend).await;
    }
}
