//! [`Tx`]: a plain transaction for the writes that are not an ingest batch — the verifier's
//! status changes, the `/db` confirm, repair and tenant endpoints — where several statements
//! must land together or not at all (v2 ran each of them in one Django transaction).
//!
//! Unlike [`crate::store::BatchTx`] it takes no ingest lock: these writes never insert events,
//! so they cannot disturb the order in which event ids commit.

use sqlx::{MySql, Postgres, Sqlite, Transaction};

use crate::store::backend::{on_db, Conn, Db, Row, Store};
use crate::store::error::StoreError;
use crate::store::pool::sqlite_begin_immediate;
use crate::store::sql::Sql;

/// An open transaction of any backend; dropping it rolls it back.
pub struct Tx {
    tx: Db<
        Transaction<'static, Sqlite>,
        Transaction<'static, Postgres>,
        Transaction<'static, MySql>,
    >,
}

impl Store {
    /// Opens a transaction. On SQLite it is `BEGIN IMMEDIATE` (it takes the write lock at
    /// once), so a read-then-write inside it cannot fail to upgrade when another writer
    /// committed in between.
    ///
    /// # Errors
    /// Database errors.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let tx = match self {
            Self::Sqlite(pool) => Db::Sqlite(sqlite_begin_immediate(pool).await?),
            Self::Postgres(pool) => Db::Postgres(pool.begin().await?),
            Self::MySql(pool) => Db::MySql(pool.begin().await?),
        };
        Ok(Tx { tx })
    }
}

impl Tx {
    /// The transaction's connection.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match &mut self.tx {
            Db::Sqlite(tx) => Db::Sqlite(&mut **tx),
            Db::Postgres(tx) => Db::Postgres(&mut **tx),
            Db::MySql(tx) => Db::MySql(&mut **tx),
        }
    }

    /// Every row of `sql`, inside this transaction.
    pub(crate) async fn fetch_all<R: Row>(&mut self, sql: &Sql<'_>) -> Result<Vec<R>, StoreError> {
        Ok(self.conn().fetch_all(sql).await?)
    }

    /// The one integer `sql` selects (a count, an id); NULL or no row reads as 0.
    pub(crate) async fn fetch_int(&mut self, sql: &Sql<'_>) -> Result<i64, StoreError> {
        let rows: Vec<(Option<i64>,)> = self.fetch_all(sql).await?;
        Ok(rows.first().and_then(|(n,)| *n).unwrap_or(0))
    }

    /// Runs `sql`, a statement without rows.
    pub(crate) async fn execute(&mut self, sql: &Sql<'_>) -> Result<(), StoreError> {
        Ok(self.conn().execute(sql).await?)
    }

    /// Commits everything written in the transaction.
    ///
    /// # Errors
    /// Database errors: nothing of it is stored.
    pub async fn commit(self) -> Result<(), StoreError> {
        on_db!(self.tx, tx => tx.commit().await?);
        Ok(())
    }
}
