//! `/metrics` and `/healthz` over a real socket after real deliveries, on SQLite, PostgreSQL and
//! MariaDB: the counters match what was published (new, duplicate, poison, acked), the histograms
//! are consistent, and HTTP requests are counted by route template and status.

use std::collections::BTreeMap;

use crate::api_v1::get_json;
use crate::helpers::*;

/// Every sample line as `series → value`; checks each family has HELP and TYPE first.
fn samples(text: &str) -> BTreeMap<String, f64> {
    let mut typed = Vec::new();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            typed.push(rest.split(' ').next().expect("name").to_string());
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series value");
        let name = series.split('{').next().expect("name");
        assert!(
            typed.iter().any(|t| name == t
                || name
                    .strip_prefix(t.as_str())
                    .is_some_and(|s| ["_bucket", "_sum", "_count"].contains(&s))),
            "{name} has no TYPE line before it"
        );
        out.insert(series.to_string(), value.parse().expect("number"));
    }
    out
}

/// Checks one histogram series: cumulative buckets, `+Inf` = count; returns (count, sum).
fn histogram(m: &BTreeMap<String, f64>, name: &str, labels: &str) -> (f64, f64) {
    let prefix = format!("{name}_bucket{{{labels},le=\"");
    let buckets: Vec<(f64, f64)> = m
        .iter()
        .filter_map(|(k, v)| {
            let le = k.strip_prefix(&prefix)?.strip_suffix("\"}")?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((le, *v))
        })
        .collect();
    assert!(buckets.len() > 2, "{name}{{{labels}}} buckets");
    let mut sorted = buckets;
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        sorted.windows(2).all(|w| w[0].1 <= w[1].1),
        "{name} is cumulative: {sorted:?}"
    );
    let count = m[&format!("{name}_count{{{labels}}}")];
    let sum = m[&format!("{name}_sum{{{labels}}}")];
    assert_eq!(
        sorted.last().map(|b| (b.0, b.1)),
        Some((f64::INFINITY, count))
    );
    (count, sum)
}

/// 12 new notifications and a poison message; then 3 of them again (redeliveries).
async fn deliver_new_poison_and_redelivered(vhost: &TestVhost, app: &TestApp) {
    let notes: Vec<(String, Vec<u8>)> = (0..12)
        .map(|_| nova_notification("compute.instance.update", "inst-met"))
        .collect();
    let mut first: Vec<(&str, Vec<u8>)> = notes
        .iter()
        .map(|(_, b)| ("monitor.info", b.clone()))
        .collect();
    first.push(("monitor.error", b"\xff\xfe not json".to_vec()));
    publish(vhost, "nova", &first).await;
    let ids: Vec<String> = notes.iter().map(|(id, _)| id.clone()).collect();
    let store = app.store.clone();
    eventually(20, "stored", || {
        let (store, ids) = (store.clone(), ids.clone());
        async move { store.count_events_with_message_ids(&ids).await.unwrap() == 12 }
    })
    .await;
    let again: Vec<(&str, Vec<u8>)> = notes[..3]
        .iter()
        .map(|(_, b)| ("monitor.info", b.clone()))
        .collect();
    publish(vhost, "nova", &again).await;
}

/// Some API traffic to count: two good lists, one event, one 404 and one 400.
async fn request_the_api(port: u16) {
    for path in [
        "/api/v1/events",
        "/api/v1/events?limit=2",
        "/api/v1/events/1",
        "/api/v1/events/424242",
        "/api/v1/events/x",
    ] {
        let _ = get_json(port, path).await;
    }
}

/// The ingest counters and histograms of one deployment's exchange after the deliveries.
fn assert_delivery_counters(m: &BTreeMap<String, f64>, text: &str, labels: &str) {
    let series = |family: &str| format!("{family}{{{labels}}}");
    assert_eq!(m[&series("stacktach_notifications_ingested_total")], 12.0);
    assert_eq!(m[&series("stacktach_notifications_duplicate_total")], 3.0);
    assert_eq!(m[&series("stacktach_notifications_quarantined_total")], 1.0);
    assert_eq!(m[&series("stacktach_messages_acked_total")], 16.0);
    let ack_frames = m[&series("stacktach_acks_total")];
    assert!(
        (1.0..=16.0).contains(&ack_frames),
        "{ack_frames} multiple-acks"
    );
    // Every delivery was in exactly one batch; one commit timing per batch.
    let (batches, messages) = histogram(m, "stacktach_batch_size", labels);
    assert_eq!(messages, 16.0);
    assert!((2.0..=16.0).contains(&batches), "{batches} batches");
    let (commits, seconds) = histogram(m, "stacktach_commit_duration_seconds", labels);
    assert_eq!(commits, batches);
    assert!(seconds > 0.0);
    assert!(
        !text.contains("stacktach_consumer_reconnects_total{"),
        "no reconnects happened"
    );
    assert_eq!(m["stacktach_live_subscribers"], 0.0);
    assert_eq!(m["stacktach_live_skipped_rows_total"], 0.0);
}

/// HTTP requests by route template (never the raw URL) and status.
fn assert_http_counters(m: &BTreeMap<String, f64>, text: &str) {
    let http = |route: &str, status: u16| {
        m.get(&format!(
            "stacktach_http_requests_total{{route=\"{route}\",method=\"GET\",status=\"{status}\"}}"
        ))
        .copied()
    };
    assert_eq!(http("/api/v1/events", 200), Some(2.0));
    assert_eq!(http("/api/v1/events/{id}", 200), Some(1.0));
    assert_eq!(http("/api/v1/events/{id}", 404), Some(1.0));
    assert_eq!(http("/api/v1/events/{id}", 400), Some(1.0));
    assert_eq!(http("/healthz", 200), Some(1.0));
    assert!(http("/metrics", 200).is_some_and(|n| n >= 1.0));
    assert!(!text.contains("424242"), "raw URLs never become labels");
    let (count, _) = histogram(
        m,
        "stacktach_http_request_duration_seconds",
        "route=\"/api/v1/events/{id}\"",
    );
    assert_eq!(count, 3.0);
}

async fn metrics_match(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let name = format!("cell-met-{}", unique());
    let file = deployments(&format!(
        r#"{{"deployments": [{}]}}"#,
        nova_deployment(&name, &vhost.name, 5672)
    ));
    let app = TestApp::spawn(&db, file).await;
    app.wait_connected(&name).await;
    let port = app.port;
    let (status, _, body) = http_get_typed(port, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));

    deliver_new_poison_and_redelivered(&vhost, &app).await;
    let labels = format!("deployment=\"{name}\",exchange=\"nova\"");
    // Acks follow the commit; wait until all 16 deliveries are acked.
    let acked = format!("stacktach_messages_acked_total{{{labels}}}");
    eventually(20, "all deliveries acked", || {
        let acked = acked.clone();
        async move {
            let (_, _, text) = http_get_typed(port, "/metrics").await;
            samples(&text).get(&acked).copied() == Some(16.0)
        }
    })
    .await;

    request_the_api(port).await;
    let (status, content_type, text) = http_get_typed(port, "/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    let m = samples(&text);
    assert_delivery_counters(&m, &text, &labels);
    assert_http_counters(&m, &text);
    app.stop().await;
}

#[tokio::test]
async fn metrics_count_what_was_published_on_sqlite() {
    metrics_match(Backend::Sqlite).await;
}

#[tokio::test]
async fn metrics_count_what_was_published_on_postgres() {
    metrics_match(Backend::Postgres).await;
}

#[tokio::test]
async fn metrics_count_what_was_published_on_mariadb() {
    metrics_match(Backend::MariaDb).await;
}
