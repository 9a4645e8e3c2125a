//! The requests behind v2's KPI summary (`pretty.py`) and error details reports: the
//! (instance, request) pairs of the nova events in a window whose instance had a
//! `compute.instance.update` there, then every nova event of those requests (all time, as v2
//! read them, without the `.exists`), in one ordered, streamed read (statement-per-chunk reads
//! took most of the reports' time): narrow rows for the summary, whole rows for the error
//! details, which list the events of the failed requests.
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

/// The operations a request is classified as (`pretty.py`'s `cmds`), first match in an
/// event's name, in v2's order; [`WalkRow::operation`] indexes them.
pub const WALK_OPERATIONS: [&str; 5] = ["create", "rebuild", "rescue", "resize", "snapshot"];

/// One nova event as the request walk reads it (see [`Store::walk_window_requests`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WalkRow {
    pub id: i64,
    #[sqlx(try_from = "Text")]
    pub request_id: String,
    pub when_us: i64,
    /// The `ERROR_QUEUE`, `STATE_*` bits, plus the operation's index + 1 (0: none) times
    /// `OPERATION_UNIT`.
    pub flags: i64,
    #[sqlx(try_from = "OptText")]
    pub tenant: Option<String>,
    pub image_type: Option<i64>,
    pub deployment_id: i64,
}

impl WalkRow {
    /// The routing key contains `error` (an error queue).
    pub const ERROR_QUEUE: i64 = 1;
    /// `state` is `error`.
    pub const STATE_ERROR: i64 = 2;
    /// `old_state` is `error`.
    pub const OLD_STATE_ERROR: i64 = 4;
    /// `state` is `deleted`.
    pub const STATE_DELETED: i64 = 8;
    /// The multiplier of the operation's index + 1 in `flags`.
    pub const OPERATION_UNIT: i64 = 16;

    /// Whether all of `bits` are set.
    pub fn has(&self, bits: i64) -> bool {
        self.flags & bits == bits
    }

    /// The first of [`WALK_OPERATIONS`] the event's name contains.
    pub fn operation(&self) -> Option<&'static str> {
        let index = usize::try_from(self.flags / Self::OPERATION_UNIT).ok()?;
        index
            .checked_sub(1)
            .and_then(|i| WALK_OPERATIONS.get(i).copied())
    }
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

    /// Walks every nova event but `compute.instance.exists` of the requests with a nova
    /// event within `(from, to]` (a superset of [`Self::window_requests`]' requests: the
    /// caller keeps its own), in request, time and id order, handing each to `each` as a
    /// [`WalkRow`]: what the walk needs, with the states, queue and event folded into
    /// [`WalkRow::flags`] by the database. A day of a million events is a million rows here;
    /// text columns cost an allocation and a copy each, so only the request and tenant come
    /// as text, and the rows stream instead of sitting in memory together (the error details,
    /// which list failed requests' events, read whole rows with
    /// [`Self::walk_window_request_raws`]).
    ///
    /// # Errors
    /// Database errors.
    pub async fn walk_window_requests(
        &self,
        from: i64,
        to: i64,
        each: impl FnMut(WalkRow),
    ) -> Result<(), StoreError> {
        let flag =
            |condition: &str, bit: i64| format!("CASE WHEN {condition} THEN {bit} ELSE 0 END");
        let mut operation = String::from("CASE");
        for (index, cmd) in WALK_OPERATIONS.iter().enumerate() {
            let contains = self.contains("event", cmd);
            operation.push_str(&format!(" WHEN {contains} THEN {}", index + 1));
        }
        operation.push_str(" ELSE 0 END");
        let flags = [
            flag(&self.contains("routing_key", "error"), WalkRow::ERROR_QUEUE),
            flag("state = 'error'", WalkRow::STATE_ERROR),
            flag("old_state = 'error'", WalkRow::OLD_STATE_ERROR),
            flag("state = 'deleted'", WalkRow::STATE_DELETED),
            format!("({operation}) * {}", WalkRow::OPERATION_UNIT),
        ]
        .join(" + ");
        let columns = format!(
            "id, request_id, when_us, CAST({flags} AS {}) AS flags, tenant, image_type, \
             deployment_id",
            self.bigint()
        );
        self.for_each_row(&window_request_events(&columns, from, to), each)
            .await
    }

    /// The events of [`Self::walk_window_requests`], in the same order, as whole rows with the
    /// columns the error details list: for that report, which keeps the events of every
    /// failed request (a second read of those requests by id cost more than reading the
    /// columns once).
    ///
    /// # Errors
    /// Database errors.
    pub async fn walk_window_request_raws(
        &self,
        from: i64,
        to: i64,
        each: impl FnMut(ReportRaw),
    ) -> Result<(), StoreError> {
        let columns = "id, request_id, when_us, routing_key, event, service, host, tenant, \
                       state, old_state, task, old_task, image_type, deployment_id";
        self.for_each_row(&window_request_events(columns, from, to), each)
            .await
    }

    /// The stored notification bodies of these raw events, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn raw_bodies(&self, ids: &[i64]) -> Result<Vec<(i64, String)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(REQUESTS_PER_QUERY) {
            let mut sql = Sql::new("SELECT id, json FROM raw_events WHERE id IN ");
            sql.int_list(chunk).push(" ORDER BY id");
            sql.persistent(false);
            let rows: Vec<(i64, Text)> = self.fetch_all(&sql).await?;
            out.extend(rows.into_iter().map(|(id, json)| (id, json.0)));
        }
        Ok(out)
    }
}

/// `columns` of every nova event but `compute.instance.exists` of the requests with a nova
/// event within `(from, to]`, in request, time and id order (the two request walks' read).
fn window_request_events(columns: &str, from: i64, to: i64) -> Sql<'static> {
    let mut sql = Sql::new(&format!(
        "SELECT {columns} FROM raw_events \
         WHERE exchange = 'nova' AND event <> 'compute.instance.exists' AND request_id IN \
         (SELECT w.request_id FROM raw_events w WHERE w.exchange = 'nova' \
         AND w.request_id <> '' AND w.when_us > "
    ));
    sql.int(from).push(" AND w.when_us <= ").int(to);
    sql.push(") ORDER BY request_id, when_us, id");
    sql
}
