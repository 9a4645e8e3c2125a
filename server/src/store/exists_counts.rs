//! Reading `exists_counts` (migration 0019): the exists rows per (status, send status), kept
//! by triggers on both exists tables, so whoever changes a row (ingest, the verifier, the /db
//! API, retention, an operator's SQL) changes the count in the same transaction. The status
//! page, `/api/v1/status`, the verifier's gauges and an unfiltered `/db/stats/*/exists` read
//! these few rows instead of counting every exists row.
//!
//! PostgreSQL and MySQL/MariaDB keep a key's count in up to 16 shards (one per server process
//! or connection, so concurrent writers do not wait on one row): the readers sum them.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;
use crate::store::verifier::exists_table;
use crate::verifier::model::Service;

/// One key's count: (status, send status, rows).
pub type ExistsCount = (String, i64, i64);

impl Store {
    /// The rows of the exists table `table` per (status, send status), ordered by both; only
    /// keys with rows.
    ///
    /// # Errors
    /// Database errors.
    pub(crate) async fn exists_counts(
        &self,
        table: &'static str,
    ) -> Result<Vec<ExistsCount>, StoreError> {
        self.counts(&exists_counts_sql(self.bigint(), table)).await
    }

    /// The same counts, counted over every row of `service`'s exists table: what the kept
    /// counts must equal (the tests compare the two after every kind of change).
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_counts_scanned(
        &self,
        service: Service,
    ) -> Result<Vec<ExistsCount>, StoreError> {
        let mut sql = Sql::new("SELECT status, send_status, COUNT(*) FROM ");
        sql.push(exists_table(service));
        sql.push(" GROUP BY status, send_status ORDER BY status, send_status");
        self.counts(&sql).await
    }

    /// The kept counts of `service`'s exists table ([`Store::exists_counts_scanned`]'s twin).
    ///
    /// # Errors
    /// Database errors.
    pub async fn exists_counts_kept(
        &self,
        service: Service,
    ) -> Result<Vec<ExistsCount>, StoreError> {
        self.exists_counts(exists_table(service)).await
    }

    async fn counts(&self, sql: &Sql<'_>) -> Result<Vec<ExistsCount>, StoreError> {
        let rows: Vec<(Text, i64, i64)> = self.fetch_all(sql).await?;
        Ok(rows
            .into_iter()
            .map(|(status, send_status, n)| (status.into(), send_status, n))
            .collect())
    }
}

/// [`Store::exists_counts`]' statement; `int` is the backend's 64-bit cast type (a sum is
/// `NUMERIC` on PostgreSQL and `DECIMAL` on MySQL).
pub(crate) fn exists_counts_sql(int: &str, table: &'static str) -> Sql<'static> {
    let mut sql = Sql::new("SELECT status, send_status, CAST(SUM(n) AS ");
    sql.push(int)
        .push(") FROM exists_counts WHERE tbl = ")
        .text(table);
    sql.push(" GROUP BY status, send_status HAVING SUM(n) <> 0 ORDER BY status, send_status");
    sql
}
