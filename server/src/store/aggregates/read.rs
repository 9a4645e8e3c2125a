//! Queries of the aggregate tables, by instance, request or image (times in UTC µs).

use super::super::{with_pool, Store, StoreError};

/// A lifecycle row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LifecycleRow {
    pub id: i64,
    pub instance: String,
    pub last_state: Option<String>,
    pub last_task_state: Option<String>,
    pub last_raw_id: Option<i64>,
}

/// A timing row (`diff` = `end_when - start_when`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TimingRow {
    pub id: i64,
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
    pub instance: String,
    pub request_id: String,
    pub launched_at: Option<i64>,
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    pub tenant: Option<String>,
    pub rax_options: Option<String>,
    pub os_architecture: Option<String>,
    pub os_version: Option<String>,
    pub os_distro: Option<String>,
}

/// An instance exists row with its verification status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InstanceExistsRow {
    pub id: i64,
    pub message_id: Option<String>,
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: i64,
    pub audit_period_ending: i64,
    pub instance_type_id: Option<String>,
    pub tenant: Option<String>,
    pub bandwidth_public_out: i64,
    pub status: String,
    pub send_status: i64,
    pub raw_id: i64,
    pub usage_id: Option<i64>,
    pub delete_id: Option<i64>,
}

const TIMING_COLUMNS: &str =
    "t.id, t.name, t.lifecycle_id, t.start_raw_id, t.start_when, t.end_raw_id, t.end_when, t.diff";

impl Store {
    /// The lifecycle of `instance`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn lifecycle(&self, instance: &str) -> Result<Option<LifecycleRow>, StoreError> {
        with_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, instance, last_state, last_task_state, last_raw_id FROM lifecycles \
             WHERE instance = $1")
            .bind(instance).fetch_optional(pool).await?))
    }

    /// The timings of `instance`'s lifecycle, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn timings_of(&self, instance: &str) -> Result<Vec<TimingRow>, StoreError> {
        let sql = format!(
            "SELECT {TIMING_COLUMNS} FROM timings t JOIN lifecycles l ON l.id = t.lifecycle_id \
             WHERE l.instance = $1 ORDER BY t.id"
        );
        with_pool!(self, pool => Ok(sqlx::query_as(&sql).bind(instance).fetch_all(pool).await?))
    }

    /// The KPI tracker of `request_id`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn request_tracker(
        &self,
        request_id: &str,
    ) -> Result<Option<TrackerRow>, StoreError> {
        with_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, request_id, lifecycle_id, last_timing_id, start, duration, completed \
             FROM request_trackers WHERE request_id = $1")
            .bind(request_id).fetch_optional(pool).await?))
    }

    /// The usages of `instance`, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn instance_usages(&self, instance: &str) -> Result<Vec<UsageRow>, StoreError> {
        with_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, instance, request_id, launched_at, instance_type_id, instance_flavor_id, \
             tenant, rax_options, os_architecture, os_version, os_distro FROM instance_usages \
             WHERE instance = $1 ORDER BY id")
            .bind(instance).fetch_all(pool).await?))
    }

    /// The deletes of `instance` as (id, launched_at, deleted_at, raw id), oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn instance_deletes(
        &self,
        instance: &str,
    ) -> Result<Vec<(i64, i64, Option<i64>, Option<i64>)>, StoreError> {
        with_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, launched_at, deleted_at, raw_id FROM instance_deletes \
             WHERE instance = $1 ORDER BY id")
            .bind(instance).fetch_all(pool).await?))
    }

    /// The exists of `instance`, oldest first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn instance_exists(
        &self,
        instance: &str,
    ) -> Result<Vec<InstanceExistsRow>, StoreError> {
        with_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, message_id, instance, launched_at, deleted_at, audit_period_beginning, \
             audit_period_ending, instance_type_id, tenant, bandwidth_public_out, status, \
             send_status, raw_id, usage_id, delete_id \
             FROM instance_exists WHERE instance = $1 ORDER BY id")
            .bind(instance).fetch_all(pool).await?))
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
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let n: i64 = with_pool!(self, pool => sqlx::query_scalar(&sql).fetch_one(pool).await?);
            counts.push(n);
        }
        Ok(counts)
    }
}
