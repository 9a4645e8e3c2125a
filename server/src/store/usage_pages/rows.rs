//! The rows the Usage section reads, one type per table (times in UTC µs, as stored).

use crate::store::text::{OptText, Text};

/// An `instance_usages` row (a launch).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NovaLaunchRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    #[sqlx(try_from = "Text")]
    pub request_id: String,
    pub launched_at: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_distro: Option<String>,
}

/// An `instance_deletes` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NovaDeleteRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    pub raw_id: Option<i64>,
}

/// An `instance_exists` row with its verification state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NovaExistsRow {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: i64,
    pub audit_period_ending: i64,
    #[sqlx(try_from = "OptText")]
    pub instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: String,
    #[sqlx(try_from = "OptText")]
    pub fail_reason: Option<String>,
    pub send_status: i64,
    pub raw_id: i64,
}

/// An `image_usages` row (an activation).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GlanceUsageRow {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
    pub created_at: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub owner: Option<String>,
    pub size: Option<i64>,
    pub last_raw_id: i64,
}

/// An `image_deletes` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GlanceDeleteRow {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
    pub deleted_at: Option<i64>,
    pub raw_id: i64,
}

/// An `image_exists` row with its verification state.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GlanceExistsRow {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub owner: Option<String>,
    pub size: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub status: String,
    #[sqlx(try_from = "OptText")]
    pub fail_reason: Option<String>,
    pub send_status: i64,
    pub raw_id: i64,
}
