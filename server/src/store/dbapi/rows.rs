//! The rows of v2's six usage models as `/db` reads them: every field under its v2 name
//! (foreign keys as ids: `raw`, `usage`, `delete`, `last_raw`), times in UTC microseconds.
//! The HTTP layer writes the times as v2's strings; [`DbRow::TABLE`] ties a row type to its
//! table, so a list can only be read into the row of the table it queries.

use serde::Serialize;
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

use crate::store::dbapi::tables::DbTable;
use crate::store::text::{OptText, Text};

/// A row type of one [`DbTable`], decodable on every backend.
pub trait DbRow:
    Serialize
    + Send
    + Unpin
    + for<'r> FromRow<'r, SqliteRow>
    + for<'r> FromRow<'r, PgRow>
    + for<'r> FromRow<'r, MySqlRow>
{
    const TABLE: DbTable;
}

/// v2's `InstanceUsage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DbInstanceUsage {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub request_id: String,
    #[sqlx(try_from = "OptText")]
    pub instance_type_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_architecture: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_distro: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_version: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub rax_options: Option<String>,
}

/// v2's `InstanceDeletes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DbInstanceDelete {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub raw: Option<i64>,
}

/// v2's `InstanceExists`, with `received` (the raw event's time; null once it is pruned).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DbInstanceExists {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    pub launched_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub instance_type_id: Option<String>,
    #[sqlx(try_from = "Text")]
    pub status: String,
    #[sqlx(try_from = "OptText")]
    pub fail_reason: Option<String>,
    pub raw: Option<i64>,
    pub usage: Option<i64>,
    pub delete: Option<i64>,
    pub send_status: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_architecture: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_distro: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_version: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub rax_options: Option<String>,
    pub bandwidth_public_out: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub instance_flavor_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub event_id: Option<String>,
    pub received: Option<i64>,
}

/// v2's `ImageUsage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DbImageUsage {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
    pub created_at: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub owner: Option<String>,
    pub size: Option<i64>,
    pub last_raw: Option<i64>,
}

/// v2's `ImageDeletes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DbImageDelete {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
    pub deleted_at: Option<i64>,
    pub raw: Option<i64>,
}

/// v2's `ImageExists`, with `received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DbImageExists {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub uuid: Option<String>,
    pub created_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    #[sqlx(try_from = "Text")]
    pub status: String,
    #[sqlx(try_from = "OptText")]
    pub fail_reason: Option<String>,
    pub raw: Option<i64>,
    pub usage: Option<i64>,
    pub delete: Option<i64>,
    pub send_status: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub owner: Option<String>,
    pub size: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub event_id: Option<String>,
    pub received: Option<i64>,
}

impl DbRow for DbInstanceUsage {
    const TABLE: DbTable = DbTable::InstanceUsages;
}
impl DbRow for DbInstanceDelete {
    const TABLE: DbTable = DbTable::InstanceDeletes;
}
impl DbRow for DbInstanceExists {
    const TABLE: DbTable = DbTable::InstanceExists;
}
impl DbRow for DbImageUsage {
    const TABLE: DbTable = DbTable::ImageUsages;
}
impl DbRow for DbImageDelete {
    const TABLE: DbTable = DbTable::ImageDeletes;
}
impl DbRow for DbImageExists {
    const TABLE: DbTable = DbTable::ImageExists;
}
