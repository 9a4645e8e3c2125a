//! Exists rows as the usage audits see them (v2's `usage_audit._verified_audit_base` and the
//! glance audit's variant): counted by status and send status, and the failed ones listed.
//! The period is the exists' raw event time (`raw.when`), inclusive at both ends, as in v2.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// Which exists table (an allow-list: the table name never comes from input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistsTable {
    Nova,
    Glance,
}

impl ExistsTable {
    fn tables(self) -> &'static str {
        match self {
            Self::Nova => " FROM instance_exists x JOIN raw_events e ON e.id = x.raw_id",
            Self::Glance => " FROM image_exists x JOIN raw_events e ON e.id = x.raw_id",
        }
    }
}

/// How an exists' audit period compares with a length (µs): v2's `periodic` exists cover
/// exactly a day, `instantaneous` ones less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistsSpan {
    /// `audit_period_ending = audit_period_beginning + len`.
    Exactly(i64),
    /// `audit_period_ending < audit_period_beginning + len`.
    Shorter(i64),
}

/// How many exists have one (status, send status) pair.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatusCount {
    #[sqlx(try_from = "Text")]
    pub status: String,
    pub send_status: i64,
    pub n: i64,
}

/// A failed exists: id, reason, and its raw event's deployment and host.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExistsFail {
    pub id: i64,
    #[sqlx(try_from = "OptText")]
    pub fail_reason: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub cell: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub host: Option<String>,
}

impl Store {
    /// The exists of `table` whose raw event is within `[from, to]` and whose audit period
    /// matches `span`, counted by (status, send status).
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_status_counts(
        &self,
        table: ExistsTable,
        from: i64,
        to: i64,
        span: ExistsSpan,
    ) -> Result<Vec<StatusCount>, StoreError> {
        let mut sql = Sql::new("SELECT x.status, x.send_status, COUNT(*) AS n");
        sql.push(table.tables());
        sql.push(" WHERE e.when_us >= ").int(from);
        sql.push(" AND e.when_us <= ").int(to);
        match span {
            ExistsSpan::Exactly(len) => sql
                .push(" AND x.audit_period_ending = x.audit_period_beginning + ")
                .int(len),
            ExistsSpan::Shorter(len) => sql
                .push(" AND x.audit_period_ending < x.audit_period_beginning + ")
                .int(len),
        };
        sql.push(" GROUP BY x.status, x.send_status ORDER BY x.status, x.send_status");
        self.fetch_all(&sql).await
    }

    /// The failed exists of `table` whose raw event is within `[from, to]`, by id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_failed(
        &self,
        table: ExistsTable,
        from: i64,
        to: i64,
    ) -> Result<Vec<ExistsFail>, StoreError> {
        let mut sql = Sql::new("SELECT x.id, x.fail_reason, d.name AS cell, e.host");
        sql.push(table.tables());
        sql.push(" LEFT JOIN deployments d ON d.id = e.deployment_id");
        sql.push(" WHERE e.when_us >= ").int(from);
        sql.push(" AND e.when_us <= ").int(to);
        sql.push(" AND x.status = 'failed' ORDER BY x.id");
        self.fetch_all(&sql).await
    }
}
