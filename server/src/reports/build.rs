//! Building a report: its period from the options, the reads of `crate::store::report_inputs`,
//! then its pure builder; and storing one in `json_reports`.

use std::collections::HashMap;

use serde_json::Value;

use super::build_requests::{error_details, summary};
use super::error::ReportError;
use super::glance_usage_audit::{self, GlanceAuditInputs};
use super::instance_hours::{self, FlavorPayload, HoursInputs, TenantInfo};
use super::kind::{Report, ReportKind};
use super::nova_usage_audit::{self, NovaAuditInputs};
use super::options::BuildOptions;
use super::{bandwidth, image_events_audit};
use crate::store::report_inputs::{ExistsSpan, ExistsTable};
use crate::store::stacky::NewJsonReport;
use crate::store::Store;

const DAY_US: i64 = 86_400_000_000;
const US: i64 = 1_000_000;

/// Builds one report.
///
/// # Errors
/// Database errors; [`ReportError::NoRegion`] for a summary region no deployment matches.
pub async fn build(
    store: &Store,
    kind: ReportKind,
    opts: &BuildOptions,
) -> Result<Report, ReportError> {
    let period = opts.period(kind);
    let (from, to) = (period.start, period.end);
    let json = match kind {
        ReportKind::NovaUsageAudit => nova_audit(store, from, to).await?,
        ReportKind::GlanceUsageAudit => {
            let inputs = GlanceAuditInputs {
                exists: store
                    .exists_status_counts(
                        ExistsTable::Glance,
                        from,
                        to,
                        ExistsSpan::Exactly(opts.length.micros()),
                    )
                    .await?,
                exist_fails: store.exists_failed(ExistsTable::Glance, from, to).await?,
                new_images: store.images_created_between(from, to).await?,
                old_images: store.old_images_count(from).await?,
                exists_uuids: store.image_exists_uuids(from, to).await?,
            };
            glance_usage_audit::build(&inputs)
        }
        ReportKind::ImageEventsAudit => {
            image_events_audit::build(&store.image_event_counts(from, to).await?)
        }
        ReportKind::Summary => summary(store, period, opts).await?,
        ReportKind::ErrorDetails => error_details(store, period).await?,
        ReportKind::InstanceHours => instance_hours::build(&hours_inputs(store, from, to).await?),
        ReportKind::PublicOutboundBandwidth => {
            bandwidth::build(store.public_outbound_bandwidth(from, to).await?)
        }
    };
    Ok(Report {
        kind,
        name: kind.stored_name(opts.region.as_deref()),
        version: kind.version(),
        period,
        json,
    })
}

/// Stores `report` (created now); returns its id.
///
/// # Errors
/// Database errors.
pub async fn store_report(
    store: &Store,
    report: &Report,
    created: i64,
) -> Result<i64, ReportError> {
    let row = NewJsonReport {
        period_start: report.period.start,
        period_end: report.period.end,
        created,
        name: report.name.clone(),
        version: report.version,
        json: report.json.to_string(),
    };
    Ok(store.insert_json_report(&row).await?)
}

async fn nova_audit(store: &Store, from: i64, to: i64) -> Result<Value, ReportError> {
    let nova = ExistsTable::Nova;
    let inputs = NovaAuditInputs {
        periodic: store
            .exists_status_counts(nova, from, to, ExistsSpan::Exactly(DAY_US))
            .await?,
        instantaneous: store
            .exists_status_counts(nova, from, to, ExistsSpan::Shorter(DAY_US))
            .await?,
        exist_fails: store.exists_failed(nova, from, to).await?,
        new_launches: store.launches_between(from, to).await?,
        old_launches: store.old_launches(from).await?,
        old_reconciles: store.old_reconciles(from).await?,
        exists: store.exists_of_audit_period(from, to).await?,
    };
    let (fails, new, old) = nova_usage_audit::launch_failures(&inputs);
    let launches: Vec<(&str, i64)> = fails
        .iter()
        .map(|f| {
            let (instance, launched_at) = f.launch();
            (instance, launched_at.div_euclid(US) * US)
        })
        .collect();
    let dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into());
    let cells: Vec<(String, String)> = store
        .launch_cells_and_hosts(&launches)
        .await?
        .into_iter()
        .map(|found| {
            let (cell, host) = found.unwrap_or((None, None));
            (dash(cell), dash(host))
        })
        .collect();
    Ok(nova_usage_audit::build(&inputs, &fails, &cells, new, old))
}

async fn hours_inputs(store: &Store, from: i64, to: i64) -> Result<HoursInputs, ReportError> {
    let exists = store.verified_exists_between(from, to).await?;
    // The first exists of each flavor describes it (v2's flavor cache).
    let mut first_raw: HashMap<String, i64> = HashMap::new();
    for e in &exists {
        let flavor = e.instance_flavor_id.clone().unwrap_or_default();
        first_raw.entry(flavor).or_insert(e.raw_id);
    }
    let ids: Vec<i64> = first_raw.values().copied().collect();
    let bodies: HashMap<i64, String> = store.raw_bodies(&ids).await?.into_iter().collect();
    let flavors = first_raw
        .into_iter()
        .map(|(flavor, raw)| (flavor, flavor_payload(bodies.get(&raw).map(String::as_str))))
        .collect();
    let mut tenants: HashMap<String, TenantInfo> = HashMap::new();
    for row in store.tenant_info_with_types().await? {
        let info = tenants.entry(row.tenant).or_default();
        info.name = row.name;
        if let (Some(name), Some(value)) = (row.type_name, row.type_value) {
            info.types.insert(name, value);
        }
    }
    Ok(HoursInputs {
        exists,
        flavors,
        tenants,
        type_names: store.tenant_type_names().await?,
    })
}

/// `payload.instance_type` and `payload.memory_mb` of a stored nova exists body.
fn flavor_payload(body: Option<&str>) -> FlavorPayload {
    let payload = body
        .and_then(|b| serde_json::from_str::<Value>(b).ok())
        .and_then(|v| v.get("payload").cloned())
        .unwrap_or(Value::Null);
    let memory_mb = match payload.get("memory_mb") {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0.0),
        _ => 0.0,
    };
    FlavorPayload {
        name: payload.get("instance_type").cloned().unwrap_or(Value::Null),
        memory_mb,
    }
}
