//! MariaDB plans of the event lists (PLAN D4, D5 and MySQL migration 0005): with the usual
//! single deployment and 20,000 events, the newest events, a host's, a host's and a tenant's
//! newest errors (migration 0017), an instance's, the errors, the `/api/v1` pages and
//! `/stacky/kpi/` walk an index to their LIMIT. A one-row
//! `deployments` joined in made MariaDB read it first, then build a temporary table of every
//! event and sort it; `LIKE '%error'` can use no index. So no plan may hold a temporary table,
//! and the only sorts allowed are of rows already bounded: a windowed page's rows of its window
//! and its chosen ids (at most its LIMIT), and the KPIs' recent trackers (ordered by duration,
//! as on every backend).

use app::model::{EventFilter, EventRow, ScopeKind};
use serde_json::Value;
use server::cmd::simulate::notigen::{Generator, GeneratorOptions};
use server::store::{EventsOf, Explained, Store, TimeWindow, WindowIds};

use crate::aggregate::Setup;
use crate::helpers::Backend;

/// 2024-03-01 12:00:00 UTC, where the generated notifications start.
const START: i64 = 1_709_294_400_000_000;
/// How many nova events the test stores (the generator's glance share is left out).
const EVENTS: usize = 20_000;
/// One hour, in microseconds.
const HOUR_US: i64 = 3_600_000_000;

/// What one plan does that matters here.
#[derive(Debug, Default)]
struct Shape {
    /// The table each sort reads (`?` when the plan does not name it).
    sorted: Vec<String>,
    /// Whether any step builds a temporary table.
    temporary: bool,
}

impl Shape {
    /// The shape of an `EXPLAIN FORMAT=JSON` document: MariaDB's `filesort` and
    /// `temporary_table` blocks, and MySQL 8's `using_filesort` / `using_temporary_table` flags.
    fn of(plan: &str) -> Self {
        let json: Value = serde_json::from_str(plan).unwrap_or_else(|e| panic!("{e}: {plan}"));
        let mut shape = Self::default();
        shape.walk(&json);
        shape
    }

    fn walk(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match key.as_str() {
                        "filesort" => {
                            let table = v["table"]["table_name"].as_str().unwrap_or("?");
                            self.sorted.push(table.to_owned());
                        }
                        "using_filesort" if v == &Value::Bool(true) => {
                            self.sorted.push("?".to_owned());
                        }
                        "temporary_table" => self.temporary = true,
                        "using_temporary_table" if v == &Value::Bool(true) => {
                            self.temporary = true;
                        }
                        _ => {}
                    }
                    self.walk(v);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.walk(v)),
            _ => {}
        }
    }
}

/// 20,000 nova notifications, ingested in batches of 500 into one deployment, then analyzed.
async fn filled() -> Setup {
    let options = GeneratorOptions {
        operations_per_minute: 600.0,
        time_scale: 0.05,
        max_in_flight: 100,
    };
    let mut generator = Generator::new(11, options, START);
    let mut bodies: Vec<Value> = Vec::with_capacity(EVENTS);
    while bodies.len() < EVENTS {
        bodies.extend(
            generator
                .take(1_000)
                .into_iter()
                .filter(|o| o.exchange == "nova")
                .map(|o| serde_json::from_str::<Value>(&o.body).expect("JSON body")),
        );
    }
    bodies.truncate(EVENTS);
    let setup = Setup::new(Backend::MariaDb).await;
    assert_eq!(setup.ingest("nova", &bodies, 500).await, EVENTS);
    setup.store.analyze().await.expect("ANALYZE TABLE");
    setup
}

/// The hour before `key`'s time: the windowed page's window.
fn hour_before(key: &EventRow) -> TimeWindow {
    TimeWindow {
        since: Some(key.when.0 - HOUR_US),
        until: Some(key.when.0),
    }
}

/// The statements to check, keyed by a stored event (its deployment, host, instance, time);
/// the KPIs are those of requests started at or after `recent_since`; `hour_ids` is the id
/// range of [`hour_before`] the key.
fn statements(
    key: &EventRow,
    recent_since: i64,
    hour_ids: Option<WindowIds>,
) -> Vec<(&'static str, Explained)> {
    let errors = EventFilter {
        errors: true,
        ..EventFilter::default()
    };
    let host = EventFilter {
        host: Some(key.host.clone()),
        ..EventFilter::default()
    };
    let hour = hour_before(key);
    let sparse = hour_ids.map(|ids| WindowIds { events: 1, ..ids });
    let middle = key.id / 2;
    vec![
        ("recent", Explained::recent(None, 50)),
        (
            "recent of the deployment",
            Explained::recent(Some(key.deployment_id), 50),
        ),
        (
            "host",
            Explained::scope_events(ScopeKind::Host, &key.host, false, 100),
        ),
        (
            "host errors",
            Explained::scope_events(ScopeKind::Host, &key.host, true, 25),
        ),
        (
            "tenant errors",
            Explained::scope_events(ScopeKind::Tenant, &key.tenant, true, 25),
        ),
        (
            "instance",
            Explained::events_of(EventsOf::Instance, &key.instance, 2_001),
        ),
        ("errors", Explained::recent_matching(&errors, 100)),
        (
            "errors page",
            Explained::events_page(middle, &errors, (TimeWindow::default(), None), 101),
        ),
        (
            "host page",
            Explained::events_page(middle, &host, (TimeWindow::default(), None), 101),
        ),
        (
            "windowed page",
            Explained::events_page(0, &EventFilter::default(), (hour, hour_ids), 101),
        ),
        (
            // As if the hour's events were stored among hours of other traffic.
            "windowed page, sparse ids",
            Explained::events_page(0, &EventFilter::default(), (hour, sparse), 101),
        ),
        (
            "stacky kpis",
            Explained::stacky_kpis(recent_since, None, 1_000),
        ),
    ]
}

/// Whether a sort of `table` is one the statement `what` may do (see the module docs).
fn bounded_sort(what: &str, table: &str) -> bool {
    match what {
        // The window's rows by id (inside the derived table) and the chosen ids (outside).
        "windowed page" | "windowed page, sparse ids" => {
            table == "e" || table.starts_with("<subquery")
        }
        "stacky kpis" => table == "t",
        _ => false,
    }
}

async fn a_stored_event(store: &Store) -> EventRow {
    let rows = store.recent_events(None, 500).await.expect("recent events");
    rows.into_iter()
        .find(|r| !r.host.is_empty() && !r.instance.is_empty())
        .expect("an event with a host and an instance")
}

#[tokio::test]
async fn mariadb_event_lists_walk_an_index() {
    let setup = filled().await;
    let key = a_stored_event(&setup.store).await;
    // The newest twentieth of the requests: a day of a 20-day history.
    let mut starts: Vec<i64> = setup
        .store
        .slowest_requests(0, i64::MAX, 100_000)
        .await
        .expect("requests")
        .iter()
        .map(|k| k.start.0)
        .collect();
    starts.sort_unstable();
    let recent_since = starts[starts.len() - starts.len() / 20 - 1];
    let hour_ids = setup
        .store
        .window_ids(hour_before(&key))
        .await
        .expect("the window's ids");
    assert!(
        hour_ids.is_some_and(WindowIds::dense),
        "the hour before an event holds events, stored in time order: {hour_ids:?}"
    );
    for (what, explained) in statements(&key, recent_since, hour_ids) {
        let plan = setup.store.explain(&explained).await.expect("EXPLAIN");
        let shape = Shape::of(&plan);
        assert!(!shape.temporary, "{what}: a temporary table\n{plan}");
        for table in &shape.sorted {
            assert!(bounded_sort(what, table), "{what}: sorts {table}\n{plan}");
        }
    }
    // A one-filter page reads (value, id) from its cursor on, not from the value's first id
    // (MariaDB's own choice at times: `ref` on the value alone).
    let one_filter = [
        ("deployment", key.deployment_id.to_string(), "deployment_id"),
        ("event", "compute.instance.update".to_owned(), "event"),
        ("host", key.host.clone(), "host"),
    ];
    for (name, value, column) in one_filter {
        let filter = EventFilter::from_pairs([(name, value.as_str())]);
        let page = Explained::events_page(key.id / 2, &filter, (TimeWindow::default(), None), 101);
        let plan = setup.store.explain(&page).await.expect("EXPLAIN");
        let parts = format!(r#""used_key_parts": ["{column}", "id"]"#);
        assert!(
            plan.contains(&parts),
            "{name}: a range from the cursor\n{plan}"
        );
    }
    // The statements themselves run and decode on MariaDB.
    assert_eq!(
        setup
            .store
            .recent_events(Some(key.deployment_id), 50)
            .await
            .expect("recent")
            .len(),
        50
    );
    let kpis = setup
        .store
        .stacky_kpis(START, None, 10)
        .await
        .expect("kpis");
    assert!(kpis.iter().all(|k| k.deployment == "cell-a"), "{kpis:?}");
}
