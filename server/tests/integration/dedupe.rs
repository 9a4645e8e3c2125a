//! Redelivery through `Ingestor::ingest` on every backend: which events of a batch are new,
//! and that every new event's id is the id of its own row (SQLite derives the ids of a
//! multi-row INSERT from the last one, so a skipped duplicate must not shift them).

use server::ingest::Incoming;
use server::store::Committed;

use crate::aggregate::Setup;
use crate::helpers::{nova_notification, Backend};

fn incoming(body: &[u8]) -> Incoming {
    Incoming {
        routing_key: "monitor.info".into(),
        body: body.to_vec(),
    }
}

/// The message id of `body` again, five minutes later: another message, not a redelivery.
fn same_id_later(body: &[u8]) -> Vec<u8> {
    let later = String::from_utf8(body.to_vec())
        .unwrap()
        .replace("10:00:00.123456", "10:05:00.000000")
        .into_bytes();
    assert_ne!(later, body);
    later
}

/// Every new event of `second` is the row of its own batch index.
async fn assert_new_rows_are_their_own(
    s: &Setup,
    second: &Committed,
    expected: &[(&String, &str)],
) {
    for &(i, id) in &second.inserted {
        let (row, columns) = s.store.event_detail(id).await.unwrap().expect("stored");
        let (message_id, instance) = expected[i];
        assert_eq!(
            row.instance, instance,
            "id {id} is the row of batch index {i}"
        );
        assert_eq!(columns.message_id.as_deref(), Some(message_id.as_str()));
    }
}

/// The later copy of `a` (new index 2 of the second batch) is a row of its own.
async fn assert_later_copy_has_its_own_time(s: &Setup, first: &Committed, second: &Committed) {
    let (earlier, _) = s
        .store
        .event_detail(first.inserted[0].1)
        .await
        .unwrap()
        .unwrap();
    let (later, _) = s
        .store
        .event_detail(second.inserted[2].1)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(earlier.when, later.when);
}

/// How many rows carry each message id.
async fn assert_stored_counts(s: &Setup, counts: [(Vec<String>, i64); 4]) {
    for (ids, stored) in counts {
        assert_eq!(
            s.store.count_events_with_message_ids(&ids).await.unwrap(),
            stored,
            "{ids:?}"
        );
    }
}

async fn new_events_keep_their_own_ids_among_duplicates(backend: Backend) {
    let s = Setup::new(backend).await;
    let (a_id, a) = nova_notification("compute.instance.update", "inst-a");
    let (b_id, b) = nova_notification("compute.instance.update", "inst-b");
    let (c_id, c) = nova_notification("compute.instance.update", "inst-c");
    let (d_id, d) = nova_notification("compute.instance.update", "inst-d");
    let a_later = same_id_later(&a);

    let first = s
        .ingestor
        .ingest(&s.deployment, "nova", &[incoming(&a), incoming(&b)])
        .await
        .unwrap();
    assert_eq!(first.inserted.len(), 2);
    assert_eq!(first.duplicates, 0);

    // b and a are redeliveries, the second c repeats one within the batch.
    let batch = [&c, &b, &d, &c, &a_later, &a].map(|body| incoming(body));
    let expected = [
        (&c_id, "inst-c"),
        (&b_id, "inst-b"),
        (&d_id, "inst-d"),
        (&c_id, "inst-c"),
        (&a_id, "inst-a"),
        (&a_id, "inst-a"),
    ];
    let second = s
        .ingestor
        .ingest(&s.deployment, "nova", &batch)
        .await
        .unwrap();
    let new: Vec<usize> = second.inserted.iter().map(|&(i, _)| i).collect();
    assert_eq!(new, [0, 2, 4], "c, d and the later a are new");
    assert_eq!(second.duplicates, 3);
    assert_new_rows_are_their_own(&s, &second, &expected).await;
    assert_later_copy_has_its_own_time(&s, &first, &second).await;

    assert_stored_counts(
        &s,
        [
            (vec![a_id], 2),
            (vec![b_id], 1),
            (vec![c_id], 1),
            (vec![d_id], 1),
        ],
    )
    .await;
}

#[tokio::test]
async fn sqlite_new_events_keep_their_own_ids_among_duplicates() {
    new_events_keep_their_own_ids_among_duplicates(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_new_events_keep_their_own_ids_among_duplicates() {
    new_events_keep_their_own_ids_among_duplicates(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_new_events_keep_their_own_ids_among_duplicates() {
    new_events_keep_their_own_ids_among_duplicates(Backend::MariaDb).await;
}
