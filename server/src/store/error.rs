//! [`StoreError`]: what every store call can fail with, in its own file so that each table's
//! module names it without importing the store's root (which re-exports those modules), and
//! whether retrying can help ([`StoreError::is_permanent`]).

use sqlx::error::DatabaseError;
use sqlx::mysql::MySqlDatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Carries only the URL's scheme: the URL itself may hold a password.
    #[error(
        "unsupported database URL {} (expected sqlite://…, postgres://…, mysql://… or \
         mariadb://…)",
        describe_scheme(.scheme)
    )]
    UnsupportedUrl { scheme: String },
    /// A server (or SQLite library) older than the features the migrations and the store
    /// rely on, refused when connecting; `needs` names the oldest accepted (`store::versions`).
    #[error("unsupported database server {version:?} (StackTach needs {needs})")]
    UnsupportedServer {
        version: String,
        needs: &'static str,
    },
    /// A MySQL schema whose tables compare text other than byte for byte: dedupe and the
    /// aggregates' keys would merge values that differ (`'a'`/`'A'`, `'a'`/`'a '`).
    #[error(
        "the table raw_events uses the collation {found:?}; StackTach needs utf8mb4_nopad_bin \
         (MariaDB) or utf8mb4_0900_bin (MySQL), as its migrations create it"
    )]
    Collation { found: String },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// `scheme "oracle"`, or `without a scheme` for text that has none.
fn describe_scheme(scheme: &str) -> String {
    if scheme.is_empty() {
        "without a scheme".to_owned()
    } else {
        format!("scheme {scheme:?}")
    }
}

impl StoreError {
    /// Whether the database refused the data itself, so the same statement fails the same way
    /// however often it is retried: a value it cannot hold (PostgreSQL's `\u0000` in text, a
    /// value too long for its column or its index, a number out of range) or a constraint the
    /// row violates. Ingest then stores the rest of the batch and quarantines the message the
    /// database refuses (`crate::ingest`); anything else is retried.
    ///
    /// Only errors the database reported with a code of a known data or limit class are
    /// permanent; everything else is transient: connection, pool and I/O errors, locks,
    /// deadlocks, serialisation failures, shutdowns, full disks, and every code not listed
    /// here. Why that way round: quarantining a message for a transient error loses it for
    /// good (it is acked, and nothing replays the quarantine), while retrying an unknown
    /// permanent error stalls its exchange visibly (the board shows the error, the broker's
    /// queue grows) until an operator adds the code or fixes the cause, and loses nothing.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Sql(sqlx::Error::Database(db)) => rejects_data(db.as_ref()),
            _ => false,
        }
    }

    /// The database's own words for an error it reported, with its code (for a quarantine
    /// row's reason): `invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021)`.
    /// `None` for errors that did not come from the database.
    pub fn database_message(&self) -> Option<String> {
        let Self::Sql(sqlx::Error::Database(db)) = self else {
            return None;
        };
        let message = db.message();
        let code = db.code().unwrap_or_default();
        Some(
            if let Some(mysql) = db.try_downcast_ref::<MySqlDatabaseError>() {
                format!(
                    "{message} (MySQL error {}, SQLSTATE {code})",
                    mysql.number()
                )
            } else if db.try_downcast_ref::<SqliteError>().is_some() {
                format!("{message} (SQLite error {code})")
            } else {
                format!("{message} (SQLSTATE {code})")
            },
        )
    }
}

/// Whether `db`, an error a database reported, refuses the data (see
/// [`StoreError::is_permanent`]).
fn rejects_data(db: &dyn DatabaseError) -> bool {
    if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
        postgres_rejects(pg.code())
    } else if let Some(mysql) = db.try_downcast_ref::<MySqlDatabaseError>() {
        mysql_rejects(mysql.number(), mysql.code())
    } else if db.try_downcast_ref::<SqliteError>().is_some() {
        let code = db.code().and_then(|c| c.parse().ok());
        code.is_some_and(sqlite_rejects)
    } else {
        false
    }
}

/// PostgreSQL: SQLSTATE class 22 (data exception: `22021` invalid byte sequence, as for a
/// `\u0000` in text, `22P05` untranslatable character, `22001` string too long, `22003`
/// numeric value out of range, …), `23514` (a `CHECK` refused the row) and class 54 (program
/// limit exceeded: `54000` for an index row over a btree page's limit).
///
/// The rest of class 23 is transient on purpose: ingest writes every key, reference and
/// `NOT NULL` column itself, so a unique, foreign-key or not-null violation says the schema
/// or a concurrent writer is wrong for now (a migration half rolled out, a row another
/// process just deleted), not that this message is; quarantining on it would ack every
/// message of every batch until someone noticed. Retrying stalls visibly and loses nothing.
/// Everything else is transient too, among them class 08 (connection), 40 (`40001`
/// serialisation failure, `40P01` deadlock), 53 (insufficient resources), 55 (`55P03` lock
/// not available), 57 (`57014` cancelled, `57P01`–`57P03` shutdown) and 58 (system I/O).
fn postgres_rejects(sqlstate: &str) -> bool {
    sqlstate.starts_with("22") || sqlstate.starts_with("54") || sqlstate == "23514"
}

/// MySQL/MariaDB error numbers that refuse the data. (Their SQLSTATE is too coarse alone:
/// `1366` incorrect string value is the catch-all `HY000`.)
const MYSQL_REJECTS: [u16; 13] = [
    1071, // ER_TOO_LONG_KEY: key over the index's limit (3,072 bytes on InnoDB)
    1118, // ER_TOO_BIG_ROWSIZE
    1153, // ER_NET_PACKET_TOO_LARGE: a statement over max_allowed_packet
    1264, // ER_WARN_DATA_OUT_OF_RANGE
    1265, // WARN_DATA_TRUNCATED
    1292, // ER_TRUNCATED_WRONG_VALUE
    1300, // ER_INVALID_CHARACTER_STRING
    1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: incorrect string value
    1367, // ER_ILLEGAL_VALUE_FOR_TYPE
    1406, // ER_DATA_TOO_LONG
    1690, // ER_DATA_OUT_OF_RANGE
    3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
    4025, // ER_CONSTRAINT_FAILED (MariaDB's CHECK)
];

/// MySQL/MariaDB error numbers that are transient whatever their SQLSTATE says.
const MYSQL_TRANSIENT: [u16; 9] = [
    1040, // ER_CON_COUNT_ERROR: too many connections
    1053, // ER_SERVER_SHUTDOWN
    1203, // ER_TOO_MANY_USER_CONNECTIONS
    1205, // ER_LOCK_WAIT_TIMEOUT
    1213, // ER_LOCK_DEADLOCK
    1317, // ER_QUERY_INTERRUPTED
    1927, // ER_CONNECTION_KILLED (MariaDB)
    2006, // CR_SERVER_GONE_ERROR
    2013, // CR_SERVER_LOST
];

/// MySQL/MariaDB: the numbers of [`MYSQL_REJECTS`], and any other error whose SQLSTATE is of
/// class 22 (data exception), unless its number is one of [`MYSQL_TRANSIENT`] (deadlock,
/// lock wait timeout, connections lost or refused). Duplicate keys, foreign keys and
/// `NOT NULL` (class 23 but a `CHECK`) are transient, for the reason [`postgres_rejects`]
/// gives.
fn mysql_rejects(number: u16, sqlstate: Option<&str>) -> bool {
    if MYSQL_TRANSIENT.contains(&number) {
        return false;
    }
    MYSQL_REJECTS.contains(&number) || sqlstate.is_some_and(|s| s.starts_with("22"))
}

/// SQLite, by its extended result code: `SQLITE_CONSTRAINT_CHECK` (275) and
/// `SQLITE_CONSTRAINT_TRIGGER` (1811, a trigger's `RAISE(ABORT)`), `SQLITE_TOOBIG` (18, a
/// value over `SQLITE_MAX_LENGTH`) and `SQLITE_MISMATCH` (20). Unique, primary-key, foreign-key
/// and not-null violations are transient, for the reason [`postgres_rejects`] gives; so is
/// everything else, among them `SQLITE_BUSY` (5, and 261, 517, 773), `SQLITE_LOCKED` (6,
/// 262), `SQLITE_IOERR` (10 and its extended codes) and `SQLITE_FULL` (13).
fn sqlite_rejects(extended: i32) -> bool {
    matches!(extended, 275 | 1811) || matches!(extended & 0xff, 18 | 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_data_and_limit_classes_are_permanent() {
        for code in ["22021", "22P05", "22001", "22003", "23514", "54000"] {
            assert!(postgres_rejects(code), "{code}");
        }
    }

    #[test]
    fn postgres_connection_lock_and_resource_errors_are_transient() {
        let transient = [
            "08006", "08003", "40001", "40P01", "53100", "53300", "55P03", "57014", "57P01",
            "57P02", "57P03", "58030", "42P01", "XX000", "25P02",
            // The schema's or a concurrent writer's fault, not the message's.
            "23505", "23503", "23502",
        ];
        for code in transient {
            assert!(!postgres_rejects(code), "{code}");
        }
    }

    #[test]
    fn mysql_data_errors_are_permanent() {
        let rejected = [
            (1406, "22001"),
            (1366, "HY000"),
            (1071, "42000"),
            (1264, "22003"),
            (4025, "23000"),
            (3819, "HY000"),
        ];
        for (number, state) in rejected {
            assert!(mysql_rejects(number, Some(state)), "{number}");
        }
        assert!(mysql_rejects(1644, Some("22023")), "a SIGNAL of class 22");
    }

    #[test]
    fn mysql_lock_and_connection_errors_are_transient() {
        let transient = [
            (1213, Some("40001")),
            (1205, Some("HY000")),
            (2006, Some("HY000")),
            (2013, Some("HY000")),
            (1040, Some("08004")),
            (1203, Some("42000")),
            (1927, Some("70100")),
            (1146, Some("42S02")),
            (1644, Some("40001")),
            (1054, None),
            // Duplicate key, foreign key, not null: the schema's or a concurrent writer's.
            (1062, Some("23000")),
            (1452, Some("23000")),
            (1048, Some("23000")),
        ];
        for (number, state) in transient {
            assert!(!mysql_rejects(number, state), "{number}");
        }
    }

    #[test]
    fn sqlite_constraint_and_size_errors_are_permanent() {
        // SQLITE_CONSTRAINT_CHECK, _TRIGGER; SQLITE_TOOBIG, _MISMATCH.
        for code in [275, 1811, 18, 20] {
            assert!(sqlite_rejects(code), "{code}");
        }
    }

    #[test]
    fn sqlite_busy_locked_and_io_errors_are_transient() {
        // BUSY, BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT, LOCKED, LOCKED_SHAREDCACHE, IOERR,
        // IOERR_WRITE, FULL, NOMEM, ERROR, CANTOPEN, READONLY; CONSTRAINT (plain), _NOTNULL,
        // _UNIQUE, _PRIMARYKEY, _FOREIGNKEY: the schema's or a concurrent writer's fault.
        for code in [
            5, 261, 517, 773, 6, 262, 10, 778, 13, 7, 1, 14, 8, 19, 1299, 2067, 1555, 787,
        ] {
            assert!(!sqlite_rejects(code), "{code}");
        }
    }

    #[test]
    fn errors_the_database_did_not_report_are_transient() {
        let errors = [
            StoreError::Sql(sqlx::Error::PoolTimedOut),
            StoreError::Sql(sqlx::Error::PoolClosed),
            StoreError::Sql(sqlx::Error::WorkerCrashed),
            StoreError::Sql(sqlx::Error::Io(std::io::Error::from(
                std::io::ErrorKind::ConnectionReset,
            ))),
            StoreError::Sql(sqlx::Error::Protocol("unexpected message".into())),
            StoreError::Collation {
                found: "utf8mb4_general_ci".into(),
            },
        ];
        for e in errors {
            assert!(!e.is_permanent(), "{e}");
            assert_eq!(e.database_message(), None);
        }
    }
}
