//! `stacktach bench-verify`: the usage verifier's throughput. For each database (a fresh
//! SQLite file, a fresh PostgreSQL or MySQL database): N instances launched (`create.end`), a
//! tenth of them deleted, and one `compute.instance.exists` each for yesterday's audit period,
//! stored through the ingest pipeline exactly as the consumers store them (1 % with a
//! mismatched flavor, so the failure path is measured too); then the verifier's passes without
//! notifications, timed. Target: 100,000 exists in at most 30 s per backend.

use std::time::Instant;

use anyhow::Context;
use clap::Args;
use serde_json::json;

use super::database::{self, FreshDb};
use crate::config::verifier::VerifierConfig;
use crate::config::DatabaseUrl;
use crate::ingest::{DeploymentRef, Incoming, Ingestor};
use crate::live::Hub;
use crate::store::Store;
use crate::telemetry::metrics::Metrics;
use crate::verifier::run::{RunSettings, Verifier};
use app::model::{format_micros, now_micros, Micros};

/// Notifications per ingest batch while filling.
const FILL_BATCH: usize = 1000;
const SEC: i64 = 1_000_000;
const DAY: i64 = 86_400 * SEC;

/// `stacktach bench-verify` options.
#[derive(Debug, Args)]
pub struct VerifyBenchArgs {
    /// Exists rows (one instance each) per database.
    #[arg(long, default_value_t = 100_000)]
    pub count: u64,
    /// Databases to measure, in order ("sqlite:" = a temporary file; a postgres:// or mysql://
    /// URL = a fresh database created on that server and dropped afterwards). Repeatable.
    /// Without one: "sqlite:", postgres://postgres@127.0.0.1:5432/postgres and, when its server
    /// answers, mysql://root@127.0.0.1:3306/mysql.
    #[arg(long = "database-url")]
    pub database_urls: Vec<DatabaseUrl>,
}

/// What one database measured.
#[derive(Debug, Clone, Copy)]
pub struct VerifyFigures {
    pub fill_secs: f64,
    pub verify_secs: f64,
    pub verified: u64,
    pub failed: u64,
}

/// Runs the benchmark on every database and prints the figures.
///
/// # Errors
/// An unreachable database (the fresh ones are removed anyway).
pub async fn run_verify(args: VerifyBenchArgs) -> anyhow::Result<()> {
    let id = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
    println!(
        "stacktach bench-verify: {} exists with their launches and deletes per database",
        args.count
    );
    for (index, url) in database::or_defaults(&args.database_urls)
        .await
        .iter()
        .enumerate()
    {
        let db = FreshDb::create(url, &format!("{id}_{index}v")).await?;
        let result = measure(&db, args.count).await;
        let backend = db.backend();
        db.drop_it().await;
        let f = result.with_context(|| format!("{backend}: the benchmark failed"))?;
        println!(
            "{backend:>8}: filled in {:.1} s; verified {} and failed {} in {:.2} s = {:.0} exists/s",
            f.fill_secs,
            f.verified,
            f.failed,
            f.verify_secs,
            (f.verified + f.failed) as f64 / f.verify_secs.max(1e-9)
        );
    }
    Ok(())
}

/// Fills one fresh database and times the verifier's passes over it.
///
/// # Errors
/// Database failures.
pub async fn measure(db: &FreshDb, count: u64) -> anyhow::Result<VerifyFigures> {
    let store = db.open().await?;
    let started = Instant::now();
    fill(&store, count).await?;
    let fill_secs = started.elapsed().as_secs_f64();
    let verifier = Verifier::new(store.clone(), bench_settings()?, Metrics::default());
    let started = Instant::now();
    let reports = verifier.once().await?;
    let verify_secs = started.elapsed().as_secs_f64();
    store.close().await;
    Ok(VerifyFigures {
        fill_secs,
        verify_secs,
        verified: reports.iter().map(|(_, r)| r.verified).sum(),
        failed: reports.iter().map(|(_, r)| r.failed).sum(),
    })
}

/// Nova only, `basic` validation, no notifications.
fn bench_settings() -> anyhow::Result<RunSettings> {
    let text = r#"{"tick_time": 30, "settle_time": 5, "settle_units": "minutes", "pool_size": 2,
        "enable_notifications": false, "validation_level": "basic",
        "flavor_field_name": "instance_type_id",
        "rabbit": {"topics": {"nova": ["notifications.info"]}}}"#;
    let config = VerifierConfig::parse(std::path::Path::new("bench-verify.json"), text)?;
    Ok(RunSettings::from_config(&config))
}

/// Stores `count` instances' launches, a tenth of them deleted, then their exists.
async fn fill(store: &Store, count: u64) -> anyhow::Result<()> {
    let deployment = DeploymentRef {
        id: store.ensure_deployment("bench-verify").await?,
        name: "bench-verify".into(),
    };
    let ingestor = Ingestor::new(store.clone(), Hub::new());
    let end = now_micros() / SEC * SEC - DAY;
    let launched = end - 3 * DAY;
    let mut batch = Vec::with_capacity(FILL_BATCH);
    for phase in 0..2 {
        for i in 0..count {
            for body in notifications(phase, i, launched, end) {
                batch.push(Incoming {
                    routing_key: "notifications.info".into(),
                    body,
                });
            }
            if batch.len() >= FILL_BATCH {
                ingestor
                    .ingest(&deployment, "nova", &std::mem::take(&mut batch))
                    .await?;
            }
        }
        if !batch.is_empty() {
            ingestor
                .ingest(&deployment, "nova", &std::mem::take(&mut batch))
                .await?;
        }
    }
    Ok(())
}

/// Phase 0: instance `i`'s launch (and, for every tenth, its delete); phase 1: its exists.
fn notifications(phase: u8, i: u64, launched: i64, end: i64) -> Vec<Vec<u8>> {
    let instance = format!("bench-{i:08}-0000-4000-8000-000000000000");
    let at = |us: i64| format_micros(Micros(us));
    let deleted = i.is_multiple_of(10).then_some(end - DAY / 2);
    let note = |event: &str, payload: serde_json::Value| {
        json!({"event_type": event, "publisher_id": "compute.bench-01.example.net",
            "timestamp": at(now_micros()), "priority": "INFO",
            "message_id": uuid::Uuid::new_v4().to_string(),
            "_context_request_id": format!("req-{instance}"), "_context_project_id": "a1b2c3",
            "payload": payload})
        .to_string()
        .into_bytes()
    };
    let mut base = json!({"instance_id": &instance, "tenant_id": "a1b2c3",
        "launched_at": at(launched), "instance_type_id": "1", "state": "active"});
    if phase == 0 {
        let mut out = vec![note("compute.instance.create.end", base.clone())];
        if let Some(d) = deleted {
            base["deleted_at"] = json!(at(d));
            base["terminated_at"] = json!(at(d));
            out.push(note("compute.instance.delete.end", base));
        }
        return out;
    }
    base["audit_period_beginning"] = json!(at(end - DAY));
    base["audit_period_ending"] = json!(at(end));
    if let Some(d) = deleted {
        base["deleted_at"] = json!(at(d));
    }
    if i % 100 == 7 {
        base["instance_type_id"] = json!("2");
    }
    vec![note("compute.instance.exists", base)]
}
