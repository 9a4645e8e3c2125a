//! Every page and `/stacky` path timed through the whole router, in process: the request goes
//! through the same middleware, handler, queries and rendering (SSR pages, JSON) as over a
//! socket, and the body is read to its end. The keys come from the sampled rows (a host, a
//! tenant, an instance… of a stored event), so each URL is one an operator would open.
//!
//! A path whose calls take more than [`PATH_BUDGET`] in all stops early and says how many
//! calls it made: a slow path shows as slow without holding the run for an hour.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use app::model::{Count, Field, SearchQuery, UsageService, UsageTable, Window};
use app::routes;

use super::latency::report;
use super::samples::Samples;
use crate::cmd::serve::site::{default_site_root, leptos_options};
use crate::config::auth::AuthSettings;
use crate::http::auth::Authenticator;
use crate::http::router::router;
use crate::http::web::{DemoStatus, ServerBackend};
use crate::http::AppState;
use crate::live::Hub;
use crate::store::stacky::{StackyRaw, StackyService};
use crate::store::Store;
use crate::telemetry::metrics::Metrics;
use crate::telemetry::status::StatusBoard;

/// The most wall time one path's calls may take before it stops with fewer calls.
const PATH_BUDGET: Duration = Duration::from_secs(30);

/// The whole router over `store`, as `serve` mounts it (authentication mode `none`).
fn app(store: &Store) -> anyhow::Result<Router> {
    let hub = Hub::new();
    let backend = std::sync::Arc::new(ServerBackend {
        store: store.clone(),
        board: StatusBoard::default(),
        demo: DemoStatus::default(),
        disabled: Vec::new(),
        live: hub.clone(),
        retention: crate::retention::Policy::default(),
    });
    let state = AppState {
        leptos: leptos_options(&default_site_root(), "127.0.0.1:0".parse()?),
        store: store.clone(),
        hub,
        backend,
        metrics: Metrics::default(),
        auth: std::sync::Arc::new(Authenticator::new(&AuthSettings::default(), None)?),
    };
    Ok(router(state))
}

/// GETs `url` and reads the whole body; the status must be `expect`.
async fn get(app: &Router, url: &str, expect: StatusCode) -> anyhow::Result<usize> {
    let request = Request::get(url).body(Body::empty())?;
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    anyhow::ensure!(
        status == expect,
        "GET {url}: {status}, not {expect}: {}",
        String::from_utf8_lossy(&body[..body.len().min(300)])
    );
    Ok(body.len())
}

/// Times a GET of each of `urls` (within [`PATH_BUDGET`]) and prints one line, the last
/// column being the mean body size in KB.
async fn time_urls(
    app: &Router,
    what: &str,
    urls: &[String],
    expect: StatusCode,
) -> anyhow::Result<()> {
    anyhow::ensure!(!urls.is_empty(), "{what}: no sampled key");
    let started = Instant::now();
    let mut times = Vec::with_capacity(urls.len());
    let mut bytes = 0usize;
    for url in urls {
        let call = Instant::now();
        bytes += get(app, url, expect).await?;
        times.push(call.elapsed());
        if started.elapsed() > PATH_BUDGET {
            break;
        }
    }
    let label = if times.len() < urls.len() {
        format!("{what} [{} calls]", times.len())
    } else {
        what.to_owned()
    };
    report(&label, &mut times, bytes / 1024);
    Ok(())
}

/// The sampled keys as URL parts: per sampled row, and the nova raws of the sampled rows.
struct Keys<'a> {
    s: &'a Samples,
    raws: Vec<StackyRaw>,
}

impl Keys<'_> {
    /// One URL per sampled row with `field` set.
    fn per_row(&self, field: Field, url: impl Fn(&str, i64) -> String) -> Vec<String> {
        self.s
            .with(self.s.rows.len(), |r| field.value_of(r))
            .iter()
            .map(|r| url(field.value_of(r), r.id))
            .collect()
    }

    /// One URL per sampled nova raw with `value` set.
    fn per_raw(&self, value: impl Fn(&StackyRaw) -> Option<String>) -> Vec<String> {
        let set: Vec<String> = self.raws.iter().filter_map(value).collect();
        set.iter()
            .cycle()
            .take(self.s.rows.len().min(set.len() * self.s.rows.len()))
            .cloned()
            .collect()
    }

    /// The same URL once per sampled row.
    fn fixed(&self, url: &str) -> Vec<String> {
        vec![url.to_owned(); self.s.rows.len()]
    }
}

/// One timed path: its label, the URLs its calls GET (one per call) and the status each must
/// answer.
struct Path {
    what: String,
    urls: Vec<String>,
    expect: StatusCode,
}

impl Path {
    fn ok(what: impl Into<String>, urls: Vec<String>) -> Self {
        Self {
            what: what.into(),
            urls,
            expect: StatusCode::OK,
        }
    }
}

/// A stored raw's value of a `/stacky/search/` field.
type RawValue = fn(&StackyRaw) -> Option<String>;

/// Times every web page and `/stacky` path through the router.
pub(super) async fn time_routes(store: &Store, s: &Samples) -> anyhow::Result<()> {
    let app = app(store)?;
    let mut raws = Vec::new();
    for r in s.rows.iter().filter(|r| r.exchange == "nova") {
        raws.extend(
            store
                .stacky_raw(r.id, StackyService::Nova)
                .await?
                .map(|(raw, _)| raw),
        );
    }
    let k = Keys { s, raws };
    println!(
        "\n{:<44} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "page or /stacky path (router)", "p50 ms", "p95 ms", "p99 ms", "max ms", "KB/call"
    );
    let paths = [
        search_pages(&k),
        other_pages(&k),
        stacky_events(&k),
        stacky_searches(&k),
        stacky_others(&k),
    ];
    for path in paths.into_iter().flatten() {
        time_urls(&app, &path.what, &path.urls, path.expect).await?;
    }
    Ok(())
}

/// Home, live, the search page by every field and the drill-down by every field.
fn search_pages(k: &Keys<'_>) -> Vec<Path> {
    let mut paths = vec![
        Path::ok("page /", k.fixed("/")),
        Path::ok("page /live (200 rows)", k.fixed("/live")),
    ];
    for field in Field::SEARCHABLE {
        let urls = k.per_row(field, |value, _| {
            routes::search(&SearchQuery {
                field,
                value: value.to_owned(),
                deployment: None,
                updates: true,
                count: Count::N25,
                before: None,
            })
        });
        paths.push(Path::ok(
            format!("page /search?field={}", field.param()),
            urls,
        ));
    }
    for field in Field::SEARCHABLE.into_iter().chain([Field::When]) {
        // A time drill-down needs no value: any sampled row (all have an event).
        let key = if field == Field::When {
            Field::Event
        } else {
            field
        };
        let urls = k.per_row(key, |value, id| routes::drill(field, value, id, None));
        paths.push(Path::ok(
            format!("page /events?field={} (drill)", field.param()),
            urls,
        ));
    }
    let links = k.per_row(Field::Event, |_, id| routes::drill_link(Field::Host, id));
    paths.push(Path {
        what: "/d/{id}/{field} (redirect)".into(),
        urls: links,
        expect: StatusCode::SEE_OTHER,
    });
    paths
}

/// An event, instance, request, host and tenant; timings, status, usage and reports.
fn other_pages(k: &Keys<'_>) -> Vec<Path> {
    type Url = fn(&str, i64) -> String;
    let pages: [(&str, Field, Url); 5] = [
        ("page /events/{id}", Field::Event, |_, id| routes::event(id)),
        ("page /instances/{uuid}", Field::Instance, |v, _| {
            routes::instance(v)
        }),
        ("page /requests/{id}", Field::Request, |v, _| {
            routes::request(v)
        }),
        ("page /hosts/{host}", Field::Host, |v, _| routes::host(v)),
        ("page /tenants/{tenant}", Field::Tenant, |v, _| {
            routes::tenant(v)
        }),
    ];
    let mut paths: Vec<Path> = pages
        .into_iter()
        .map(|(what, field, url)| Path::ok(what, k.per_row(field, url)))
        .collect();
    for w in Window::CHOICES {
        let what = format!("page /timings?window={}", w.param());
        paths.push(Path::ok(what, k.fixed(&routes::timings(w))));
    }
    paths.push(Path::ok("page /status", k.fixed(&routes::status())));
    paths.push(Path::ok("page /usage", k.fixed(&routes::usage())));
    for service in UsageService::ALL {
        for table in UsageTable::ALL {
            let url = routes::usage_table(service, table);
            paths.push(Path::ok(format!("page {url}"), k.fixed(&url)));
        }
    }
    paths.push(Path::ok("page /reports", k.fixed("/reports")));
    paths
}

/// `/stacky`'s names, the events of an instance and of a request, timings, summary, show.
fn stacky_events(k: &Keys<'_>) -> Vec<Path> {
    let q = |s: &str| routes::encode(s);
    let operation = |event: &str| {
        event
            .strip_suffix(".start")
            .or_else(|| event.strip_suffix(".end"))
            .map(|op| format!("/stacky/timings/?name={}", q(op)))
    };
    vec![
        Path::ok("/stacky/deployments/", k.fixed("/stacky/deployments/")),
        Path::ok("/stacky/events/?service=all", k.fixed("/stacky/events/")),
        Path::ok("/stacky/hosts/", k.fixed("/stacky/hosts/")),
        Path::ok(
            "/stacky/uuid/?uuid=",
            k.per_row(Field::Instance, |v, _| {
                format!("/stacky/uuid/?uuid={}", q(v))
            }),
        ),
        Path::ok(
            "/stacky/request/?request_id=",
            k.per_row(Field::Request, |v, _| {
                format!("/stacky/request/?request_id={}", q(v))
            }),
        ),
        Path::ok(
            "/stacky/timings/uuid/?uuid=",
            k.per_row(Field::Instance, |v, _| {
                format!("/stacky/timings/uuid/?uuid={}", q(v))
            }),
        ),
        Path::ok("/stacky/timings/?name=", k.per_raw(|r| operation(&r.event))),
        Path::ok("/stacky/summary/", k.fixed("/stacky/summary/")),
        Path::ok(
            "/stacky/show/{id}/",
            k.per_raw(|r| Some(format!("/stacky/show/{}/", r.id))),
        ),
    ]
}

/// `/stacky/search/` by every field of v2's nova model the samples have a value of.
fn stacky_searches(k: &Keys<'_>) -> Vec<Path> {
    let fields: [(&str, RawValue); 12] = [
        ("host", |r| r.host.clone()),
        ("instance", |r| r.instance.clone()),
        ("request_id", |r| Some(r.request_id.clone())),
        ("event", |r| Some(r.event.clone())),
        ("publisher", |r| Some(r.publisher.clone())),
        ("routing_key", |r| Some(r.routing_key.clone())),
        ("service", |r| Some(r.service.clone())),
        ("state", |r| r.state.clone()),
        ("old_state", |r| r.old_state.clone()),
        ("old_task", |r| r.old_task.clone()),
        ("when", |r| {
            let (secs, micros) = (
                r.when_us.div_euclid(1_000_000),
                r.when_us.rem_euclid(1_000_000),
            );
            Some(format!("{secs}.{micros:06}"))
        }),
        ("id", |r| Some(r.id.to_string())),
    ];
    let url = |field: &str, value: &str| {
        let value = routes::encode(value);
        format!("/stacky/search/?service=nova&field={field}&value={value}")
    };
    let mut paths: Vec<Path> = fields
        .into_iter()
        .map(|(field, value)| {
            let urls = k.per_raw(|r| value(r).map(|v| url(field, &v)));
            Path::ok(format!("/stacky/search/?field={field}"), urls)
        })
        .collect();
    let tenants = k.per_row(Field::Tenant, |v, _| url("tenant", v));
    paths.push(Path::ok("/stacky/search/?field=tenant", tenants));
    paths
}

/// `/stacky`'s KPIs, watch, usage lists and reports.
fn stacky_others(k: &Keys<'_>) -> Vec<Path> {
    // `/stacky/kpi/<tenant>/` answers 404 for a tenant without nova events: nova rows' only.
    let kpi =
        k.s.rows
            .iter()
            .filter(|r| r.exchange == "nova" && !r.tenant.is_empty())
            .map(|r| format!("/stacky/kpi/{}/", routes::encode(&r.tenant)))
            .collect();
    let watch =
        k.s.rows
            .iter()
            .map(|r| format!("/stacky/watch/{}/", r.deployment_id))
            .collect();
    // A client polling the tail: the events after the 100th newest id.
    let tail = format!("/stacky/watch/0/?since=id:{}", (k.s.max_id - 100).max(0));
    let mut paths = vec![
        Path::ok("/stacky/kpi/", k.fixed("/stacky/kpi/")),
        Path::ok("/stacky/kpi/{tenant}/", kpi),
        Path::ok("/stacky/watch/{deployment}/ (first)", watch),
        Path::ok("/stacky/watch/0/?since=id:<tail>", k.fixed(&tail)),
    ];
    for list in ["launches", "deletes", "exists"] {
        let url = format!("/stacky/usage/{list}/");
        paths.push(Path::ok(url.clone(), k.fixed(&url)));
    }
    paths.push(Path::ok("/stacky/reports/", k.fixed("/stacky/reports/")));
    paths
}
