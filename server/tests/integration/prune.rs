//! Retention (`stacktach prune`) on SQLite, PostgreSQL and MariaDB: every class of table with
//! old and new rows, exactly what goes and what stays (children before parents, exists not yet
//! verified and sent kept), the instance page and API after its old events went, dry runs,
//! chunking, and the live cursors (`/live/ws`, `/stacky/watch`) across a prune.

use std::time::Duration;

use app::model::{now_micros, Micros};
use futures::StreamExt;
use serde_json::{json, Value};
use server::cmd::prune::run_schedule_every;
use server::retention::{Policy, DAY_US};
use server::store::partitions::{day_name, day_start, DAYS_AHEAD};
use server::store::prune::{PruneOptions, Step, TableOutcome};
use server::store::stacky::NewJsonReport;
use server::store::Store;
use sqlx::Connection;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

use crate::helpers::{assert_exists_counts, eventually, http_get, Backend, TestApp, TestDb};
use crate::web_queries::Fixture;

fn when(us: i64) -> String {
    app::model::format_micros(Micros(us))
}

/// A nova notification of `instance` at `at`.
fn nova(event: &str, instance: &str, request: &str, at: i64, extra: Value) -> Vec<u8> {
    let mut payload = json!({"instance_id": instance, "tenant_id": "t1", "state": "active",
                             "instance_type_id": "2", "instance_flavor_id": "m1"});
    payload
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"event_type": event, "publisher_id": "compute.h1", "timestamp": when(at),
           "message_id": uuid::Uuid::new_v4().to_string(), "_context_request_id": request,
           "payload": payload})
    .to_string()
    .into_bytes()
}

/// An instance's life at `at`: create start/end (a timing, a tracker, a usage), optionally a
/// delete a day later, and an exists for its first day.
fn life(instance: &str, at: i64, deleted: bool) -> Vec<(&'static str, Vec<u8>)> {
    let request = format!("req-{instance}");
    let launched = json!({"launched_at": when(at)});
    let mut out = vec![
        (
            "monitor.info",
            nova(
                "compute.instance.create.start",
                instance,
                &request,
                at,
                json!({}),
            ),
        ),
        (
            "monitor.info",
            nova(
                "compute.instance.create.end",
                instance,
                &request,
                at + 60_000_000,
                launched,
            ),
        ),
        (
            "monitor.info",
            nova(
                "compute.instance.exists",
                instance,
                "req-exists",
                at + DAY_US,
                json!({"launched_at": when(at), "audit_period_beginning": when(at),
                       "audit_period_ending": when(at + DAY_US)}),
            ),
        ),
    ];
    if deleted {
        out.push((
            "monitor.info",
            nova(
                "compute.instance.delete.end",
                instance,
                &format!("req-del-{instance}"),
                at + DAY_US + 1_000_000,
                json!({"state": "deleted", "launched_at": when(at),
                       "deleted_at": when(at + DAY_US)}),
            ),
        ));
    }
    out
}

/// Runs `sql` (test setup) on the database.
async fn exec(db: &TestDb, backend: Backend, sql: &str) {
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
        Backend::MariaDb => {
            let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
            sqlx::query(sql).execute(&mut c).await.unwrap();
        }
    }
}

/// The one integer `sql` selects.
async fn count(db: &TestDb, backend: Backend, sql: &str) -> i64 {
    let (n,): (i64,) = match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            sqlx::query_as(sql).fetch_one(&mut c).await.unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
            sqlx::query_as(sql).fetch_one(&mut c).await.unwrap()
        }
        Backend::MariaDb => {
            let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
            sqlx::query_as(sql).fetch_one(&mut c).await.unwrap()
        }
    };
    n
}

/// Every step of `policy`, as `stacktach prune` runs them.
async fn prune(store: &Store, policy: &Policy, options: &PruneOptions) -> Vec<TableOutcome> {
    let mut out = Vec::new();
    for (step, cutoff) in Step::plan(policy, now_micros()) {
        out.push(
            store
                .prune_step(step, cutoff, options)
                .await
                .expect("prune"),
        );
    }
    out
}

fn rows_of(outcomes: &[TableOutcome], table: &str) -> u64 {
    outcomes
        .iter()
        .find(|o| o.table == table)
        .map_or(0, |o| o.rows)
}

fn quick() -> PruneOptions {
    PruneOptions {
        pause: Duration::ZERO,
        busy_share: 1.0,
        ..PruneOptions::default()
    }
}

/// The test database and its backend, for counting rows in SQL.
struct Rows<'a> {
    db: &'a TestDb,
    backend: Backend,
}

impl Rows<'_> {
    async fn n(&self, sql: &str) -> i64 {
        count(self.db, self.backend, sql).await
    }

    /// Rows of `table` about `instance`.
    async fn of(&self, table: &str, instance: &str) -> i64 {
        self.n(&format!(
            "SELECT COUNT(*) FROM {table} WHERE instance = '{instance}'"
        ))
        .await
    }
}

/// Instances of every age and billing state, two quarantined messages, two reports; the
/// oldest quarantined message and report are old.
async fn seed_every_class(fx: &Fixture, db: &TestDb, backend: Backend, now: i64) {
    let ancient = now - 500 * DAY_US;
    let old = now - 200 * DAY_US;
    let mut messages = Vec::new();
    messages.extend(life("i-gone", ancient, true));
    messages.extend(life("i-pending", ancient, true));
    messages.extend(life("i-unsent", ancient, true));
    messages.extend(life("i-old", old, false));
    messages.extend(life("i-new", now - DAY_US, false));
    // An idle instance: created long ago, no exists since; its lifecycle's last event goes.
    messages.extend(life("i-idle", old, false).into_iter().take(2));
    fx.ingest(messages).await;
    let poison = vec![
        ("monitor.info", b"not json".to_vec()),
        ("monitor.info", b"{".to_vec()),
    ];
    fx.ingest(poison).await;
    // Billing state: i-gone's exists verified and sent, i-unsent's verified but not sent,
    // i-pending's still pending; one quarantined message received long ago.
    for sql in [
        "UPDATE instance_exists SET status = 'verified', send_status = 201 WHERE instance = 'i-gone'".to_string(),
        "UPDATE instance_exists SET status = 'verified' WHERE instance = 'i-unsent'".to_string(),
        format!("UPDATE quarantine SET received_us = {ancient} WHERE id = (SELECT id FROM (SELECT MIN(id) AS id FROM quarantine) q)"),
    ] {
        exec(db, backend, &sql).await;
    }
    for created in [ancient, now] {
        let report = NewJsonReport {
            period_start: created - DAY_US,
            period_end: created,
            created,
            name: "nova usage audit".into(),
            version: 1,
            json: "[]".into(),
        };
        fx.store.insert_json_report(&report).await.unwrap();
    }
}

async fn every_class(backend: Backend) {
    let db = TestDb::new(backend);
    let rows = Rows { db: &db, backend };
    let fx = Fixture::new(&db).await;
    let now = now_micros();
    seed_every_class(&fx, &db, backend, now).await;
    assert_eq!(rows.of("raw_events", "i-new").await, 3);
    // A create timing per instance, and a delete one (end only) per deleted instance.
    assert_eq!(rows.n("SELECT COUNT(*) FROM timings").await, 9);
    let rolled_up = "SELECT COUNT(*) FROM timing_rollups";
    assert!(rows.n(rolled_up).await >= 2, "old hours and this one");
    let days = "SELECT COUNT(*) FROM timing_day_rollups";
    assert!(rows.n(days).await >= 2, "old days and this one");
    let scope_hours = "SELECT COUNT(DISTINCT hour_us) FROM scope_rollups";
    assert!(rows.n(scope_hours).await >= 2, "old hours and this one");
    let old_names = format!(
        "SELECT COUNT(*) FROM stacky_names WHERE last_when < {}",
        now - 90 * DAY_US
    );
    assert!(rows.n(&old_names).await >= 1, "names seen only long ago");

    // A dry run counts and deletes nothing.
    let dry_run = PruneOptions {
        dry_run: true,
        ..quick()
    };
    let dry = prune(&fx.store, &Policy::default(), &dry_run).await;
    assert_eq!(rows.n("SELECT COUNT(*) FROM timings").await, 9);
    for (table, n) in [
        ("timings", 8),
        ("instance_exists", 1),
        ("quarantine", 1),
        ("json_reports", 1),
    ] {
        assert_eq!(rows_of(&dry, table), n, "{table}: {dry:?}");
    }
    assert!(dry.iter().all(|o| !o.capped));

    assert_exists_counts(&fx.store, "seeded").await;
    let done = prune(&fx.store, &Policy::default(), &quick()).await;
    assert_exists_counts(&fx.store, "pruned").await;
    assert_eq!(rows_of(&done, "timings"), 8, "{done:?}");
    assert_eq!(rows_of(&done, "json_reports"), 1);
    assert_what_stayed(&rows, now).await;
    // A second run finds nothing more.
    let again = prune(&fx.store, &Policy::default(), &quick()).await;
    assert!(again.iter().all(|o| o.rows == 0), "{again:?}");
    assert_pages_link_kept_events(&db).await;
}

/// After [`seed_every_class`] and a prune with the default policy: exactly what stays.
async fn assert_what_stayed(rows: &Rows<'_>, now: i64) {
    // Timings and trackers: only i-new's are left.
    assert_eq!(rows.n("SELECT COUNT(*) FROM timings").await, 1);
    let cutoff = now - 90 * DAY_US;
    // Their rollups: the hours wholly before the horizon went, i-new's hour stayed.
    let rollups = "SELECT COUNT(*) FROM timing_rollups";
    assert_eq!(rows.n(rollups).await, 1, "i-new's hour");
    let old = format!("SELECT COUNT(*) FROM timing_rollups WHERE hour_us + 3600000000 <= {cutoff}");
    assert_eq!(rows.n(&old).await, 0);
    // The same per day: i-new's day stayed.
    let days = "SELECT COUNT(*) FROM timing_day_rollups";
    assert_eq!(rows.n(days).await, 1, "i-new's day");
    let old =
        format!("SELECT COUNT(*) FROM timing_day_rollups WHERE day_us + 86400000000 <= {cutoff}");
    assert_eq!(rows.n(&old).await, 0);
    // The hosts' and tenants' rollups: the hours wholly before the horizon went, the later
    // ones (i-new's) stayed.
    let old = format!("SELECT COUNT(*) FROM scope_rollups WHERE hour_us + 3600000000 <= {cutoff}");
    assert_eq!(rows.n(&old).await, 0);
    let kept = format!("SELECT COUNT(*) FROM scope_rollups WHERE hour_us + 3600000000 > {cutoff}");
    assert!(rows.n(&kept).await >= 1, "i-new's hour");
    // The /stacky names: those last seen before the horizon went; every one left still
    // names a stored event of its service.
    let old = format!("SELECT COUNT(*) FROM stacky_names WHERE last_when < {cutoff}");
    assert_eq!(rows.n(&old).await, 0);
    assert!(
        rows.n("SELECT COUNT(*) FROM stacky_names").await >= 2,
        "i-new's names"
    );
    let orphans = "SELECT COUNT(*) FROM stacky_names n WHERE n.kind IN ('event', 'host') \
         AND NOT EXISTS (SELECT 1 FROM raw_events e WHERE (e.event = n.name AND n.kind = 'event' \
         OR e.host = n.name AND n.kind = 'host') AND (e.exchange = n.service \
         OR n.service = 'generic' AND e.exchange NOT IN ('nova', 'glance')))";
    assert_eq!(rows.n(orphans).await, 0, "kept names without events");
    let trackers = format!("SELECT COUNT(*) FROM request_trackers WHERE start < {cutoff}");
    assert_eq!(rows.n(&trackers).await, 0);
    // Exists: only the verified-and-sent one went.
    assert_eq!(rows.of("instance_exists", "i-gone").await, 0);
    assert_eq!(rows.of("instance_exists", "i-pending").await, 1);
    assert_eq!(rows.of("instance_exists", "i-unsent").await, 1);
    // i-gone: everything went (lifecycle, usage, delete, every event).
    for table in [
        "lifecycles",
        "instance_usages",
        "instance_deletes",
        "raw_events",
    ] {
        assert_eq!(rows.of(table, "i-gone").await, 0, "{table}");
    }
    // Kept exists keep their own event (the verifier reads it); the rest of the instance's
    // events went. An alive instance keeps its lifecycle and usage, not its old events.
    for instance in ["i-pending", "i-unsent", "i-old", "i-idle"] {
        let creates = format!("SELECT COUNT(*) FROM raw_events WHERE instance = '{instance}' AND event LIKE 'compute.instance.create%'");
        assert_eq!(rows.n(&creates).await, 0, "{instance}");
    }
    let kept_raw = "SELECT COUNT(*) FROM instance_exists x JOIN raw_events e ON e.id = x.raw_id";
    assert_eq!(rows.n(kept_raw).await, 4);
    assert_eq!(rows.n("SELECT COUNT(*) FROM instance_exists").await, 4);
    assert_eq!(rows.of("raw_events", "i-idle").await, 0);
    assert_eq!(rows.of("lifecycles", "i-idle").await, 1);
    assert_eq!(rows.of("lifecycles", "i-old").await, 1);
    assert_eq!(rows.of("instance_usages", "i-old").await, 1);
    assert_eq!(rows.of("raw_events", "i-new").await, 3);
    // Quarantine and reports: the old one of each.
    assert_eq!(rows.n("SELECT COUNT(*) FROM quarantine").await, 1);
    assert_eq!(rows.n("SELECT COUNT(*) FROM json_reports").await, 1);
    // No foreign key is left dangling (the backends enforce them; check anyway).
    let dangling = "SELECT COUNT(*) FROM timings t LEFT JOIN lifecycles l ON l.id = t.lifecycle_id WHERE l.id IS NULL";
    assert_eq!(rows.n(dangling).await, 0);
}

/// The pages of an instance whose old events went still render, and link no pruned event.
async fn assert_pages_link_kept_events(db: &TestDb) {
    let app = TestApp::spawn_with_billing(db, Default::default()).await;
    for instance in ["i-idle", "i-old", "i-pending", "i-new"] {
        let (status, _) = http_get(app.port, &format!("/instances/{instance}")).await;
        assert_eq!(status, 200, "{instance}");
        let (status, body) = http_get(app.port, &format!("/api/v1/instances/{instance}")).await;
        assert_eq!(status, 200, "{instance}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        if instance == "i-idle" {
            // Its lifecycle's last event was pruned: the id is cleared, the state kept.
            assert_eq!(v["lifecycle"]["last_event_id"], Value::Null, "{body}");
            assert_eq!(v["lifecycle"]["state"], "active", "{body}");
        }
        for id in event_ids(&v) {
            let (status, _) = http_get(app.port, &format!("/api/v1/events/{id}")).await;
            assert_eq!(status, 200, "{instance} links event {id}: {body}");
        }
    }
    app.stop().await;
}

/// Every event id an instance document refers to.
fn event_ids(v: &Value) -> Vec<i64> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    let is_ref = matches!(
                        k.as_str(),
                        "last_event_id" | "start_id" | "end_id" | "raw_id"
                    );
                    match x.as_i64() {
                        Some(id) if is_ref => out.push(id),
                        _ => stack.push(x),
                    }
                }
            }
            Value::Array(xs) => stack.extend(xs),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn prune_every_class_sqlite() {
    every_class(Backend::Sqlite).await;
}

#[tokio::test]
async fn prune_every_class_postgres() {
    every_class(Backend::Postgres).await;
}

#[tokio::test]
async fn prune_every_class_mariadb() {
    every_class(Backend::MariaDb).await;
}

/// `n` updates of distinct instances, a second apart from `base`.
fn updates(base: i64, n: i64) -> Vec<(&'static str, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let at = base + i * 1_000_000;
            let body = nova(
                "compute.instance.update",
                &format!("c-{i}"),
                "r",
                at,
                json!({}),
            );
            ("monitor.info", body)
        })
        .collect()
}

/// 30 old and 5 new events; pruned 7 rows at a time.
async fn chunks(backend: Backend) {
    let db = TestDb::new(backend);
    let rows = Rows { db: &db, backend };
    let fx = Fixture::new(&db).await;
    let now = now_micros();
    fx.ingest(updates(now - 100 * DAY_US, 30)).await;
    fx.ingest(updates(now - DAY_US, 5)).await;
    let options = PruneOptions {
        chunk: 7,
        ..quick()
    };
    let cutoff = now - 90 * DAY_US;
    let dry_run = |max_pages| PruneOptions {
        dry_run: true,
        max_pages,
        ..options.clone()
    };
    let (full, first_two) = (dry_run(None), dry_run(Some(2)));
    let dry = fx.store.prune_step(Step::RawEvents, cutoff, &full).await;
    let dry = dry.unwrap();
    assert_eq!((dry.rows, dry.capped), (30, false));
    assert_eq!(rows.n("SELECT COUNT(*) FROM raw_events").await, 35);
    // A capped dry run says its count is a lower bound.
    let capped = fx
        .store
        .prune_step(Step::RawEvents, cutoff, &first_two)
        .await;
    let capped = capped.unwrap();
    assert_eq!((capped.rows, capped.capped), (14, true));
    let done = fx.store.prune_step(Step::RawEvents, cutoff, &options).await;
    let done = done.unwrap();
    assert_eq!(done.rows, 30);
    assert!(done.chunks >= 5, "{done:?}");
    assert_eq!(rows.n("SELECT COUNT(*) FROM raw_events").await, 5);
    let old = format!("SELECT COUNT(*) FROM raw_events WHERE when_us < {cutoff}");
    assert_eq!(rows.n(&old).await, 0);
}

#[tokio::test]
async fn prune_in_chunks_sqlite() {
    chunks(Backend::Sqlite).await;
}

#[tokio::test]
async fn prune_in_chunks_postgres() {
    chunks(Backend::Postgres).await;
}

#[tokio::test]
async fn prune_in_chunks_mariadb() {
    chunks(Backend::MariaDb).await;
}

/// A GET's status line and headers, lower-cased, and its body.
async fn get_with_head(port: u16, path: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.to_ascii_lowercase(), body.to_string())
}

/// Cursors into pruned events resume at the oldest kept one and say how many went.
async fn cursors(backend: Backend) {
    let db = TestDb::new(backend);
    let app = TestApp::spawn_with_billing(&db, Default::default()).await;
    let fx = Fixture::on(app.store.clone(), "cell-p").await;
    let now = now_micros();
    fx.ingest(updates(now - 100 * DAY_US, 10)).await;
    let first = app.store.oldest_event_id().await.unwrap().unwrap();
    fx.ingest(updates(now - 10_000_000, 3)).await;
    let gone = app
        .store
        .prune_step(Step::RawEvents, now - 90 * DAY_US, &quick())
        .await
        .unwrap();
    assert_eq!(gone.rows, 10);
    let oldest_kept = app.store.oldest_event_id().await.unwrap().unwrap();
    // Ids are given in commit order; the count is of the ids between the cursor and the
    // oldest kept event (10 here, more where MySQL skipped auto-increment values).
    let pruned = oldest_kept - first;
    assert!(pruned >= 10, "{pruned}");
    assert_live_feed_resumes(app.port, first - 1, oldest_kept).await;
    assert_watch_resumes(app.port, first - 1, oldest_kept).await;
    app.stop().await;
}

/// The live feed from `after`: a "pruned" frame, then the kept rows from `oldest_kept`.
async fn assert_live_feed_resumes(port: u16, after: i64, oldest_kept: i64) {
    let url = format!("ws://127.0.0.1:{port}/live/ws?after={after}");
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    let mut frames = Vec::new();
    while frames.len() < 2 {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("a frame")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            frames.push(serde_json::from_str::<Value>(&text).unwrap());
        }
    }
    let pruned = oldest_kept - 1 - after;
    let expected = json!({"type": "pruned", "pruned": pruned, "resume_after": oldest_kept - 1});
    assert_eq!(frames[0], expected);
    assert_eq!(frames[1]["type"], "rows");
    let rows = frames[1]["rows"].as_array().unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0], oldest_kept);
}

/// `/stacky/watch` from `id:<after>`: v2's three elements, the pruned count in a header; a
/// cursor at the oldest kept event gets no header.
async fn assert_watch_resumes(port: u16, after: i64, oldest_kept: i64) {
    let (head, body) = get_with_head(port, &format!("/stacky/watch/0/?since=id:{after}")).await;
    assert!(
        head.starts_with("http/1.0 200") || head.starts_with("http/1.1 200"),
        "{head}"
    );
    let pruned = oldest_kept - 1 - after;
    let header = format!("x-stacktach-pruned: {pruned}");
    assert!(head.contains(&header), "{head}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[1].as_array().unwrap().len(), 3, "{body}");
    let kept = format!("/stacky/watch/0/?since=id:{oldest_kept}");
    let (head, _) = get_with_head(port, &kept).await;
    assert!(!head.contains("x-stacktach-pruned"), "{head}");
}

#[tokio::test]
async fn pruned_cursors_resume_sqlite() {
    cursors(Backend::Sqlite).await;
}

#[tokio::test]
async fn pruned_cursors_resume_postgres() {
    cursors(Backend::Postgres).await;
}

#[tokio::test]
async fn pruned_cursors_resume_mariadb() {
    cursors(Backend::MariaDb).await;
}

/// `serve` and `worker` prune on a schedule (here: first run after 50 ms) until shutdown; a
/// policy that prunes nothing starts no schedule (PostgreSQL: one that only keeps the coming
/// days' raw_events partitions).
async fn scheduled(backend: Backend) {
    let db = TestDb::new(backend);
    let rows = Rows { db: &db, backend };
    let fx = Fixture::new(&db).await;
    let now = now_micros();
    fx.ingest(updates(now - 100 * DAY_US, 4)).await;
    fx.ingest(updates(now - DAY_US, 2)).await;
    let stop_off = CancellationToken::new();
    let off = run_schedule_every(
        fx.store.clone(),
        Policy::off(),
        Duration::ZERO,
        Duration::from_secs(3_600),
        stop_off.clone(),
    );
    if let Backend::Postgres = backend {
        // PostgreSQL: the schedule still creates the coming days' raw_events partitions.
        let off = tokio::spawn(off);
        let last = day_name(day_start(now) + DAYS_AHEAD * DAY_US);
        eventually(20, "the partitions created ahead", || async {
            let partitions = fx.store.raw_event_partitions().await.unwrap();
            partitions.iter().any(|p| p.name == last)
        })
        .await;
        stop_off.cancel();
        tokio::time::timeout(Duration::from_secs(10), off)
            .await
            .expect("the schedule stops on shutdown")
            .expect("no panic");
    } else {
        tokio::time::timeout(Duration::from_secs(5), off)
            .await
            .expect("an empty policy schedules nothing");
    }
    let shutdown = CancellationToken::new();
    let every = Duration::from_secs(3_600);
    let schedule = run_schedule_every(
        fx.store.clone(),
        Policy::default(),
        Duration::from_millis(50),
        every,
        shutdown.clone(),
    );
    let task = tokio::spawn(schedule);
    eventually(20, "the scheduled prune", || async {
        rows.n("SELECT COUNT(*) FROM raw_events").await == 2
    })
    .await;
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the schedule stops on shutdown")
        .expect("no panic");
}

#[tokio::test]
async fn scheduled_prune_sqlite() {
    scheduled(Backend::Sqlite).await;
}

#[tokio::test]
async fn scheduled_prune_postgres() {
    scheduled(Backend::Postgres).await;
}

#[tokio::test]
async fn scheduled_prune_mariadb() {
    scheduled(Backend::MariaDb).await;
}
