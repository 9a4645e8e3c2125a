//! What the verifier tests share: v2's test constants, a clock frozen at v2's
//! `2014-01-02 03:04:05`, and rows that pass every check until a test changes one field.

use crate::verifier::model::{
    GlanceEvidence, GlanceExists, GlanceUsage, NovaDelete, NovaEvidence, NovaExists, NovaLaunch,
};
use crate::verifier::{Checks, FlavorField, ValidationLevel};

/// 2014-01-02 03:04:05 UTC, v2's mocked `utcnow()`.
pub(super) const NOW: i64 = 1_388_631_845_000_000;
/// The prefix of every formatted reason at [`NOW`].
pub(super) const AT: &str = "Failed at 2014-01-02 03:04:05 UTC for ";

pub(super) const INSTANCE: &str = "58fb036d-5ef8-47a8-b503-7571276c400a";
pub(super) const TENANT: &str = "3762854cd6f6435998188d5120e4c271";
pub(super) const IMAGE: &str = "1111aaaa-6352-4dbc-8271-96cc54bf14cd";

/// Seconds and microseconds as stored (`us(1, 100_000)` is v2's `Decimal('1.1')`).
pub(super) const fn us(seconds: i64, micros: i64) -> i64 {
    seconds * 1_000_000 + micros
}

/// A nova exists (id 23) that passes the `all` level: launched at 1.1, live, period ending at
/// 100, no foreign keys.
pub(super) fn nova_exists() -> NovaExists {
    NovaExists {
        id: 23,
        message_id: Some("4444dddd-29a2-43f2-9ba1-ccb3e53ab6c8".to_owned()),
        instance: INSTANCE.to_owned(),
        launched_at: Some(us(1, 100_000)),
        deleted_at: None,
        audit_period_beginning: 0,
        audit_period_ending: us(100, 0),
        instance_type_id: Some("1".to_owned()),
        instance_flavor_id: Some("performance1-1".to_owned()),
        tenant: Some(TENANT.to_owned()),
        rax_options: Some("1".to_owned()),
        os_architecture: Some("x64".to_owned()),
        os_version: Some("2008.2".to_owned()),
        os_distro: Some("com.microsoft.server".to_owned()),
        usage_id: None,
        delete_id: None,
        raw_id: 5,
        image_type: Some(0x1),
    }
}

/// The launch `e` describes, with row id `id`.
pub(super) fn launch_of(e: &NovaExists, id: i64) -> NovaLaunch {
    NovaLaunch {
        id,
        instance: e.instance.clone(),
        launched_at: e.launched_at,
        deleted_at: None,
        instance_type_id: e.instance_type_id.clone(),
        instance_flavor_id: e.instance_flavor_id.clone(),
        tenant: e.tenant.clone(),
        rax_options: e.rax_options.clone(),
        os_architecture: e.os_architecture.clone(),
        os_version: e.os_version.clone(),
        os_distro: e.os_distro.clone(),
    }
}

/// A delete of `e`'s launch, with row id `id`.
pub(super) fn delete_of(e: &NovaExists, id: i64, deleted_at: Option<i64>) -> NovaDelete {
    NovaDelete {
        id,
        instance: e.instance.clone(),
        launched_at: e.launched_at.unwrap_or_default(),
        deleted_at,
    }
}

/// Evidence holding exactly `e`'s launch (id 7).
pub(super) fn launched(e: &NovaExists) -> NovaEvidence {
    NovaEvidence {
        usages: vec![launch_of(e, 7)],
        ..NovaEvidence::default()
    }
}

pub(super) fn checks(level: ValidationLevel) -> Checks {
    Checks {
        level,
        flavor: FlavorField::InstanceTypeId,
    }
}

/// An image exists (id 23) that passes every check against [`image_evidence`].
pub(super) fn image_exists() -> GlanceExists {
    GlanceExists {
        id: 23,
        message_id: Some("5555eeee-0f04-4329-865f-7b9a7bd69bcf".to_owned()),
        uuid: Some(IMAGE.to_owned()),
        created_at: Some(us(10, 100_000)),
        deleted_at: None,
        audit_period_beginning: Some(0),
        audit_period_ending: Some(us(100, 0)),
        owner: Some(TENANT.to_owned()),
        size: Some(983_040),
        usage_id: None,
        delete_id: None,
        raw_id: 9,
    }
}

/// The activation `e` describes, with row id `id`.
pub(super) fn image_usage_of(e: &GlanceExists, id: i64) -> GlanceUsage {
    GlanceUsage {
        id,
        uuid: e.uuid.clone(),
        created_at: e.created_at,
        owner: e.owner.clone(),
        size: e.size,
    }
}

/// Evidence, by uuid, holding `e`'s activation (id 3).
pub(super) fn image_evidence(
    e: &GlanceExists,
) -> std::collections::HashMap<String, GlanceEvidence> {
    let evidence = GlanceEvidence {
        usages: vec![image_usage_of(e, 3)],
        deletes: Vec::new(),
    };
    [(e.uuid.clone().unwrap_or_default(), evidence)]
        .into_iter()
        .collect()
}
