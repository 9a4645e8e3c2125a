//! The request trackers' end event tenant and deployment (migration 0025), which `/stacky/kpi`
//! lists: ingest writes what the tracker's last end event says, and the migration's backfill,
//! run again over the stored rows, writes the same.

use super::rollups::{migration_statement, Raw};
use super::Setup;
use crate::helpers::Backend;

/// (trackers with a last timing, those whose columns equal their end event's).
const AGREEING: &str = "SELECT COUNT(*), COUNT(CASE WHEN t.end_deployment_id = e.deployment_id \
     AND (t.end_tenant = e.tenant OR (t.end_tenant IS NULL AND e.tenant IS NULL)) THEN 1 END) \
     FROM request_trackers t JOIN timings tm ON tm.id = t.last_timing_id \
     JOIN raw_events e ON e.id = tm.end_raw_id";

/// (trackers without a last timing, those with an end deployment anyway).
const UNENDED: &str = "SELECT COUNT(*), COUNT(end_deployment_id) FROM request_trackers \
     WHERE last_timing_id IS NULL";

async fn assert_agree(sql: &mut Raw, backend: Backend, what: &str) {
    let agreeing = sql.pairs(AGREEING).await;
    let (ended, agree) = agreeing[0];
    assert!(
        ended > 10,
        "{backend:?} {what}: {ended} trackers with an end"
    );
    assert_eq!(
        agree, ended,
        "{backend:?} {what}: trackers agreeing with their end event"
    );
    let unended = sql.pairs(UNENDED).await;
    assert_eq!(unended[0].1, 0, "{backend:?} {what}: {unended:?}");
}

pub async fn check(setup: &Setup, backend: Backend) {
    let mut sql = Raw::on(backend, &setup.db).await;
    assert_agree(&mut sql, backend, "ingest").await;
    sql.execute("UPDATE request_trackers SET end_tenant = NULL, end_deployment_id = NULL")
        .await;
    let backfill = migration_statement(backend, "0025_tracker_end.sql", "UPDATE request_trackers");
    sql.execute(&backfill).await;
    assert_agree(&mut sql, backend, "backfill").await;
}
