//! Each endpoint's query path timed: called once per sampled key (the store's query for the
//! `/api/v1` lists, the web backend for what the pages and the API share), printing p50, p95,
//! p99, max and rows per call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::{EventFilter, EventRow, ScopeKind, Window};
use app::ssr::Backend;

use super::samples::{Samples, HOUR_US};
use crate::http::web::{DemoStatus, ServerBackend};
use crate::live::Hub;
use crate::store::dbapi::{
    DbImageDelete, DbImageExists, DbImageUsage, DbInstanceDelete, DbInstanceExists,
    DbInstanceUsage, DbRow, DbTable, ExistsService, Filters, Page,
};
use crate::store::{Store, TimeWindow};
use crate::telemetry::status::StatusBoard;

/// Times `$call` once per key of `$keys` (bound to `$r`) and prints the distribution.
macro_rules! time {
    ($what:expr, $keys:expr, |$r:ident| $call:expr) => {{
        let keys = &$keys;
        let mut times = Vec::with_capacity(keys.len());
        let mut rows = 0usize;
        for $r in keys.iter() {
            let started = Instant::now();
            rows += $call;
            times.push(started.elapsed());
        }
        report($what, &mut times, rows);
    }};
}

/// The sampled rows that have each key set, as many as there are samples.
struct Keys {
    hosts: Vec<EventRow>,
    tenants: Vec<EventRow>,
    instances: Vec<EventRow>,
    requests: Vec<EventRow>,
}

impl Keys {
    fn of(s: &Samples) -> Self {
        let n = s.rows.len();
        Self {
            hosts: s.with(n, |r| &r.host),
            tenants: s.with(n, |r| &r.tenant),
            instances: s.with(n, |r| &r.instance),
            requests: s.with(n, |r| &r.request_id),
        }
    }
}

/// Calls each endpoint's query path once per sampled key and prints the latency distribution.
pub(super) async fn time_endpoints(store: &Store, s: &Samples) -> anyhow::Result<()> {
    let backend: Arc<dyn Backend> = Arc::new(ServerBackend {
        store: store.clone(),
        board: StatusBoard::default(),
        demo: DemoStatus::default(),
        disabled: Vec::new(),
        live: Hub::new(),
        retention: crate::retention::Policy::default(),
    });
    let keys = Keys::of(s);
    println!(
        "\n{:<44} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "endpoint query path", "p50 ms", "p95 ms", "p99 ms", "max ms", "rows/call"
    );
    time_keyed_pages(store, s, &keys).await?;
    time_other_pages(store, s, &keys).await?;
    time_backend(store, backend.as_ref(), s, &keys).await
}

/// A window of `us` microseconds from the sampled row's time.
fn window(r: &EventRow, us: i64) -> TimeWindow {
    TimeWindow {
        since: Some(r.when.0),
        until: Some(r.when.0 + us),
    }
}

/// `/api/v1/events` pages after a cursor, unfiltered and by deployment, host, tenant, event.
async fn time_keyed_pages(store: &Store, s: &Samples, k: &Keys) -> anyhow::Result<()> {
    // A cursor somewhere in the table, different per sampled row.
    let random_after = |r: &EventRow| r.id.wrapping_mul(2_654_435_761).rem_euclid(s.max_id);
    let f = EventFilter::default;
    let all = TimeWindow::default();
    time!("GET /api/v1/events?after=<random>", s.rows, |r| {
        store
            .events_page(random_after(r), &f(), all, 101)
            .await?
            .len()
    });
    time!(
        "GET /api/v1/events?deployment=&after=<random>",
        s.rows,
        |r| {
            let filter = EventFilter {
                deployment: Some(r.deployment_id),
                ..f()
            };
            store
                .events_page(random_after(r), &filter, all, 101)
                .await?
                .len()
        }
    );
    time!("GET /api/v1/events?host=", k.hosts, |r| {
        let filter = EventFilter {
            host: Some(r.host.clone()),
            ..f()
        };
        store.events_page(0, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?host=&after=<row>", k.hosts, |r| {
        let filter = EventFilter {
            host: Some(r.host.clone()),
            ..f()
        };
        store.events_page(r.id, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?tenant=&after=<row>", k.tenants, |r| {
        let filter = EventFilter {
            tenant: Some(r.tenant.clone()),
            ..f()
        };
        store.events_page(r.id, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?event=&after=<row>", s.rows, |r| {
        let filter = EventFilter {
            event: Some(r.event.clone()),
            ..f()
        };
        store.events_page(r.id, &filter, all, 101).await?.len()
    });
    Ok(())
}

/// `/api/v1/events` pages by instance, request, errors and time window, and one event.
async fn time_other_pages(store: &Store, s: &Samples, k: &Keys) -> anyhow::Result<()> {
    let f = EventFilter::default;
    let all = TimeWindow::default();
    time!("GET /api/v1/events?instance=", k.instances, |r| {
        let filter = EventFilter {
            instance: Some(r.instance.clone()),
            ..f()
        };
        store.events_page(0, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?request=", k.requests, |r| {
        let filter = EventFilter {
            request: Some(r.request_id.clone()),
            ..f()
        };
        store.events_page(0, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?errors=1&after=<row>", s.rows, |r| {
        let filter = EventFilter {
            errors: true,
            ..f()
        };
        store.events_page(r.id, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?since=&until= (1 min)", s.rows, |r| {
        store
            .events_page(0, &f(), window(r, 60_000_000), 101)
            .await?
            .len()
    });
    time!("GET /api/v1/events?since=&until= (1 h)", s.rows, |r| {
        store
            .events_page(0, &f(), window(r, HOUR_US), 101)
            .await?
            .len()
    });
    time!("GET /api/v1/events/{id}", s.rows, |r| {
        usize::from(store.event_detail(r.id).await?.is_some())
    });
    Ok(())
}

/// What the pages and `/api/v1` both ask the web backend for, and the quarantine list.
async fn time_backend(store: &Store, b: &dyn Backend, s: &Samples, k: &Keys) -> anyhow::Result<()> {
    time!("GET /api/v1/instances/{uuid}", k.instances, |r| {
        b.instance(&r.instance).await?.events.len()
    });
    time!("GET /api/v1/requests/{request_id}", k.requests, |r| {
        b.request(&r.request_id).await?.rows.len()
    });
    time!("(web page, not in the API) /host/{host}", k.hosts, |r| {
        b.scope(ScopeKind::Host, &r.host).await?.recent.len()
    });
    time!("(web page, not in the API) /tenant/{t}", k.tenants, |r| {
        b.scope(ScopeKind::Tenant, &r.tenant).await?.recent.len()
    });
    for w in Window::CHOICES {
        let what = format!("GET /api/v1/timings?window={}", w.param());
        time!(&what, s.rows, |_r| b.timings(w).await?.ops.len());
    }
    time!("GET /stacky/summary/", s.rows, |_r| store
        .stacky_timing_summary(1_000)
        .await?
        .len());
    time!("GET /api/v1/deployments", s.rows, |_r| b
        .home()
        .await?
        .deployments
        .len());
    time!("GET /api/v1/status", s.rows, |_r| b
        .status()
        .await?
        .deployments
        .len());
    time!("GET /api/v1/quarantine", s.rows, |_r| store
        .quarantine_page(0, 101)
        .await?
        .len());
    time_dbapi(store, s).await
}

/// v2's `/db` API: the exists stats (from the kept counts) and the first page of each usage
/// list in v2's default order.
async fn time_dbapi(store: &Store, s: &Samples) -> anyhow::Result<()> {
    let all = Filters::default();
    for service in [ExistsService::Nova, ExistsService::Glance] {
        let what = format!("GET /db/stats/{}/exists", service.name());
        time!(&what, s.rows, |_r| store
            .db_exists_stats(service, &all)
            .await?
            .len());
    }
    let first_page = |table: DbTable| Page {
        order_by: table.default_order(),
        descending: true,
        limit: 50,
        offset: 0,
    };
    macro_rules! list {
        ($path:expr, $row:ty) => {
            time!($path, s.rows, |_r| store
                .db_list::<$row>(&all, &first_page(<$row as DbRow>::TABLE))
                .await?
                .len())
        };
    }
    list!("GET /db/usage/launches/", DbInstanceUsage);
    list!("GET /db/usage/deletes/", DbInstanceDelete);
    list!("GET /db/usage/exists/", DbInstanceExists);
    list!("GET /db/usage/glance/images/", DbImageUsage);
    list!("GET /db/usage/glance/deletes/", DbImageDelete);
    list!("GET /db/usage/glance/exists/", DbImageExists);
    Ok(())
}

/// Prints one line: p50, p95, p99 and max in milliseconds, and the mean rows per call.
pub(super) fn report(what: &str, times: &mut [Duration], rows: usize) {
    times.sort_unstable();
    let n = times.len();
    let ms = |i: usize| times[i.min(n - 1)].as_secs_f64() * 1e3;
    let pct = |p: usize| ms((n * p).div_ceil(100).max(1) - 1);
    println!(
        "{what:<44} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>9.1}",
        pct(50),
        pct(95),
        pct(99),
        ms(n - 1),
        rows as f64 / n as f64
    );
}
