//! The requests behind v2's KPI summary (`pretty.py`) and error details reports: the
//! (instance, request) pairs of the nova events in a window whose instance had a
//! `compute.instance.update` there, then every nova event of those requests (all time, as v2
//! read them, without the `.exists`), in one ordered read (a day of a million events is a few
//! hundred MB of rows at most; statement-per-chunk reads took most of the reports' time).
//! Windows here are `(from, to]`, as in v2.

use std::collections::HashSet;

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// Ids per [`Store::raw_bodies`] query (one bind each).
pub const REQUESTS_PER_QUERY: usize = 500;

/// The columns of a nova event the request walk reads.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRaw {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub request_id: String,
    pub when_us: i64,
    #[sqlx(try_from = "Text")]
    pub routing_key: String,
    #[sqlx(try_from = "Text")]
    pub event: String,
    #[sqlx(try_from = "Text")]
    pub service: String,
    #[sqlx(try_from = "OptText")]
    pub host: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub old_state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub task: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub old_task: Option<String>,
    pub image_type: Option<i64>,
    pub deployment_id: i64,
}

impl Store {
    /// The distinct (instance, request id) pairs of the nova events within `(from, to]` whose
    /// instance had a `compute.instance.update` within it (from one of `deployments` when
    /// given), ordered by instance then request. Empty request ids are left out: they name no
    /// request (v2 would have read every event without one as a single request).
    ///
    /// Two plain range reads (every pair of the window, then the updated instances) filtered
    /// here: one query with the instances as an `IN` subquery made SQLite walk the instance
    /// index with a table lookup per event, twice as slow on a day of a million events.
    ///
    /// # Errors
    /// Database errors.
    pub async fn window_requests(
        &self,
        from: i64,
        to: i64,
        deployments: Option<&[i64]>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT DISTINCT instance, request_id FROM raw_events \
             WHERE exchange = 'nova' AND request_id <> '' AND instance IS NOT NULL AND when_us > ",
        );
        sql.int(from).push(" AND when_us <= ").int(to);
        sql.push(" ORDER BY instance, request_id");
        let pairs: Vec<(Text, Text)> = self.fetch_all(&sql).await?;
        let updated: HashSet<String> = self
            .updated_instances(from, to, deployments)
            .await?
            .into_iter()
            .collect();
        Ok(pairs
            .into_iter()
            .map(|(instance, request)| (instance.0, request.0))
            .filter(|(instance, _)| updated.contains(instance))
            .collect())
    }

    /// The instances with a nova `compute.instance.update` within `(from, to]` (from one of
    /// `deployments` when given).
    async fn updated_instances(
        &self,
        from: i64,
        to: i64,
        deployments: Option<&[i64]>,
    ) -> Result<Vec<String>, StoreError> {
        let mut sql = Sql::new(
            "SELECT DISTINCT instance FROM raw_events WHERE exchange = 'nova' \
             AND event = 'compute.instance.update' AND instance IS NOT NULL AND when_us > ",
        );
        sql.int(from).push(" AND when_us <= ").int(to);
        if let Some(ids) = deployments {
            sql.push(" AND deployment_id IN (");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.int(*id);
            }
            if ids.is_empty() {
                sql.push("NULL");
            }
            sql.push(")");
        }
        let instances: Vec<Text> = self.fetch_column(&sql).await?;
        Ok(instances.into_iter().map(String::from).collect())
    }

    /// Every nova event but `compute.instance.exists` of the requests with a nova event
    /// within `(from, to]` (a superset of [`Self::window_requests`]' requests: the caller
    /// keeps its own), ordered by request, time and id. One ordered read through the request
    /// index: per-chunk `IN` lists of request ids cost a statement and 500 binds each, most of
    /// the report's time.
    ///
    /// # Errors
    /// Database errors.
    pub async fn window_request_raws(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<ReportRaw>, StoreError> {
        let mut sql = Sql::new(
            "SELECT id, request_id, when_us, routing_key, event, service, host, tenant, state, \
             old_state, task, old_task, image_type, deployment_id FROM raw_events \
             WHERE exchange = 'nova' AND event <> 'compute.instance.exists' AND request_id IN \
             (SELECT w.request_id FROM raw_events w WHERE w.exchange = 'nova' \
             AND w.request_id <> '' AND w.when_us > ",
        );
        sql.int(from).push(" AND w.when_us <= ").int(to);
        sql.push(") ORDER BY request_id, when_us, id");
        self.fetch_all(&sql).await
    }

    /// The stored notification bodies of these raw events, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn raw_bodies(&self, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(REQUESTS_PER_QUERY) {
            let mut sql = Sql::new("SELECT id, json FROM raw_events WHERE id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.int(*id);
            }
            sql.push(") ORDER BY id");
            sql.persistent(false);
            let rows: Vec<(i64, Text)> = self.fetch_all(&sql).await?;
            out.extend(rows.into_iter().map(|(id, json)| (id, json.0)));
        }
        Ok(out)
    }
}
