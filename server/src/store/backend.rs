//! The one backend mechanism: [`Db`], one variant per supported database, holds a pool
//! ([`Store`]), a transaction's connection ([`Conn`]) or a batch's transaction, and the one
//! macro `on_db!` runs the same body on whichever variant is there (compiled once per
//! backend). The runners below execute a [`Sql`] statement on a pool or a connection, written
//! in that backend's placeholder style.
//!
//! Why an enum over generic parameters: every query is written once, and a new backend
//! (MySQL/MariaDB is next) is an addition: a variant, an arm in `on_db!` and in the few
//! matches the compiler then points at, its [`Placeholders`] style, its pool and migrator.

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{FromRow, PgConnection, SqliteConnection};

use crate::store::error::StoreError;
use crate::store::sql::{Placeholders, Sql};

/// One value per supported database: a pool, a connection or a transaction of that backend.
#[derive(Clone, Debug)]
pub enum Db<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// A connection pool to one of the supported databases. Cheap to clone.
pub type Store = Db<SqlitePool, PgPool>;

/// A connection (inside a transaction) of either backend.
pub(crate) type Conn<'a> = Db<&'a mut SqliteConnection, &'a mut PgConnection>;

/// SQLite's placeholders, for the statements only SQLite runs: `?`, which it binds in order
/// without looking a parameter's name up (the form sqlx's own builder writes for SQLite).
pub(crate) const SQLITE_PLACEHOLDERS: Placeholders = Placeholders::Anonymous;

/// Runs `$body` with `$x` bound to what the [`Db`] `$db` holds (by reference when `$db` is a
/// reference: `&Pool` for a [`Store`], `&mut &mut XConnection` for a `&mut Conn`, where
/// `&mut **$x` is the executor).
macro_rules! on_db {
    ($db:expr, $x:ident => $body:expr) => {
        match $db {
            $crate::store::backend::Db::Sqlite($x) => $body,
            $crate::store::backend::Db::Postgres($x) => $body,
        }
    };
}
pub(crate) use on_db;

impl<S, P> Db<S, P> {
    /// `sqlite` or `postgres`, for logs and the status page.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// How this backend writes a bind's placeholder.
    pub(crate) fn placeholders(&self) -> Placeholders {
        match self {
            Self::Sqlite(_) => SQLITE_PLACEHOLDERS,
            Self::Postgres(_) => Placeholders::Numbered,
        }
    }
}

/// A row type every backend can decode.
pub(crate) trait Row:
    Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{
}

impl<T> Row for T where T: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow>
{}

impl Store {
    /// Every row of `sql`.
    pub(crate) async fn fetch_all<R: Row>(&self, sql: &Sql<'_>) -> Result<Vec<R>, StoreError> {
        let text = sql.render(self.placeholders());
        Ok(on_db!(self, pool => sql.query_as(&text)?.fetch_all(pool).await?))
    }

    /// The first row of `sql`, if any.
    pub(crate) async fn fetch_optional<R: Row>(
        &self,
        sql: &Sql<'_>,
    ) -> Result<Option<R>, StoreError> {
        let text = sql.render(self.placeholders());
        Ok(on_db!(self, pool => sql.query_as(&text)?.fetch_optional(pool).await?))
    }

    /// The one row of `sql` (an error when there is none).
    pub(crate) async fn fetch_one<R: Row>(&self, sql: &Sql<'_>) -> Result<R, StoreError> {
        let text = sql.render(self.placeholders());
        Ok(on_db!(self, pool => sql.query_as(&text)?.fetch_one(pool).await?))
    }

    /// The first column of every row of `sql`.
    pub(crate) async fn fetch_column<T>(&self, sql: &Sql<'_>) -> Result<Vec<T>, StoreError>
    where
        (T,): Row,
    {
        let rows: Vec<(T,)> = self.fetch_all(sql).await?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    /// The one integer `sql` selects (a `COUNT`, a `MAX`, a `RETURNING id`); NULL reads as 0.
    pub(crate) async fn fetch_int(&self, sql: &Sql<'_>) -> Result<i64, StoreError> {
        let (n,): (Option<i64>,) = self.fetch_one(sql).await?;
        Ok(n.unwrap_or(0))
    }

    /// Runs `sql`, a statement without rows.
    pub(crate) async fn execute(&self, sql: &Sql<'_>) -> Result<(), StoreError> {
        let text = sql.render(self.placeholders());
        on_db!(self, pool => {
            sql.query(&text)?.execute(pool).await?;
        });
        Ok(())
    }
}

impl Conn<'_> {
    /// Every row of `sql`, inside this transaction.
    pub(crate) async fn fetch_all<R: Row>(&mut self, sql: &Sql<'_>) -> Result<Vec<R>, sqlx::Error> {
        let text = sql.render(self.placeholders());
        on_db!(self, c => sql.query_as(&text)?.fetch_all(&mut **c).await)
    }

    /// Runs `sql`, a statement without rows, inside this transaction.
    pub(crate) async fn execute(&mut self, sql: &Sql<'_>) -> Result<(), sqlx::Error> {
        let text = sql.render(self.placeholders());
        on_db!(self, c => {
            sql.query(&text)?.execute(&mut **c).await?;
        });
        Ok(())
    }
}
