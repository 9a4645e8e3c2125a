//! `stacktach bench-queries`: the read side at scale. It fills a fresh database (a SQLite file,
//! a PostgreSQL database) with N realistic notifications from the generator through the real
//! ingest path (parse, raw rows, aggregates; a week of notification time ending now), prints the
//! plans of the instance, request, host, event and time-window queries, then calls each
//! `/api/v1` endpoint's query path `--calls` times with keys drawn from the stored rows and
//! prints p50/p95/max in milliseconds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::model::{EventFilter, EventRow, ScopeKind, Window};
use app::ssr::Backend;
use clap::Args;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::database::FreshDb;
use crate::cmd::simulate::notigen::{Generator, GeneratorOptions};
use crate::http::web::{DemoStatus, ServerBackend};
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::Hub;
use crate::store::{EventsOf, Explained, Store, TimeWindow};
use crate::telemetry::status::StatusBoard;
use app::model::now_micros;

/// Notification time the stored events span, ending now.
const SPAN_US: i64 = 7 * 24 * 3_600_000_000;
const HOUR_US: i64 = 3_600_000_000;
/// Notifications per ingest transaction while filling.
const FILL_BATCH: usize = 1_000;

/// `stacktach bench-queries` options.
#[derive(Debug, Args)]
pub struct QueryBenchArgs {
    /// Stored notifications.
    #[arg(long, default_value_t = 1_000_000)]
    pub count: u64,
    /// Databases to measure ("sqlite:" = a temporary file; a postgres:// URL = a fresh database
    /// on that server, dropped afterwards). Repeatable.
    #[arg(long = "database-url", default_values_t = [
        "sqlite:".to_owned(),
        "postgres://postgres@127.0.0.1:5432/postgres".to_owned(),
    ])]
    pub database_urls: Vec<String>,
    /// Measure these databases as they are (already filled) instead of fresh ones.
    #[arg(long)]
    pub existing: bool,
    /// Keep the fresh databases (their URLs are printed) for `--existing` runs.
    #[arg(long)]
    pub keep: bool,
    /// Calls per endpoint.
    #[arg(long, default_value_t = 200)]
    pub calls: usize,
    /// Seed of the generator and of the key sampling.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs the query benchmark and prints plans and latencies.
///
/// # Errors
/// An unreachable database or a failing query; fresh databases are removed anyway.
pub async fn run(args: QueryBenchArgs) -> anyhow::Result<()> {
    for (index, url) in args.database_urls.iter().enumerate() {
        if args.existing {
            let store = Store::connect(url)
                .await
                .with_context(|| format!("cannot open {}", crate::cmd::serve::redact(url)))?;
            store.migrate().await?;
            let result = measure(&args, &store).await;
            store.close().await;
            result?;
            continue;
        }
        let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
        let db = FreshDb::create(url, &format!("{id}_{index}q")).await?;
        let result = fill_and_measure(&args, &db).await;
        if args.keep {
            println!("Kept: {}", db.url());
        } else {
            db.drop_it().await;
        }
        result?;
    }
    Ok(())
}

async fn fill_and_measure(args: &QueryBenchArgs, db: &FreshDb) -> anyhow::Result<()> {
    let store = db.open().await?;
    let result = async {
        fill(&store, args.count, args.seed).await?;
        measure(args, &store).await
    }
    .await;
    store.close().await;
    result
}

/// Ingests `count` generated notifications (nova and glance) in batches, timestamps spread
/// over the week before now.
async fn fill(store: &Store, count: u64, seed: u64) -> anyhow::Result<()> {
    let deployment = DeploymentRef {
        id: store.ensure_deployment("bench").await?,
        name: "bench".to_owned(),
    };
    let ingestor = Ingestor::new(store.clone(), Hub::new());
    let rate = count as f64 / (SPAN_US as f64 / 1e6);
    let mut generator = Generator::new(
        seed,
        GeneratorOptions::for_rate(rate, 1.0),
        now_micros() - SPAN_US,
    );
    let started = Instant::now();
    let mut done = 0u64;
    while done < count {
        let n = FILL_BATCH.min((count - done) as usize);
        let mut by_exchange: Vec<(String, Vec<Incoming>)> = Vec::new();
        for o in generator.take(n) {
            let incoming = Incoming {
                routing_key: o.routing_key,
                body: o.body.into_bytes(),
            };
            match by_exchange.iter_mut().find(|(e, _)| *e == o.exchange) {
                Some((_, batch)) => batch.push(incoming),
                None => by_exchange.push((o.exchange, vec![incoming])),
            }
        }
        for (exchange, batch) in &by_exchange {
            ingestor.ingest(&deployment, exchange, batch).await?;
        }
        done += n as u64;
        if done % 100_000 < n as u64 {
            let secs = started.elapsed().as_secs_f64();
            println!("  filled {done} ({:.0}/s)", done as f64 / secs.max(1e-9));
        }
    }
    println!(
        "Filled {} in {:.0} s.",
        store.backend_name(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Keys drawn from stored rows (uniform over events, so busy hosts are drawn more often).
struct Samples {
    rows: Vec<EventRow>,
    max_id: i64,
}

async fn sample(store: &Store, n: usize, seed: u64) -> anyhow::Result<Samples> {
    let max_id = store.max_event_id().await?;
    anyhow::ensure!(max_id > 0, "the database holds no events");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut rows = Vec::with_capacity(n);
    while rows.len() < n {
        if let Some(row) = store.event_row(rng.random_range(1..=max_id)).await? {
            rows.push(row);
        }
    }
    Ok(Samples { rows, max_id })
}

async fn measure(args: &QueryBenchArgs, store: &Store) -> anyhow::Result<()> {
    store.analyze().await?;
    let samples = sample(store, args.calls.max(1), args.seed).await?;
    println!(
        "\n== {}: {} events (max id {}) ==",
        store.backend_name(),
        store.max_event_id().await?,
        samples.max_id
    );
    print_plans(store, &samples).await?;
    time_endpoints(store, &samples).await
}

impl Samples {
    /// `n` sampled rows whose `field` is set, cycling (so every endpoint gets `n` calls).
    fn with(&self, n: usize, field: impl Fn(&EventRow) -> &str) -> Vec<EventRow> {
        let set: Vec<&EventRow> = self.rows.iter().filter(|r| !field(r).is_empty()).collect();
        set.iter()
            .cycle()
            .take(n.min(set.len() * n))
            .map(|r| (*r).clone())
            .collect()
    }
}

async fn print_plans(store: &Store, samples: &Samples) -> anyhow::Result<()> {
    let key = samples
        .with(1, |r| &r.instance)
        .pop()
        .context("no sampled event has an instance")?;
    let host = EventFilter {
        host: Some(key.host.clone()),
        ..EventFilter::default()
    };
    let event = EventFilter {
        event: Some(key.event.clone()),
        ..EventFilter::default()
    };
    let errors = EventFilter {
        errors: true,
        ..EventFilter::default()
    };
    let hour = TimeWindow {
        since: Some(key.when.0),
        until: Some(key.when.0 + HOUR_US),
    };
    let plans = [
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
        (
            "host: newest events",
            Explained::host_recent(&key.host, 100),
        ),
        (
            "api events ?host=",
            Explained::events_page(key.id, &host, TimeWindow::default(), 101),
        ),
        ("event: one", Explained::event(key.id)),
        (
            "api events ?event=",
            Explained::events_page(key.id, &event, TimeWindow::default(), 101),
        ),
        (
            "api events (no filter)",
            Explained::events_page(key.id, &EventFilter::default(), TimeWindow::default(), 101),
        ),
        (
            "time window: drill-down ±1 min",
            Explained::when_window(key.when.0, 101),
        ),
        (
            "time window: api events ?since=&until= (1 h)",
            Explained::events_page(0, &EventFilter::default(), hour, 101),
        ),
        (
            "time window: timings of 7 d",
            Explained::timings_since(now_micros() - 7 * 24 * HOUR_US),
        ),
        (
            "time window: slowest requests of 24 h",
            Explained::slowest_requests(now_micros() - 24 * HOUR_US),
        ),
        (
            "api events ?errors=true",
            Explained::events_page(key.id, &errors, TimeWindow::default(), 101),
        ),
    ];
    for (what, explained) in plans {
        println!("\n-- {what}\n{}", store.explain(&explained).await?);
    }
    Ok(())
}

/// Calls each endpoint's query path once per sampled key and prints the latency distribution.
async fn time_endpoints(store: &Store, s: &Samples) -> anyhow::Result<()> {
    let backend: Arc<dyn Backend> = Arc::new(ServerBackend {
        store: store.clone(),
        board: StatusBoard::default(),
        demo: DemoStatus::default(),
        disabled: Vec::new(),
    });
    let b = backend.as_ref();
    let n = s.rows.len();
    let (hosts, tenants) = (s.with(n, |r| &r.host), s.with(n, |r| &r.tenant));
    let (instances, requests) = (s.with(n, |r| &r.instance), s.with(n, |r| &r.request_id));
    // A cursor somewhere in the table, different per sampled row.
    let random_after = |r: &EventRow| r.id.wrapping_mul(2_654_435_761).rem_euclid(s.max_id);
    let f = EventFilter::default;
    let all = TimeWindow::default();
    let window = |r: &EventRow, us: i64| TimeWindow {
        since: Some(r.when.0),
        until: Some(r.when.0 + us),
    };
    println!(
        "\n{:<44} {:>8} {:>8} {:>8} {:>9}",
        "endpoint query path", "p50 ms", "p95 ms", "max ms", "rows/call"
    );
    macro_rules! time {
        ($what:expr, $keys:expr, |$r:ident| $call:expr) => {{
            let mut times = Vec::with_capacity(n);
            let mut rows = 0usize;
            for $r in $keys.iter() {
                let started = Instant::now();
                rows += $call;
                times.push(started.elapsed());
            }
            report($what, &mut times, rows);
        }};
    }
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
    time!("GET /api/v1/events?host=", hosts, |r| {
        let filter = EventFilter {
            host: Some(r.host.clone()),
            ..f()
        };
        store.events_page(0, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?host=&after=<row>", hosts, |r| {
        let filter = EventFilter {
            host: Some(r.host.clone()),
            ..f()
        };
        store.events_page(r.id, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?tenant=&after=<row>", tenants, |r| {
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
    time!("GET /api/v1/events?instance=", instances, |r| {
        let filter = EventFilter {
            instance: Some(r.instance.clone()),
            ..f()
        };
        store.events_page(0, &filter, all, 101).await?.len()
    });
    time!("GET /api/v1/events?request=", requests, |r| {
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
    time!("GET /api/v1/instances/{uuid}", instances, |r| {
        b.instance(&r.instance).await?.events.len()
    });
    time!("GET /api/v1/requests/{request_id}", requests, |r| {
        b.request(&r.request_id).await?.rows.len()
    });
    time!("(web page, not in the API) /host/{host}", hosts, |r| {
        b.scope(ScopeKind::Host, &r.host).await?.recent.len()
    });
    time!("(web page, not in the API) /tenant/{t}", tenants, |r| {
        b.scope(ScopeKind::Tenant, &r.tenant).await?.recent.len()
    });
    for w in Window::CHOICES {
        let what = format!("GET /api/v1/timings?window={}", w.param());
        time!(&what, s.rows, |_r| b.timings(w).await?.ops.len());
    }
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
    Ok(())
}

fn report(what: &str, times: &mut [Duration], rows: usize) {
    times.sort_unstable();
    let n = times.len();
    let ms = |i: usize| times[i.min(n - 1)].as_secs_f64() * 1e3;
    let pct = |p: usize| ms((n * p).div_ceil(100).max(1) - 1);
    println!(
        "{what:<44} {:>8.2} {:>8.2} {:>8.2} {:>9.1}",
        pct(50),
        pct(95),
        ms(n - 1),
        rows as f64 / n as f64
    );
}
