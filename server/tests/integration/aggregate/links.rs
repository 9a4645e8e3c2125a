//! Cross-operation links: an end-of-day exists finds the usage and the delete of its launch;
//! redelivered batches aggregate nothing twice.

use serde_json::json;

use super::render::{format_micros, render};
use super::{bodies, last, micros, Setup, BASE};
use crate::helpers::Backend;

/// create → end-of-day exists → delete on one instance: the exists links the usage, the
/// delete row prefers `terminated_at`, and a second exists after the delete links the delete.
async fn create_exists_delete(backend: Backend) {
    let setup = Setup::new(backend).await;
    let instance = "33333333-2222-4333-8444-555555555555";
    let create = render("compute.instance.create.start_24.json", 3, instance, BASE);
    let launched = last(&create, "compute.instance.create.end").text("/payload/launched_at");
    let mut exists = render("eod_exists.json", 30, instance, BASE + 86_400_000_000);
    exists[0].body["payload"]["launched_at"] = json!(format_micros(micros(&launched) - 300_000));
    let delete = render(
        "compute.instance.delete.start_8.json",
        31,
        instance,
        BASE + 2 * 86_400_000_000,
    );
    let mut all = bodies(&create);
    all.extend(bodies(&exists));
    all.extend(delete.iter().map(|r| {
        let mut body = r.body.clone();
        if body["payload"].get("launched_at").is_some() {
            body["payload"]["launched_at"] = json!(launched);
        }
        body
    }));
    let mut late = exists[0].body.clone();
    late["message_id"] = json!("late-exists");
    late["payload"]["deleted_at"] = json!(format_micros(BASE + 2 * 86_400_000_000));
    all.push(late);
    assert_eq!(setup.ingest("nova", &all, 10).await, all.len());

    let store = &setup.store;
    let usage = &store.instance_usages(instance).await.unwrap()[0];
    let deletes = store.instance_deletes(instance).await.unwrap();
    assert_eq!(deletes.len(), 1);
    let delete_end = last(&delete, "compute.instance.delete.end");
    let terminated = delete_end.text("/payload/terminated_at");
    let expected_deleted = if terminated.is_empty() {
        delete_end.text("/payload/deleted_at")
    } else {
        terminated
    };
    assert_eq!(deletes[0].1, micros(&launched));
    assert_eq!(deletes[0].2, Some(micros(&expected_deleted)));

    let rows = store.instance_exists(instance).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].usage_id,
        Some(usage.id),
        "launched within a second of the usage"
    );
    assert_eq!((rows[0].delete_id, rows[0].deleted_at), (None, None));
    assert_eq!(rows[1].delete_id, Some(deletes[0].0));
    assert_eq!(rows[1].bandwidth_public_out, rows[0].bandwidth_public_out);
}

#[tokio::test]
async fn sqlite_create_exists_delete() {
    create_exists_delete(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_create_exists_delete() {
    create_exists_delete(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_create_exists_delete() {
    create_exists_delete(Backend::MariaDb).await;
}

/// Redelivering whole batches stores nothing and aggregates nothing a second time.
async fn redelivery_aggregates_nothing_twice(backend: Backend) {
    let setup = Setup::new(backend).await;
    let seq = render(
        "compute.instance.create.start_24.json",
        4,
        "44444444-2222-4333-8444-555555555555",
        BASE,
    );
    let resize = render(
        "compute.instance.resize.prep.start_24.json",
        40,
        "44444444-2222-4333-8444-555555555555",
        BASE + 3_600_000_000,
    );
    let mut all = bodies(&seq);
    all.extend(bodies(&resize));
    setup.ingest("nova", &all, 9).await;
    let before = setup.store.aggregate_counts().await.unwrap();
    let tracker = setup
        .store
        .request_tracker(seq[0].body["_context_request_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(setup.ingest("nova", &all, 9).await, 0, "all duplicates");
    assert_eq!(setup.ingest("nova", &all, 500).await, 0, "all duplicates");
    assert_eq!(setup.store.aggregate_counts().await.unwrap(), before);
    let again = setup
        .store
        .request_tracker(seq[0].body["_context_request_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(again, tracker);
    // lifecycles, timings, trackers, usages and exists were written (this workload deletes nothing).
    assert_eq!(
        before.iter().map(|&n| n > 0).collect::<Vec<_>>()[..6],
        [true, true, true, true, false, true],
        "{before:?}"
    );
}

#[tokio::test]
async fn sqlite_redelivery_aggregates_nothing_twice() {
    redelivery_aggregates_nothing_twice(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_redelivery_aggregates_nothing_twice() {
    redelivery_aggregates_nothing_twice(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_redelivery_aggregates_nothing_twice() {
    redelivery_aggregates_nothing_twice(Backend::MariaDb).await;
}
