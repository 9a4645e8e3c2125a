//! The Usage section's answers: the verifier's progress per service and audit period, and
//! one page of a usage table as [`UsageRecord`]s (the columns a table lacks stay `None`).

use std::collections::BTreeMap;

use app::model::{
    Micros, ProgressRow, ServiceProgress, UsageOverview, UsagePage, UsageQuery, UsageRecord,
    UsageService, UsageTable,
};

use crate::store::{ExistsProgress, Store, StoreError};
use crate::verifier::model::Service;

/// The counts of one service: all periods, and the latest periods newest first.
fn progress(service: UsageService, counts: ExistsProgress) -> ServiceProgress {
    let mut all = ProgressRow::new(None, None);
    for (status, send_status, n) in &counts.all {
        all.add(status, *send_status, u64::try_from(*n).unwrap_or(0));
    }
    // Keyed by (ending, beginning) so the newest period sorts last.
    let mut periods: BTreeMap<(Option<i64>, Option<i64>), ProgressRow> = BTreeMap::new();
    for c in counts.periods {
        let n = u64::try_from(c.n).unwrap_or(0);
        let key = (c.audit_period_ending, c.audit_period_beginning);
        periods
            .entry(key)
            .or_insert_with(|| {
                let micros = |t: Option<i64>| t.map(Micros);
                ProgressRow::new(
                    micros(c.audit_period_beginning),
                    micros(c.audit_period_ending),
                )
            })
            .add(&c.status, c.send_status, n);
    }
    let older_periods = counts.older || periods.len() > UsageOverview::PERIODS;
    let periods = periods
        .into_values()
        .rev()
        .take(UsageOverview::PERIODS)
        .collect();
    ServiceProgress {
        service,
        all,
        periods,
        older_periods,
    }
}

/// The verifier's progress over both services' exists.
pub(super) async fn overview(store: &Store) -> Result<UsageOverview, StoreError> {
    let mut services = Vec::new();
    for (service, of) in [
        (UsageService::Nova, Service::Nova),
        (UsageService::Glance, Service::Glance),
    ] {
        let counts = store.exists_progress(of, UsageOverview::PERIODS).await?;
        services.push(progress(service, counts));
    }
    Ok(UsageOverview { services })
}

fn at(t: Option<i64>) -> Option<Micros> {
    t.map(Micros)
}

/// `limit` rows of the query's table, newest first.
async fn records(
    store: &Store,
    q: &UsageQuery,
    limit: u32,
) -> Result<Vec<UsageRecord>, StoreError> {
    let rows = match (q.service, q.table) {
        (UsageService::Nova, UsageTable::Launches) => store
            .usage_nova_launches(q, limit)
            .await?
            .into_iter()
            .map(|r| UsageRecord {
                id: r.id,
                subject: Some(r.instance),
                owner: r.tenant,
                request_id: Some(r.request_id),
                launched_at: at(r.launched_at),
                instance_type_id: r.instance_type_id,
                instance_flavor_id: r.instance_flavor_id,
                os_distro: r.os_distro,
                ..UsageRecord::default()
            })
            .collect(),
        (UsageService::Nova, UsageTable::Deletes) => store
            .usage_nova_deletes(q, limit)
            .await?
            .into_iter()
            .map(|r| UsageRecord {
                id: r.id,
                subject: Some(r.instance),
                launched_at: Some(Micros(r.launched_at)),
                deleted_at: at(r.deleted_at),
                raw_id: r.raw_id,
                ..UsageRecord::default()
            })
            .collect(),
        (UsageService::Nova, UsageTable::Exists) => store
            .usage_nova_exists(q, limit)
            .await?
            .into_iter()
            .map(|r| UsageRecord {
                id: r.id,
                subject: Some(r.instance),
                owner: r.tenant,
                launched_at: Some(Micros(r.launched_at)),
                deleted_at: at(r.deleted_at),
                audit_period_beginning: Some(Micros(r.audit_period_beginning)),
                audit_period_ending: Some(Micros(r.audit_period_ending)),
                instance_type_id: r.instance_type_id,
                instance_flavor_id: r.instance_flavor_id,
                status: Some(r.status),
                send_status: Some(r.send_status),
                fail_reason: r.fail_reason,
                message_id: r.message_id,
                raw_id: Some(r.raw_id),
                ..UsageRecord::default()
            })
            .collect(),
        (UsageService::Glance, table) => glance_records(store, q, table, limit).await?,
    };
    Ok(rows)
}

async fn glance_records(
    store: &Store,
    q: &UsageQuery,
    table: UsageTable,
    limit: u32,
) -> Result<Vec<UsageRecord>, StoreError> {
    let rows = match table {
        UsageTable::Launches => store
            .usage_glance_usages(q, limit)
            .await?
            .into_iter()
            .map(|r| UsageRecord {
                id: r.id,
                subject: r.uuid,
                owner: r.owner,
                launched_at: at(r.created_at),
                size: r.size,
                raw_id: Some(r.last_raw_id),
                ..UsageRecord::default()
            })
            .collect(),
        UsageTable::Deletes => store
            .usage_glance_deletes(q, limit)
            .await?
            .into_iter()
            .map(|r| UsageRecord {
                id: r.id,
                subject: r.uuid,
                deleted_at: at(r.deleted_at),
                raw_id: Some(r.raw_id),
                ..UsageRecord::default()
            })
            .collect(),
        UsageTable::Exists => store
            .usage_glance_exists(q, limit)
            .await?
            .into_iter()
            .map(|r| UsageRecord {
                id: r.id,
                subject: r.uuid,
                owner: r.owner,
                launched_at: Some(Micros(r.created_at)),
                deleted_at: at(r.deleted_at),
                audit_period_beginning: at(r.audit_period_beginning),
                audit_period_ending: at(r.audit_period_ending),
                size: r.size,
                status: Some(r.status),
                send_status: Some(r.send_status),
                fail_reason: r.fail_reason,
                message_id: r.message_id,
                raw_id: Some(r.raw_id),
                ..UsageRecord::default()
            })
            .collect(),
    };
    Ok(rows)
}

/// One page of a usage table: [`UsageQuery::PAGE`] rows and the cursor of the next.
pub(super) async fn list(store: &Store, q: &UsageQuery) -> Result<UsagePage, StoreError> {
    let page = UsageQuery::PAGE as usize;
    let mut rows = records(store, q, UsageQuery::PAGE + 1).await?;
    let next_before = (rows.len() > page).then(|| rows[page - 1].id);
    rows.truncate(page);
    Ok(UsagePage { rows, next_before })
}
