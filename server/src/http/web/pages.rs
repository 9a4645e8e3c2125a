//! Host/tenant, request, instance and timings pages.

use std::collections::BTreeMap;

use app::model::{
    now_micros, rollup_hour, BucketCount, InstanceData, LifecycleView, Micros, OpStats,
    RequestData, ScopeData, ScopeKind, TimingView, TimingsData, Window,
};

use super::usage;
use crate::store::{Store, StoreError};

const HOUR_US: i64 = 3_600_000_000;
/// Rows of each kind on a host or tenant page.
const SCOPE_ROWS: u32 = 100;
const SCOPE_ERRORS: u32 = 25;
/// Slowest requests on the timings page.
const SLOWEST: u32 = 25;

/// A host or tenant: its events per type over the last 24 whole hours (the rollups), its
/// errors in the last hour and day (exact), its newest rows and errors. Every read is one
/// index range, whatever the host's traffic.
pub(super) async fn scope(
    store: &Store,
    kind: ScopeKind,
    value: &str,
) -> Result<ScopeData, StoreError> {
    let now = now_micros();
    let counts_since = rollup_hour(now - 24 * HOUR_US);
    let (errors_hour, errors_day) = store
        .scope_error_counts(kind, value, now - HOUR_US, now - 24 * HOUR_US)
        .await?;
    Ok(ScopeData {
        kind,
        value: value.to_string(),
        recent: store.scope_events(kind, value, false, SCOPE_ROWS).await?,
        recent_errors: store.scope_events(kind, value, true, SCOPE_ERRORS).await?,
        by_event: store.scope_counts(kind, value, counts_since).await?,
        counts_since: Micros(counts_since),
        errors_hour,
        errors_day,
    })
}

/// A request's events in order, their span, and its KPI.
pub(super) async fn request(store: &Store, request_id: &str) -> Result<RequestData, StoreError> {
    let rows = store
        .events_of_request(request_id, RequestData::EVENT_LIMIT)
        .await?;
    let duration_us = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => Some(last.when.0 - first.when.0),
        _ => None,
    };
    Ok(RequestData {
        request_id: request_id.to_string(),
        rows,
        duration_us,
        kpi: store.kpi_of_request(request_id).await?,
    })
}

/// Everything about an instance.
pub(super) async fn instance(store: &Store, instance: &str) -> Result<InstanceData, StoreError> {
    let mut events = store
        .events_of_instance(instance, InstanceData::EVENT_LIMIT + 1)
        .await?;
    let events_capped = events.len() > InstanceData::EVENT_LIMIT as usize;
    events.truncate(InstanceData::EVENT_LIMIT as usize);
    let lifecycle = store.lifecycle(instance).await?.map(|l| LifecycleView {
        state: l.last_state.unwrap_or_default(),
        task: l.last_task_state.unwrap_or_default(),
        last_event_id: l.last_raw_id,
    });
    let timings = store
        .timings_of(instance)
        .await?
        .into_iter()
        .map(|t| TimingView {
            name: t.name,
            start: t.start_when.map(Micros),
            end: t.end_when.map(Micros),
            start_id: t.start_raw_id,
            end_id: t.end_raw_id,
            diff_us: t.diff,
        })
        .collect();
    let mut data = InstanceData {
        instance: instance.to_string(),
        lifecycle,
        events,
        events_capped,
        timings,
        requests: store.kpis_of_instance(instance).await?,
        usage: usage::lines(store, instance).await?,
    };
    drop_pruned_event_ids(store, &mut data).await?;
    Ok(data)
}

/// Clears the event ids the instance's aggregates keep for events retention has deleted, so
/// the page and `/api/v1` never link to an event that is gone.
async fn drop_pruned_event_ids(store: &Store, data: &mut InstanceData) -> Result<(), StoreError> {
    let lifecycle = data.lifecycle.iter_mut().map(|l| &mut l.last_event_id);
    let timings = data
        .timings
        .iter_mut()
        .flat_map(|t| [&mut t.start_id, &mut t.end_id]);
    let usage = data.usage.iter_mut().map(|u| &mut u.raw_id);
    let mut refs: Vec<&mut Option<i64>> = lifecycle.chain(timings).chain(usage).collect();
    let ids: Vec<i64> = refs.iter().filter_map(|r| **r).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let kept = store.existing_event_ids(&ids).await?;
    for r in &mut refs {
        if r.is_some_and(|id| !kept.contains(&id)) {
            **r = None;
        }
    }
    Ok(())
}

/// Per-operation statistics of timings that ended in `window`, and the slowest requests of
/// the last day. Read from the hourly rollups, so the window starts at the top of the hour it
/// reaches back into (the page says since when): an hour's window covers one to two hours.
pub(super) async fn timings(store: &Store, window: Window) -> Result<TimingsData, StoreError> {
    let now = now_micros();
    let since = rollup_hour(now - window.micros());
    let mut by_name: BTreeMap<String, Vec<BucketCount>> = BTreeMap::new();
    for (name, bucket) in store.timing_buckets_since(since).await? {
        by_name.entry(name).or_default().push(bucket);
    }
    let ops = by_name
        .into_iter()
        .filter_map(|(name, buckets)| OpStats::from_buckets(name, &buckets))
        .collect();
    Ok(TimingsData {
        window,
        since: Micros(since),
        ops,
        slowest: store
            .slowest_requests(now - 24 * HOUR_US, now, SLOWEST)
            .await?,
    })
}
