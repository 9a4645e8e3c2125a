//! `/stacky/search/` newest first by a value of many rows (host, tenant, event type,
//! deployment): `Store::stacky_search` reads the value's newest rows by id and then the older
//! ones that can still rank among them; its pages must be exactly those of the sort of every
//! row of the value by time, while ingest order and notification time disagree (events
//! stored late, clocks ahead, times shared), on every backend.

use app::model::{format_micros, now_micros, Micros};
use serde_json::json;
use server::store::stacky::{FieldValue, RawQuery, StackyField, StackyService};

use crate::helpers::{Backend, TestDb};
use crate::stacky::ingest;
use crate::web_queries::Fixture;

const SEC: i64 = 1_000_000;
const HOSTS: [&str; 4] = ["h0", "h1", "h2", "rare"];
const EVENTS: [&str; 3] = [
    "compute.instance.update",
    "compute.instance.create.start",
    "compute.instance.create.end",
];

/// A deterministic sequence (an LCG), so every backend stores the same events.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// 480 nova notifications in 12 batches over three hours of notification time, mostly in
/// ingest order; one in ten stored up to two hours late, one in twenty stamped up to half an
/// hour ahead, and every seventh sharing its predecessor's time. The rare host has one in
/// twenty-five.
async fn store_disordered(fx: &Fixture, start: i64) {
    let mut rng = Lcg(7);
    let mut previous = start;
    for batch in 0..12 {
        let mut messages = Vec::new();
        for i in 0..40 {
            let n = batch * 40 + i;
            let on_time = start + n * 20 * SEC + rng.below(SEC as u64) as i64;
            let when = match rng.below(100) {
                0..=9 => on_time - rng.below(7_200) as i64 * SEC,
                10..=14 => on_time + rng.below(1_800) as i64 * SEC,
                _ if n % 7 == 0 => previous,
                _ => on_time,
            };
            previous = when;
            let host = if n % 25 == 0 {
                "rare"
            } else {
                HOSTS[rng.below(3) as usize]
            };
            let event = EVENTS[rng.below(3) as usize];
            let body = json!({
                "event_type": event,
                "publisher_id": format!("compute.{host}"),
                "timestamp": format_micros(Micros(when)),
                "message_id": uuid::Uuid::new_v4().to_string(),
                "_context_request_id": format!("req-{n:08}-0000-4000-8000-000000000000"),
                "_context_project_id": format!("tenant{}", n % 3),
                "payload": {"instance_id": "3333cccc-6352-4dbc-8271-96cc54bf14cd",
                            "tenant_id": format!("tenant{}", n % 3), "state": "active"},
            });
            messages.push(("monitor.info", body.to_string().into_bytes()));
        }
        ingest(fx, "nova", messages).await;
    }
}

fn query(field: StackyField, value: &str, newest_first: bool) -> RawQuery {
    let value = match field {
        StackyField::Deployment => FieldValue::Int(value.parse().expect("an id")),
        _ => FieldValue::Text(value.to_string()),
    };
    RawQuery {
        service: StackyService::Nova,
        matches: vec![(field, value)],
        when_min: None,
        when_max: None,
        newest_first,
        limit: 100_000,
        offset: 0,
    }
}

/// The ids `q` finds.
async fn ids(fx: &Fixture, q: &RawQuery) -> Vec<i64> {
    let rows = fx.store.stacky_search(q).await.unwrap();
    rows.iter().map(|r| r.id).collect()
}

/// Checks the newest-first pages of one key against the sort of all its rows; answers
/// whether its time order differs from its id order.
async fn assert_pages(fx: &Fixture, field: StackyField, value: &str, start: i64) -> bool {
    // Every row of the value, oldest first by (time, id): the one-statement sort.
    let mut all = fx
        .store
        .stacky_search(&query(field, value, false))
        .await
        .unwrap();
    all.reverse();
    assert!(all.len() >= 10, "{field:?} {value}: {} rows", all.len());
    let newest: Vec<i64> = all.iter().map(|r| r.id).collect();
    let n = all.len() as i64;
    let pages = [
        (1, 0),
        (5, 0),
        (25, 0),
        (50, 0),
        (7, 3),
        (20, 40),
        (3, n - 2),
        (10, n),
    ];
    for (limit, offset) in pages {
        let mut q = query(field, value, true);
        (q.limit, q.offset) = (limit, offset);
        let want: Vec<i64> = newest
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .copied()
            .collect();
        assert_eq!(
            ids(fx, &q).await,
            want,
            "{field:?} {value} limit {limit} offset {offset}"
        );
    }
    // Within time bounds: the rows of the bounds, in the same order.
    let (lo, hi) = (start + 3_600 * SEC, start + 2 * 3_600 * SEC);
    let mut q = query(field, value, true);
    (q.when_min, q.when_max, q.limit) = (Some(lo), Some(hi), 15);
    let want: Vec<i64> = all
        .iter()
        .filter(|r| (lo..=hi).contains(&r.when_us))
        .take(15)
        .map(|r| r.id)
        .collect();
    assert_eq!(
        ids(fx, &q).await,
        want,
        "{field:?} {value} within [{lo}, {hi}]"
    );
    let mut by_id = newest.clone();
    by_id.sort_unstable_by(|a, b| b.cmp(a));
    by_id != newest
}

async fn search_pages_equal_the_full_sort(kind: Backend) {
    let db = TestDb::new(kind);
    let fx = Fixture::new(&db).await;
    let start = (now_micros() / SEC - 4 * 3_600) * SEC;
    store_disordered(&fx, start).await;
    let mut keys: Vec<(StackyField, String)> = HOSTS
        .iter()
        .map(|h| (StackyField::Host, h.to_string()))
        .collect();
    keys.extend(EVENTS.iter().map(|e| (StackyField::Event, e.to_string())));
    keys.push((StackyField::Tenant, "tenant1".into()));
    keys.push((StackyField::Deployment, fx.deployment.id.to_string()));
    let mut disagreeing = 0;
    for (field, value) in &keys {
        disagreeing += usize::from(assert_pages(&fx, *field, value, start).await);
    }
    // The fixture does what it is for: time order and id order differ for every key.
    assert_eq!(
        disagreeing,
        keys.len(),
        "keys whose time order is not their id order"
    );
    fx.store.close().await;
}

#[tokio::test]
async fn search_pages_sqlite() {
    search_pages_equal_the_full_sort(Backend::Sqlite).await;
}

#[tokio::test]
async fn search_pages_postgres() {
    search_pages_equal_the_full_sort(Backend::Postgres).await;
}

#[tokio::test]
async fn search_pages_mariadb() {
    search_pages_equal_the_full_sort(Backend::MariaDb).await;
}
