//! PostgreSQL's time partitions of `raw_events` (migration 0014): a database with events
//! converted in place, the day partitions created ahead and filled by ingest, retention
//! dropping expired partitions (their referenced events and image meta kept), a month of
//! expired days merged, and ingest running while a partition is replaced.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use app::model::{format_micros, now_micros, Micros};
use serde_json::{json, Value};
use server::retention::DAY_US;
use server::store::partitions::{day_name, day_start, month_name, month_of, Bounds};
use server::store::prune::{PartitionAction, PartitionOutcome, PruneOptions, Step, TableOutcome};
use server::store::Store;
use sqlx::{Connection, PgConnection};

use crate::helpers::{
    deployments, eventually, nova_deployment, publish, Backend, TestApp, TestDb, TestVhost,
};
use crate::web_queries::Fixture;

const SEC: i64 = 1_000_000;

async fn connect(db: &TestDb) -> PgConnection {
    PgConnection::connect(&db.url).await.expect("connect")
}

async fn exec(db: &TestDb, sql: &str) {
    sqlx::query(sql)
        .execute(&mut connect(db).await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn n(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&mut connect(db).await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn text(db: &TestDb, sql: &str) -> Option<String> {
    sqlx::query_scalar(sql)
        .fetch_one(&mut connect(db).await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The partitions of `raw_events`, by name, as the catalog lists them.
async fn children(db: &TestDb) -> HashSet<String> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         WHERE i.inhparent = 'raw_events'::regclass",
    )
    .fetch_all(&mut connect(db).await)
    .await
    .unwrap();
    names.into_iter().collect()
}

/// The partition holding event `id`.
async fn partition_of(db: &TestDb, id: i64) -> String {
    text(
        db,
        &format!("SELECT tableoid::regclass::text FROM raw_events WHERE id = {id}"),
    )
    .await
    .unwrap_or_default()
}

/// A table of that name exists (attached or not).
async fn table_exists(db: &TestDb, name: &str) -> bool {
    text(db, &format!("SELECT to_regclass('{name}')::text"))
        .await
        .is_some()
}

/// A nova notification `message_id` of `instance` at `at`, its payload extended by `extra`.
fn nova(event: &str, instance: &str, at: i64, message_id: &str, extra: Value) -> Vec<u8> {
    let mut payload = json!({"instance_id": instance, "tenant_id": "t1", "state": "active",
                             "instance_type_id": "2", "instance_flavor_id": "m1"});
    payload
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"event_type": event, "publisher_id": "compute.h1",
           "timestamp": format_micros(Micros(at)), "message_id": message_id,
           "_context_request_id": format!("req-{message_id}"), "payload": payload})
    .to_string()
    .into_bytes()
}

/// An update of `instance` at `at` carrying image meta (so it has a `raw_image_meta` row).
fn update(instance: &str, at: i64) -> (&'static str, Vec<u8>) {
    let meta = json!({"image_meta": {"org.openstack__1__architecture": "x86_64"}});
    let id = uuid::Uuid::new_v4().to_string();
    let body = nova("compute.instance.update", instance, at, &id, meta);
    ("monitor.info", body)
}

/// An exists of `instance` for the day before `at`, with image meta: its `instance_exists`
/// row (pending) keeps the event past the events horizon.
fn exists(instance: &str, at: i64) -> (&'static str, Vec<u8>) {
    let extra = json!({"launched_at": format_micros(Micros(at - DAY_US)),
                       "audit_period_beginning": format_micros(Micros(at - DAY_US)),
                       "audit_period_ending": format_micros(Micros(at)),
                       "image_meta": {"org.openstack__1__architecture": "x86_64"}});
    let id = uuid::Uuid::new_v4().to_string();
    let body = nova("compute.instance.exists", instance, at, &id, extra);
    ("monitor.info", body)
}

/// Migrations 0001–0013 only: a database as it was before partitioning.
async fn migrate_to_0013(db: &TestDb) {
    let mut migrator = sqlx::migrate::Migrator::new(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/postgres"
    )))
    .await
    .expect("migrations");
    let before: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= 13)
        .cloned()
        .collect();
    assert_eq!(before.len(), 13);
    migrator.migrations = Cow::Owned(before);
    let pool = sqlx::PgPool::connect(&db.url).await.expect("pool");
    migrator.run(&pool).await.expect("0001-0013");
    pool.close().await;
}

/// A fresh database: no legacy partition, so days of the past get partitions of their own.
async fn store_without_legacy(db: &TestDb) -> Fixture {
    let fx = Fixture::new(db).await;
    // A new database keeps no legacy partition: the migration drops it while it is empty.
    assert!(!table_exists(db, "raw_events_legacy").await);
    fx
}

fn quick() -> PruneOptions {
    PruneOptions {
        pause: Duration::ZERO,
        busy_share: 1.0,
        ..PruneOptions::default()
    }
}

async fn prune_events(store: &Store, cutoff: i64, options: &PruneOptions) -> TableOutcome {
    store
        .prune_step(Step::RawEvents, cutoff, options)
        .await
        .expect("prune")
}

/// Events of a database at migration 0013: (dedupe key, time).
fn pre_partition_rows(now: i64) -> [(&'static str, i64); 4] {
    [
        ("m-old", now - 200 * DAY_US),
        ("m-ref", now - 199 * DAY_US),
        ("m-now", now - 3_600 * SEC),
        ("m-future", now + 3 * DAY_US),
    ]
}

/// Stores `rows` (deployment `cell-p`) in a database at 0013, the second one with image meta
/// and an exists pointing at it; answers their ids.
async fn seed_0013(db: &TestDb, rows: &[(&str, i64)]) -> Vec<i64> {
    exec(db, "INSERT INTO deployments (name) VALUES ('cell-p')").await;
    let mut ids = Vec::new();
    for (key, at) in rows {
        let insert = format!(
            "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, \
             service, host, when_us, request_id, instance, message_id, dedupe_key, received_us, \
             json) VALUES (1, 'nova', 'monitor.info', 'compute.instance.update', 'compute.h1', \
             'compute', 'h1', {at}, 'r', 'i-conv', '{key}', '{key}', {at}, '{{}}') RETURNING id"
        );
        ids.push(n(db, &insert).await);
    }
    let reference = ids[1];
    let meta = format!(
        "INSERT INTO raw_image_meta (raw_id, os_architecture) VALUES ({reference}, 'x86_64')"
    );
    exec(db, &meta).await;
    let exists = format!(
        "INSERT INTO instance_exists (instance, launched_at, audit_period_beginning, \
         audit_period_ending, raw_id) VALUES ('i-conv', 0, 0, 1, {reference})"
    );
    exec(db, &exists).await;
    ids
}

/// Every converted event keeps its id, time and key, readable by id and by time; the
/// referenced one keeps its exists and image meta.
async fn assert_converted(db: &TestDb, store: &Store, rows: &[(&str, i64)], ids: &[i64]) {
    let kind = "SELECT relkind::text FROM pg_class WHERE relname = 'raw_events'";
    assert_eq!(text(db, kind).await.as_deref(), Some("p"));
    for ((key, at), id) in rows.iter().zip(ids) {
        let by_id = format!("SELECT dedupe_key FROM raw_events WHERE id = {id} AND when_us = {at}");
        assert_eq!(text(db, &by_id).await.as_deref(), Some(*key));
        let by_time = format!("SELECT id FROM raw_events WHERE when_us = {at}");
        assert_eq!(n(db, &by_time).await, *id);
    }
    assert_eq!(
        store.existing_event_ids(ids).await.unwrap().len(),
        ids.len()
    );
    let joined = "SELECT COUNT(*) FROM instance_exists x JOIN raw_events e ON e.id = x.raw_id \
                  JOIN raw_image_meta m ON m.raw_id = e.id";
    assert_eq!(n(db, joined).await, 1);
    assert_eq!(partition_of(db, ids[0]).await, "raw_events_legacy");
    assert_eq!(partition_of(db, ids[2]).await, "raw_events_legacy");
}

#[tokio::test]
async fn converting_keeps_every_event_readable_and_deduplicated() {
    let db = TestDb::new(Backend::Postgres);
    migrate_to_0013(&db).await;
    let now = now_micros();
    let rows = pre_partition_rows(now);
    let ids = seed_0013(&db, &rows).await;
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("0014");
    assert_converted(&db, &store, &rows, &ids).await;
    // Stamped after the legacy range: in the default partition, then moved into its day's
    // partition when that is created.
    assert_eq!(partition_of(&db, ids[3]).await, "raw_events_default");
    let ensured = store.ensure_partitions(now).await.unwrap();
    let future_day = day_name(day_start(now + 3 * DAY_US));
    assert!(ensured.created.contains(&future_day), "{ensured:?}");
    assert_eq!(ensured.moved, 1);
    assert_eq!(partition_of(&db, ids[3]).await, future_day);

    // A redelivery of a converted event is still refused; a new event gets the next id.
    let fx = Fixture::on(store.clone(), "cell-p").await;
    let update = "compute.instance.update";
    let redelivered = nova(update, "i-conv", rows[2].1, "m-now", json!({}));
    let new = nova(update, "i-conv", now, "m-new", json!({}));
    fx.ingest(vec![("monitor.info", redelivered), ("monitor.info", new)])
        .await;
    let copies = "SELECT COUNT(*) FROM raw_events WHERE dedupe_key = 'm-now'";
    assert_eq!(n(&db, copies).await, 1);
    let new_id = n(&db, "SELECT id FROM raw_events WHERE dedupe_key = 'm-new'").await;
    let newest_old = *ids.iter().max().unwrap();
    assert!(new_id > newest_old, "{new_id} after {ids:?}");
    store.close().await;
}

#[tokio::test]
async fn ingest_lands_in_day_partitions_created_ahead_idempotently() {
    let db = TestDb::new(Backend::Postgres);
    let fx = Fixture::new(&db).await;
    let now = now_micros();
    let first = fx.store.ensure_partitions(now).await.unwrap();
    let ahead: Vec<String> = (1..=7)
        .map(|d| day_name(day_start(now) + d * DAY_US))
        .collect();
    let all = children(&db).await;
    for day in &ahead {
        assert!(all.contains(day), "{day} missing from {all:?}");
    }
    assert!(first.skipped.is_empty(), "{first:?}");
    let again = fx.store.ensure_partitions(now).await.unwrap();
    assert!(again.created.is_empty(), "{again:?}");
    assert_eq!(children(&db).await, all);
    // Each partition has its own primary key on id.
    let pkey = format!(
        "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = '{}'::regclass",
        ahead[1]
    );
    assert_eq!(n(&db, &pkey).await, 1);

    let at = day_start(now) + 2 * DAY_US + 3_600 * SEC;
    fx.ingest(vec![update("i-day", at)]).await;
    let id = n(&db, "SELECT id FROM raw_events WHERE instance = 'i-day'").await;
    assert_eq!(partition_of(&db, id).await, day_name(day_start(at)));
    assert_eq!(
        n(
            &db,
            &format!("SELECT COUNT(*) FROM raw_image_meta WHERE raw_id = {id}")
        )
        .await,
        1
    );
}

/// The outcome of partition `name`.
fn of(o: &TableOutcome, name: &str) -> PartitionOutcome {
    o.partitions
        .iter()
        .find(|p| p.partition == name)
        .cloned()
        .unwrap_or_else(|| panic!("{name} not in {o:?}"))
}

/// Two expired days (`then`: five updates and an exists, the day after: three updates, all
/// with image meta) and two current events; answers the exists notification.
async fn seed_two_expired_days(fx: &Fixture, then: i64, now: i64) -> (&'static str, Vec<u8>) {
    let mut old: Vec<_> = (0..5).map(|i| update("i-a", then + i * SEC)).collect();
    let referenced = exists("i-ref", then + 10 * SEC);
    old.push(referenced.clone());
    old.extend((0..3).map(|i| update("i-b", then + DAY_US + i * SEC)));
    fx.ingest(old).await;
    let current = |at, id| nova("compute.instance.update", "i-now", at, id, json!({}));
    fx.ingest(vec![
        ("monitor.info", current(now - SEC, "n1")),
        ("monitor.info", current(now, "n2")),
    ])
    .await;
    referenced
}

/// A dry run says per partition what would go, and changes nothing.
async fn assert_dry_run(fx: &Fixture, db: &TestDb, cutoff: i64, day_a: &str, day_b: &str) {
    let dry = PruneOptions {
        dry_run: true,
        ..quick()
    };
    let outcome = prune_events(&fx.store, cutoff, &dry).await;
    let a = of(&outcome, day_a);
    assert_eq!((a.rows, a.kept), (5, 1));
    assert!(a.bytes > 0);
    let into = Some(day_a.to_owned());
    assert_eq!(a.action, PartitionAction::WouldGo { into });
    let b = of(&outcome, day_b);
    let would_drop = PartitionAction::WouldGo { into: None };
    assert_eq!((b.rows, b.kept, b.action), (3, 0, would_drop));
    assert_eq!(outcome.rows, 8);
    assert_eq!(n(db, "SELECT COUNT(*) FROM raw_events").await, 11);
    assert!(children(db).await.contains(day_b));
}

/// After the prune: day B's partition is gone, table and all; day A's is a new table holding
/// only the referenced event, still readable by id, with its image meta.
async fn assert_replaced(fx: &Fixture, db: &TestDb, reference: i64, day_a: &str, day_b: &str) {
    let left = children(db).await;
    assert!(!left.contains(day_b) && left.contains(day_a), "{left:?}");
    assert!(!table_exists(db, day_b).await);
    assert!(!table_exists(db, &format!("{day_a}_new")).await);
    assert_eq!(n(db, &format!("SELECT COUNT(*) FROM {day_a}")).await, 1);
    assert_eq!(partition_of(db, reference).await, day_a);
    let found = fx.store.existing_event_ids(&[reference]).await.unwrap();
    assert_eq!(found.len(), 1);
    let meta = format!("SELECT COUNT(*) FROM raw_image_meta WHERE raw_id = {reference}");
    assert_eq!(n(db, &meta).await, 1);
    let orphans = "SELECT COUNT(*) FROM raw_image_meta m \
                   WHERE NOT EXISTS (SELECT 1 FROM raw_events e WHERE e.id = m.raw_id)";
    assert_eq!(n(db, orphans).await, 0);
    assert_eq!(n(db, "SELECT COUNT(*) FROM raw_events").await, 3);
    let unique = format!(
        "SELECT COUNT(*) FROM pg_index WHERE indisunique AND indrelid = '{day_a}'::regclass"
    );
    assert_eq!(n(db, &unique).await, 2, "primary key and dedupe index");
}

#[tokio::test]
async fn prune_drops_expired_partitions_and_keeps_referenced_events() {
    let db = TestDb::new(Backend::Postgres);
    let fx = store_without_legacy(&db).await;
    let now = now_micros();
    let then = day_start(now - 100 * DAY_US);
    fx.store.ensure_partitions(then).await.unwrap();
    fx.store.ensure_partitions(now).await.unwrap();
    let (day_a, day_b) = (day_name(then), day_name(then + DAY_US));
    let referenced = seed_two_expired_days(&fx, then, now).await;
    let reference = n(
        &db,
        "SELECT raw_id FROM instance_exists WHERE instance = 'i-ref'",
    )
    .await;
    assert_eq!(partition_of(&db, reference).await, day_a);
    assert_eq!(n(&db, "SELECT COUNT(*) FROM raw_image_meta").await, 9);
    let cutoff = now - 90 * DAY_US;
    assert_dry_run(&fx, &db, cutoff, &day_a, &day_b).await;

    let done = prune_events(&fx.store, cutoff, &quick()).await;
    assert_eq!(done.rows, 8, "{done:?}");
    let into = day_a.clone();
    assert_eq!(of(&done, &day_a).action, PartitionAction::Replaced { into });
    assert_eq!(of(&done, &day_b).action, PartitionAction::Dropped);
    assert_replaced(&fx, &db, reference, &day_a, &day_b).await;
    // The live feed's cursor resumes at the oldest kept event: the referenced one.
    assert_eq!(fx.store.oldest_event_id().await.unwrap(), Some(reference));
    // A redelivery of the kept event meets it in its new partition.
    fx.ingest(vec![referenced]).await;
    assert_eq!(n(&db, "SELECT COUNT(*) FROM raw_events").await, 3);

    // Nothing more to do: the replaced partition's only event is referenced.
    let again = prune_events(&fx.store, cutoff, &quick()).await;
    assert_eq!((again.rows, again.partitions.len()), (0, 0), "{again:?}");
}

#[tokio::test]
async fn a_wholly_expired_month_becomes_one_partition() {
    let db = TestDb::new(Backend::Postgres);
    let fx = store_without_legacy(&db).await;
    let now = now_micros();
    let (start, end) = month_of(now - 150 * DAY_US);
    let mut day = start;
    while day < end {
        fx.store.ensure_partitions(day).await.unwrap();
        day += 7 * DAY_US;
    }
    fx.store.ensure_partitions(end - DAY_US).await.unwrap();
    fx.ingest(vec![
        exists("i-month", start + 3 * DAY_US),
        update("i-month", start + 10 * DAY_US),
    ])
    .await;
    let reference = n(
        &db,
        "SELECT raw_id FROM instance_exists WHERE instance = 'i-month'",
    )
    .await;
    let done = prune_events(&fx.store, now - 90 * DAY_US, &quick()).await;
    assert_eq!(done.rows, 1, "{done:?}");
    let month = month_name(start);
    let days = ((end - start) / DAY_US) as usize;
    let into_month = done
        .partitions
        .iter()
        .filter(|p| {
            p.action
                == PartitionAction::Replaced {
                    into: month.clone(),
                }
        })
        .count();
    assert_eq!(into_month, days, "{done:?}");
    let left = children(&db).await;
    assert!(left.contains(&month), "{left:?}");
    assert!(!left.contains(&day_name(start)) && !left.contains(&day_name(end - DAY_US)));
    let bounds = fx.store.raw_event_partitions().await.unwrap();
    let merged = bounds.iter().find(|p| p.name == month).unwrap();
    assert_eq!(
        merged.bounds,
        Bounds::Range {
            from: Some(start),
            to: Some(end)
        }
    );
    assert_eq!(partition_of(&db, reference).await, month);
    assert_eq!(n(&db, "SELECT COUNT(*) FROM raw_events").await, 1);
    // The empty expired days around the month went too; the next run has nothing to do.
    assert!(!left.contains(&day_name(end)), "{left:?}");
    let again = prune_events(&fx.store, now - 90 * DAY_US, &quick()).await;
    assert!(again.partitions.is_empty(), "{again:?}");
}

#[tokio::test]
async fn a_swap_whose_locks_are_busy_is_left_for_the_next_run() {
    let db = TestDb::new(Backend::Postgres);
    let fx = store_without_legacy(&db).await;
    let now = now_micros();
    let then = day_start(now - 100 * DAY_US);
    fx.store.ensure_partitions(then).await.unwrap();
    let day = day_name(then);
    fx.ingest(vec![
        update("i-busy", then + SEC),
        exists("i-busy", then + 2 * SEC),
    ])
    .await;
    // Another session writes to the partition (an ingest batch with a late event, still
    // open): the swap cannot lock it against inserts within its lock timeout.
    let mut writer = connect(&db).await;
    sqlx::query("BEGIN").execute(&mut writer).await.unwrap();
    let lock = format!("LOCK TABLE {day} IN ROW EXCLUSIVE MODE");
    sqlx::query(&lock).execute(&mut writer).await.unwrap();
    let started = std::time::Instant::now();
    let busy = prune_events(&fx.store, now - 90 * DAY_US, &quick()).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "waited {:?}",
        started.elapsed()
    );
    let p = of(&busy, &day);
    assert_eq!(
        (p.action, p.rows, busy.rows),
        (PartitionAction::Postponed, 0, 0)
    );
    assert!(children(&db).await.contains(&day));
    assert!(!table_exists(&db, &format!("{day}_new")).await);
    assert_eq!(n(&db, &format!("SELECT COUNT(*) FROM {day}")).await, 2);
    sqlx::query("ROLLBACK").execute(&mut writer).await.unwrap();

    let done = prune_events(&fx.store, now - 90 * DAY_US, &quick()).await;
    let into = day.clone();
    assert_eq!(of(&done, &day).action, PartitionAction::Replaced { into });
    assert_eq!(done.rows, 1);
    assert_eq!(n(&db, "SELECT COUNT(*) FROM raw_events").await, 1);
}

/// 20,000 events of the expired day `then` (deployment `deployment`) with image meta, one
/// of them referenced by an exists; answers that one's id.
async fn seed_expired_day(db: &TestDb, deployment: &str, then: i64) -> i64 {
    let insert = format!(
        "INSERT INTO raw_events (deployment_id, exchange, routing_key, event, publisher, service, \
         when_us, request_id, dedupe_key, received_us, json) \
         SELECT d.id, 'nova', 'monitor.info', 'compute.instance.update', 'p', 'compute', \
         {then} + g, 'r', 'old-' || g, 0, '{{}}' FROM generate_series(1, 20000) g, \
         (SELECT id FROM deployments WHERE name = '{deployment}') d"
    );
    exec(db, &insert).await;
    let meta = "INSERT INTO raw_image_meta (raw_id, os_architecture) \
                SELECT id, 'x86_64' FROM raw_events WHERE dedupe_key LIKE 'old-%'";
    exec(db, meta).await;
    let reference = n(db, "SELECT MIN(id) FROM raw_events").await;
    let exists = format!(
        "INSERT INTO instance_exists (instance, launched_at, audit_period_beginning, \
         audit_period_ending, raw_id) VALUES ('i-s', 0, 0, 1, {reference})"
    );
    exec(db, &exists).await;
    reference
}

/// Messages published together: (routing key, body).
type Batch = Vec<(&'static str, Vec<u8>)>;

/// 40 batches of 10 current events each (their message ids) and a late exists of `then`
/// (referenced by its own `instance_exists` row, so it must survive the swap).
fn live_batches(now: i64, then: i64) -> (Vec<String>, Vec<Batch>) {
    let update = "compute.instance.update";
    let mut ids = Vec::new();
    let mut batches = Vec::new();
    for b in 0..40 {
        let mut batch = Vec::new();
        for i in 0..10 {
            let id = format!("live-{b}-{i}");
            let body = nova(update, "i-live", now + b * SEC + i, &id, json!({}));
            batch.push(("monitor.info", body));
            ids.push(id);
        }
        batch.push(exists(&format!("i-late-{b}"), then + 30_000 + b));
        batches.push(batch);
    }
    (ids, batches)
}

/// Prunes until the partition `day` was replaced (a run may find its locks busy). The image
/// meta goes 1,000 rows at a time 50 ms apart: about a second between the copy and the swap
/// for late events to arrive in.
async fn prune_until_replaced(store: &Store, cutoff: i64, day: &str) {
    let replaced = PartitionAction::Replaced {
        into: day.to_owned(),
    };
    let slow = PruneOptions {
        chunk: 1_000,
        pause: Duration::from_millis(50),
        ..PruneOptions::default()
    };
    for _ in 0..10 {
        let outcome = prune_events(store, cutoff, &slow).await;
        if outcome
            .partitions
            .iter()
            .any(|p| p.partition == day && p.action == replaced)
        {
            return;
        }
    }
    panic!("the expired partition {day} was never replaced");
}

#[tokio::test]
async fn ingest_during_a_partition_swap_loses_nothing() {
    let db = TestDb::new(Backend::Postgres);
    let vhost = TestVhost::new();
    let cell = nova_deployment("cell-s", &vhost.name, 5672);
    let app = TestApp::spawn(&db, deployments(&format!(r#"{{"deployments": [{cell}]}}"#))).await;
    app.wait_connected("cell-s").await;
    let now = now_micros();
    let then = day_start(now - 100 * DAY_US);
    app.store.ensure_partitions(then).await.unwrap();
    app.store.ensure_partitions(now).await.unwrap();
    let reference = seed_expired_day(&db, "cell-s", then).await;

    // Publish 400 current events (and late ones of the expired day) while the prune runs.
    let (ids, batches) = live_batches(now, then);
    let publisher = tokio::spawn(async move {
        for batch in batches {
            publish(&vhost, "nova", &batch).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        vhost
    });
    let day = day_name(then);
    prune_until_replaced(&app.store, now - 90 * DAY_US, &day).await;
    let _vhost = publisher.await.expect("publisher");
    let store = app.store.clone();
    let wanted = ids.clone();
    eventually(30, "every published event stored", || {
        let (store, wanted) = (store.clone(), wanted.clone());
        async move { store.count_events_with_message_ids(&wanted).await.unwrap() == 400 }
    })
    .await;
    let live = "SELECT COUNT(*) FROM raw_events WHERE instance = 'i-live'";
    assert_eq!(n(&db, live).await, 400, "each stored once");
    // The referenced expired events survived the swap, the late ones too (whether they came
    // before the copy, between the copy and the swap, or after it); the unreferenced went.
    assert_eq!(partition_of(&db, reference).await, day);
    let late = "SELECT COUNT(*) FROM instance_exists x JOIN raw_events e ON e.id = x.raw_id \
                WHERE x.instance LIKE 'i-late-%'";
    eventually(30, "every late exists stored", || async {
        n(&db, late).await == 40
    })
    .await;
    let dangling = "SELECT COUNT(*) FROM instance_exists x \
                    WHERE NOT EXISTS (SELECT 1 FROM raw_events e WHERE e.id = x.raw_id)";
    assert_eq!(n(&db, dangling).await, 0);
    let orphans = "SELECT COUNT(*) FROM raw_image_meta m \
                   WHERE NOT EXISTS (SELECT 1 FROM raw_events e WHERE e.id = m.raw_id)";
    assert_eq!(n(&db, orphans).await, 0);
    let old = "SELECT COUNT(*) FROM raw_events WHERE dedupe_key LIKE 'old-%'";
    assert_eq!(n(&db, old).await, 1);
    app.stop().await;
}
