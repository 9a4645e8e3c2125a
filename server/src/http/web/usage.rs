//! An instance's usage, delete and exists rows as typed [`UsageLine`]s; the instance page
//! picks and formats the columns it shows.

use app::model::{Micros, UsageKind, UsageLine};

use crate::store::{Store, StoreError};

/// A line with only the kind and the times set; the callers fill in their kind's columns.
fn line(kind: UsageKind, launched_at: Option<i64>, deleted_at: Option<i64>) -> UsageLine {
    UsageLine {
        kind,
        launched_at: launched_at.map(Micros),
        deleted_at: deleted_at.map(Micros),
        request_id: None,
        status: None,
        audit_period_beginning: None,
        audit_period_ending: None,
        instance_type_id: None,
        instance_flavor_id: None,
        tenant: None,
        os_distro: None,
        raw_id: None,
    }
}

/// The instance's usage, delete and exists rows, oldest first within each kind.
pub(super) async fn lines(store: &Store, instance: &str) -> Result<Vec<UsageLine>, StoreError> {
    let mut lines = Vec::new();
    for u in store.instance_usages(instance).await? {
        lines.push(UsageLine {
            request_id: Some(u.request_id),
            instance_type_id: u.instance_type_id,
            instance_flavor_id: u.instance_flavor_id,
            tenant: u.tenant,
            os_distro: u.os_distro,
            ..line(UsageKind::Usage, u.launched_at, None)
        });
    }
    for (_, launched, deleted, raw_id) in store.instance_deletes(instance).await? {
        lines.push(UsageLine {
            raw_id,
            ..line(UsageKind::Delete, Some(launched), deleted)
        });
    }
    for e in store.instance_exists(instance).await? {
        lines.push(UsageLine {
            status: Some(e.status),
            audit_period_beginning: Some(Micros(e.audit_period_beginning)),
            audit_period_ending: Some(Micros(e.audit_period_ending)),
            instance_type_id: e.instance_type_id,
            raw_id: Some(e.raw_id),
            ..line(UsageKind::Exists, Some(e.launched_at), e.deleted_at)
        });
    }
    Ok(lines)
}
