//! The one backend mechanism: [`Db`], one variant per supported database, holds a pool
//! ([`Store`]), a transaction's connection ([`Conn`]) or a batch's transaction, and the one
//! macro `on_db!` runs the same body on whichever variant is there (compiled once per
//! backend). The runners below execute a [`Sql`] statement on a pool or a connection, written
//! in that backend's placeholder style.
//!
//! Why an enum over generic parameters: every query is written once, and a new backend is an
//! addition: a variant, an arm in `on_db!` and in the few matches the compiler then points at,
//! its [`Placeholders`] style, its pool and migrator (MySQL/MariaDB came that way).

use sqlx::mysql::{MySql, MySqlPool, MySqlRow};
use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{FromRow, MySqlConnection, PgConnection, SqliteConnection};

use crate::store::error::StoreError;
use crate::store::sql::{Placeholders, Sql};

/// One value per supported database: a pool, a connection or a transaction of that backend.
#[derive(Clone, Debug)]
pub enum Db<S, P, M> {
    Sqlite(S),
    Postgres(P),
    /// MySQL 8.0.17+ or MariaDB 10.5+ (one protocol, one variant).
    MySql(M),
}

/// A connection pool to one of the supported databases. Cheap to clone.
pub type Store = Db<SqlitePool, PgPool, MySqlPool>;

/// A connection (inside a transaction) of any backend.
pub(crate) type Conn<'a> =
    Db<&'a mut SqliteConnection, &'a mut PgConnection, &'a mut MySqlConnection>;

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
            $crate::store::backend::Db::MySql($x) => $body,
        }
    };
}
pub(crate) use on_db;

impl<S, P, M> Db<S, P, M> {
    /// `sqlite`, `postgres` or `mysql` (MariaDB too), for logs and the status page.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
            Self::MySql(_) => "mysql",
        }
    }

    /// How this backend writes a bind's placeholder.
    pub(crate) fn placeholders(&self) -> Placeholders {
        match self {
            Self::Sqlite(_) => SQLITE_PLACEHOLDERS,
            Self::Postgres(_) => Placeholders::Numbered,
            Self::MySql(_) => Placeholders::Anonymous,
        }
    }

    /// The type a `CAST(… AS …)` to a 64-bit integer names: MySQL and MariaDB reject
    /// `AS BIGINT` and call it `SIGNED` (which is also how a `SUM`, a DECIMAL there, decodes
    /// as `i64`).
    pub(crate) fn bigint(&self) -> &'static str {
        match self {
            Self::MySql(_) => "SIGNED",
            Self::Sqlite(_) | Self::Postgres(_) => "BIGINT",
        }
    }

    /// A request tracker's hour (its start floored to the hour) as `request_trackers_slowest`
    /// (migration 0021) indexes it: a virtual generated column on SQLite and MySQL/MariaDB; on
    /// PostgreSQL, whose generated columns are stored (adding one rewrites the table and leaves
    /// a new database's statistics saying it is empty), the index's expression itself.
    pub(crate) fn tracker_hour(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "(start - ((start % 3600000000) + 3600000000) % 3600000000)",
            Self::Sqlite(_) | Self::MySql(_) => "start_hour",
        }
    }

    /// A condition true when the text `column` contains `needle` (a literal of ours, no
    /// quote in it), byte for byte: `LIKE` would ignore case on SQLite.
    pub(crate) fn contains(&self, column: &str, needle: &str) -> String {
        debug_assert!(!needle.contains('\''), "needle {needle:?} is quoted as is");
        match self {
            Self::Postgres(_) => format!("strpos({column}, '{needle}') > 0"),
            Self::Sqlite(_) | Self::MySql(_) => format!("instr({column}, '{needle}') > 0"),
        }
    }

    /// ` INDEXED BY index` on SQLite, nothing elsewhere: SQLite keeps no statistics here (it
    /// is never `ANALYZE`d), so its planner guesses from the schema alone; the few reads whose
    /// speed rests on one index name it. (PostgreSQL and MySQL plan from their statistics.)
    pub(crate) fn indexed_by(&self, index: &str) -> String {
        match self {
            Self::Sqlite(_) => format!(" INDEXED BY {index}"),
            Self::Postgres(_) | Self::MySql(_) => String::new(),
        }
    }

    /// Whether this is MySQL or MariaDB, for the few statements written differently there.
    pub(crate) fn is_mysql(&self) -> bool {
        matches!(self, Self::MySql(_))
    }
}

/// A row type every backend can decode. (On MySQL a text column decodes only through
/// [`crate::store::text::Text`]: `String` compiles but fails at run time on binary-collated
/// columns.)
pub(crate) trait Row:
    Send
    + Unpin
    + for<'r> FromRow<'r, SqliteRow>
    + for<'r> FromRow<'r, PgRow>
    + for<'r> FromRow<'r, MySqlRow>
{
}

impl<T> Row for T where
    T: Send
        + Unpin
        + for<'r> FromRow<'r, SqliteRow>
        + for<'r> FromRow<'r, PgRow>
        + for<'r> FromRow<'r, MySqlRow>
{
}

/// Runs `sql`, an `INSERT`, on a MySQL connection; answers the rows it affected and the id
/// of the first row it inserted (0 when it inserted none). MySQL has no `RETURNING`: the
/// server reports the first id of the statement, and the rows' other ids are read back by
/// the caller (they need not be consecutive, e.g. with `innodb_autoinc_lock_mode = 2`).
///
/// # Errors
/// Database errors; an id beyond `i64` (only an UNSIGNED column could make one).
pub(crate) async fn insert_mysql(
    c: &mut MySqlConnection,
    sql: &Sql<'_>,
) -> Result<(u64, i64), sqlx::Error> {
    let text = sql.render(Placeholders::Anonymous);
    let done = sql.query::<MySql>(&text)?.execute(&mut *c).await?;
    let first = i64::try_from(done.last_insert_id()).map_err(|e| sqlx::Error::Decode(e.into()))?;
    Ok((done.rows_affected(), first))
}

/// `sql` followed by ` RETURNING id`, for the backends that have it.
fn returning_id<'a>(sql: &Sql<'a>) -> Sql<'a> {
    let mut with = sql.clone();
    with.push(" RETURNING id");
    with
}

impl Store {
    /// Every row of `sql`.
    pub(crate) async fn fetch_all<R: Row>(&self, sql: &Sql<'_>) -> Result<Vec<R>, StoreError> {
        let text = sql.render(self.placeholders());
        Ok(on_db!(self, pool => sql.query_as(&text)?.fetch_all(pool).await?))
    }

    /// Every row of `sql`, handed to `each` as it arrives instead of collected: for reads of
    /// a million rows, which then never sit in memory at once, and whose decoding (on
    /// SQLite's worker thread) overlaps with what `each` does with the previous rows.
    pub(crate) async fn for_each_row<R: Row>(
        &self,
        sql: &Sql<'_>,
        mut each: impl FnMut(R),
    ) -> Result<(), StoreError> {
        use futures::TryStreamExt;
        let text = sql.render(self.placeholders());
        on_db!(self, pool => {
            let mut rows = sql.query_as(&text)?.fetch(pool);
            while let Some(row) = rows.try_next().await? {
                each(row);
            }
        });
        Ok(())
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
        self.execute_rows(sql).await.map(|_| ())
    }

    /// Runs `sql`, a statement without rows; answers how many rows it changed (MySQL counts a
    /// row an `UPDATE` matched but left as it was, since sqlx asks it for found rows).
    pub(crate) async fn execute_rows(&self, sql: &Sql<'_>) -> Result<u64, StoreError> {
        let text = sql.render(self.placeholders());
        Ok(on_db!(self, pool => sql.query(&text)?.execute(pool).await?.rows_affected()))
    }

    /// Runs `sql`, an `INSERT` of one row (written without `RETURNING`), and answers the id
    /// of the row it inserted, 0 when it inserted none: `RETURNING id` on SQLite and
    /// PostgreSQL, the server's last insert id on MySQL (exact: it is per connection, and the
    /// statement runs on one).
    ///
    /// # Errors
    /// Database errors.
    pub(crate) async fn insert_id(&self, sql: &Sql<'_>) -> Result<i64, StoreError> {
        match self {
            Self::MySql(pool) => {
                let mut c = pool.acquire().await?;
                Ok(insert_mysql(&mut c, sql).await?.1)
            }
            Self::Sqlite(_) | Self::Postgres(_) => {
                let rows: Vec<(i64,)> = self.fetch_all(&returning_id(sql)).await?;
                Ok(rows.first().map_or(0, |(id,)| *id))
            }
        }
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
