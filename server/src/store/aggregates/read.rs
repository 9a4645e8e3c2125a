//! Reads of the aggregate tables by instance or request, for the instance and request pages,
//! `/api/v1` and the tests (times in UTC µs).

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// A lifecycle row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LifecycleRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub instance: String,
    #[sqlx(try_from = "OptText")]
    pub last_state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub last_task_state: Option<String>,
    pub last_raw_id: Option<i64>,
}

/// A timing row (`diff` = `end_when - start_when`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TimingRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub name: String,
    pub lifecycle_id: i64,
    pub start_raw_id: Option<i64>,
    pub start_when: Option<i64>,
    pub end_raw_id: Option<i64>,
    pub end_when: Option<i64>,
    pub diff: Option<i64>,
}

/// A request tracker row (`duration` = last `.end` of the request − API entry).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrackerRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub request_id: String,
    pub lifecycle_id: i64,
    pub last_timing_id: Option<i64>,
    pub start: i64,
    pub duration: i64,
    pub completed: bool,
}

/// An instance usage row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UsageRow {
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
    pub rax_options: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_architecture: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_version: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_distro: Option<String>,
}

/// An instance exists row with its verification status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InstanceExistsRow {
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
    pub tenant: Option<String>,
    pub bandwidth_public_out: i64,
    #[sqlx(try_from = "Text")]
    pub status: String,
    pub send_status: i64,
    pub raw_id: i64,
    pub usage_id: Option<i64>,
    pub delete_id: Option<i64>,
}

const TIMING_COLUMNS: &str =
    "t.id, t.name, t.lifecycle_id, t.start_raw_id, t.start_when, t.end_raw_id, t.end_when, t.diff";

/// `head` (fixed SQL ending where the value goes) `= value`, then `tail`.
fn where_eq<'a>(head: &str, value: &'a str, tail: &str) -> Sql<'a> {
    let mut sql = Sql::new(head);
    sql.text(value).push(tail);
    sql
}

impl Store {
    /// The lifecycle of `instance`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn lifecycle(&self, instance: &str) -> Result<Option<LifecycleRow>, StoreError> {
        let sql = where_eq(
            "SELECT id, instance, last_state, last_task_state, last_raw_id FROM lifecycles \
             WHERE instance = ",
            instance,
            "",
        );
        self.fetch_optional(&sql).await
    }

    /// The timings of `instance`'s lifecycle, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn timings_of(&self, instance: &str) -> Result<Vec<TimingRow>, StoreError> {
        let head = format!(
            "SELECT {TIMING_COLUMNS} FROM timings t JOIN lifecycles l ON l.id = t.lifecycle_id \
             WHERE l.instance = "
        );
        self.fetch_all(&where_eq(&head, instance, " ORDER BY t.id"))
            .await
    }

    /// The KPI tracker of `request_id`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn request_tracker(
        &self,
        request_id: &str,
    ) -> Result<Option<TrackerRow>, StoreError> {
        let sql = where_eq(
            "SELECT id, request_id, lifecycle_id, last_timing_id, start, duration, completed \
             FROM request_trackers WHERE request_id = ",
            request_id,
            "",
        );
        self.fetch_optional(&sql).await
    }

    /// The usages of `instance`, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn instance_usages(&self, instance: &str) -> Result<Vec<UsageRow>, StoreError> {
        let sql = where_eq(
            "SELECT id, instance, request_id, launched_at, instance_type_id, instance_flavor_id, \
             tenant, rax_options, os_architecture, os_version, os_distro FROM instance_usages \
             WHERE instance = ",
            instance,
            " ORDER BY id",
        );
        self.fetch_all(&sql).await
    }

    /// The deletes of `instance` as (id, launched_at, deleted_at, raw id), oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn instance_deletes(
        &self,
        instance: &str,
    ) -> Result<Vec<(i64, i64, Option<i64>, Option<i64>)>, StoreError> {
        let sql = where_eq(
            "SELECT id, launched_at, deleted_at, raw_id FROM instance_deletes WHERE instance = ",
            instance,
            " ORDER BY id",
        );
        self.fetch_all(&sql).await
    }

    /// The exists of `instance`, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn instance_exists(
        &self,
        instance: &str,
    ) -> Result<Vec<InstanceExistsRow>, StoreError> {
        let sql = where_eq(
            "SELECT id, message_id, instance, launched_at, deleted_at, audit_period_beginning, \
             audit_period_ending, instance_type_id, tenant, bandwidth_public_out, status, \
             send_status, raw_id, usage_id, delete_id FROM instance_exists WHERE instance = ",
            instance,
            " ORDER BY id",
        );
        self.fetch_all(&sql).await
    }

    /// Rows per aggregate table, in the order lifecycles, timings, request_trackers,
    /// instance_usages, instance_deletes, instance_exists, image_usages, image_deletes,
    /// image_exists: how tests check that nothing was aggregated twice.
    ///
    /// # Errors
    /// Database errors.
    pub async fn aggregate_counts(&self) -> Result<Vec<i64>, StoreError> {
        let tables = [
            "lifecycles",
            "timings",
            "request_trackers",
            "instance_usages",
            "instance_deletes",
            "instance_exists",
            "image_usages",
            "image_deletes",
            "image_exists",
        ];
        let mut counts = Vec::with_capacity(tables.len());
        for table in tables {
            let sql = Sql::new(&format!("SELECT COUNT(*) FROM {table}"));
            counts.push(self.fetch_int(&sql).await?);
        }
        Ok(counts)
    }
}
