//! The requests behind v2's KPI summary (`pretty.py`) and error details reports: every nova
//! event of a window in one time-ordered, streamed read (the window's (instance, request)
//! pairs, its updated instances and the request walks all come from it), the parts of its
//! requests outside the window (v2 read a request's events from all time, without the
//! `.exists`), and the whole rows of the requests that failed; narrow rows for the walk,
//! whole rows only for the error details' failed requests.
//! Windows here are `(from, to]`, as in v2.

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

/// One nova event of a report window as [`Store::walk_window`] streams it: the walk's columns,
/// the instance (the window's (instance, request) pairs) and what kind of event it is (the
/// summary counts only the requests of instances updated in the window; `.exists` events are
/// not walked).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WindowRow {
    #[sqlx(flatten)]
    pub walk: WalkRow,
    #[sqlx(try_from = "OptText")]
    pub instance: Option<String>,
    /// [`WindowRow::UPDATE`], [`WindowRow::EXISTS`] or 0.
    pub kind: i64,
}

impl WindowRow {
    /// A `compute.instance.update`.
    pub const UPDATE: i64 = 1;
    /// A `compute.instance.exists`.
    pub const EXISTS: i64 = 2;
}

impl Store {
    /// Every nova event within `(from, to]`, in time and id order, as [`WindowRow`]s: the
    /// window's pairs, updated instances and (but for `.exists`) request walks all come from
    /// this one read, the only one of the whole window. On SQLite it reads only the `raw_events_window` index, which holds these
    /// columns: the table's rows carry the notification body (4.7 KB on average), and the
    /// parsed columns after it sit on each row's overflow page, so reading them from the table
    /// read the whole body of every event of the day.
    ///
    /// # Errors
    /// Database errors.
    pub async fn walk_window(
        &self,
        from: i64,
        to: i64,
        each: impl FnMut(WindowRow),
    ) -> Result<(), StoreError> {
        let columns = format!(
            "{}, instance, CAST(CASE WHEN event = 'compute.instance.update' THEN {} \
             WHEN event = 'compute.instance.exists' THEN {} ELSE 0 END AS {}) AS kind",
            self.walk_columns(),
            WindowRow::UPDATE,
            WindowRow::EXISTS,
            self.bigint()
        );
        let mut sql = Sql::new(&format!(
            "SELECT {columns} FROM raw_events{} WHERE when_us > ",
            self.indexed_by("raw_events_window")
        ));
        sql.int(from).push(" AND when_us <= ").int(to);
        sql.push(" AND exchange = 'nova' ORDER BY when_us, id");
        self.for_each_row(&sql, each).await
    }

    /// The nova events but `.exists` of these requests (only those outside `(from, to]` when
    /// `outside` is given) as [`WalkRow`]s, in request, time and id order: the parts of a
    /// window's requests that began before it or went on after it, found through the request
    /// index (so only those few rows are read from the table).
    ///
    /// # Errors
    /// Database errors.
    pub async fn walk_requests(
        &self,
        requests: &[String],
        outside: Option<(i64, i64)>,
        mut each: impl FnMut(WalkRow),
    ) -> Result<(), StoreError> {
        let columns = self.walk_columns();
        for chunk in requests.chunks(REQUESTS_PER_QUERY) {
            let mut sql = Sql::new(&format!(
                "SELECT {columns} FROM raw_events{} WHERE ",
                self.indexed_by("raw_events_request")
            ));
            if let Some((from, to)) = outside {
                sql.push("(when_us <= ").int(from);
                sql.push(" OR when_us > ").int(to).push(") AND ");
            }
            self.for_each_row(&requests_in(sql, chunk), &mut each)
                .await?;
        }
        Ok(())
    }

    /// The nova events but `.exists` of these requests as whole rows with the columns the
    /// error details list, in request, time and id order.
    ///
    /// # Errors
    /// Database errors.
    pub async fn request_raws(
        &self,
        requests: &[String],
        mut each: impl FnMut(ReportRaw),
    ) -> Result<(), StoreError> {
        let select = format!(
            "SELECT id, request_id, when_us, routing_key, event, service, host, tenant, \
             state, old_state, task, old_task, image_type, deployment_id FROM raw_events{} \
             WHERE ",
            self.indexed_by("raw_events_request")
        );
        for chunk in requests.chunks(REQUESTS_PER_QUERY) {
            let sql = Sql::new(&select);
            self.for_each_row(&requests_in(sql, chunk), &mut each)
                .await?;
        }
        Ok(())
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

    /// The [`WalkRow`] columns: the states, queue and operation folded into `flags` here, so
    /// only the request and tenant come as text.
    fn walk_columns(&self) -> String {
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
        format!(
            "id, request_id, when_us, CAST({flags} AS {}) AS flags, tenant, image_type, \
             deployment_id",
            self.bigint()
        )
    }
}

/// `sql` (ending in `WHERE ` or `AND `) restricted to the nova events but `.exists` of
/// `requests`, in request, time and id order.
fn requests_in<'a>(mut sql: Sql<'a>, requests: &'a [String]) -> Sql<'a> {
    sql.push("exchange = 'nova' AND event <> 'compute.instance.exists' AND request_id IN (");
    for (i, request) in requests.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.text(request);
    }
    sql.push(") ORDER BY request_id, when_us, id");
    sql.persistent(false);
    sql
}
