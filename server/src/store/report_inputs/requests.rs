//! The requests behind v2's KPI summary (`pretty.py`) and error details reports: the
//! (instance, request) pairs of the nova events in a window whose instance had a
//! `compute.instance.update` there, then every nova event of those requests (all time, as v2
//! read them, without the `.exists`), read a chunk of request ids at a time so a day of a
//! million events never sits in memory at once. Windows here are `(from, to]`, as in v2.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

/// Request ids per [`Store::request_raws`] call (one bind each).
pub const REQUESTS_PER_QUERY: usize = 500;

/// The columns of a nova event the request walk reads.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRaw {
    pub id: i64,
    pub request_id: String,
    pub when_us: i64,
    pub routing_key: String,
    pub event: String,
    pub service: String,
    pub host: Option<String>,
    pub tenant: Option<String>,
    pub state: Option<String>,
    pub old_state: Option<String>,
    pub task: Option<String>,
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
    /// # Errors
    /// Database errors.
    pub async fn window_requests(
        &self,
        from: i64,
        to: i64,
        deployments: Option<&[i64]>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut sql = Sql::new(
            "SELECT DISTINCT r.instance, r.request_id FROM raw_events r \
             WHERE r.exchange = 'nova' AND r.request_id <> '' AND r.when_us > ",
        );
        sql.int(from).push(" AND r.when_us <= ").int(to);
        sql.push(
            " AND r.instance IN (SELECT u.instance FROM raw_events u WHERE u.exchange = 'nova' \
             AND u.event = 'compute.instance.update' AND u.instance IS NOT NULL AND u.when_us > ",
        );
        sql.int(from).push(" AND u.when_us <= ").int(to);
        if let Some(ids) = deployments {
            sql.push(" AND u.deployment_id IN (");
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
        sql.push(") ORDER BY r.instance, r.request_id");
        self.fetch_all(&sql).await
    }

    /// Every nova event but `compute.instance.exists` of these requests (at most
    /// [`REQUESTS_PER_QUERY`]), ordered by request, time and id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn request_raws(&self, request_ids: &[&str]) -> Result<Vec<ReportRaw>, StoreError> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(
            "SELECT id, request_id, when_us, routing_key, event, service, host, tenant, state, \
             old_state, task, old_task, image_type, deployment_id FROM raw_events \
             WHERE exchange = 'nova' AND event <> 'compute.instance.exists' AND request_id IN ",
        );
        sql.in_list(request_ids);
        sql.push(" ORDER BY request_id, when_us, id");
        sql.persistent(request_ids.len() == REQUESTS_PER_QUERY);
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
            out.extend(self.fetch_all::<(i64, String)>(&sql).await?);
        }
        Ok(out)
    }
}
