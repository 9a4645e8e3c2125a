//! The oldest server of each backend StackTach runs on, and the pure checks that refuse an
//! older one when the store connects: a clear "needs PostgreSQL 12 or later" instead of a
//! syntax error from a migration or a query half-way through a start.
//!
//! Each floor is the newest feature the migrations or the store's statements rely on (the
//! audit behind them is `docs/plans/versions.md`); newer servers are all accepted.

use crate::store::error::StoreError;

/// PostgreSQL 12, as `server_version_num`: the oldest release still answering the SQL the
/// store writes and the one the migrations are audited against (identity columns need 10;
/// lz4 compression needs 14 and is optional, decided by migrations 0002 and 0007).
pub(crate) const POSTGRES_LEAST: i64 = 120_000;

/// SQLite 3.35: `RETURNING` (the event insert's ids, the aggregate upserts); `UPDATE … FROM`
/// (the aggregate updates) needs 3.33.
pub(crate) const SQLITE_LEAST: (u32, u32, u32) = (3, 35, 0);

/// MariaDB 10.5: the binary NO PAD collation the migrations pick for it
/// (`utf8mb4_nopad_bin`, from 10.2), recursive CTEs and `max_recursive_iterations`.
pub(crate) const MARIADB_LEAST: (u32, u32, u32) = (10, 5, 0);

/// MySQL 8.0.17: `utf8mb4_0900_bin`, the binary NO PAD collation the migrations pick for it,
/// and the executable comments that choose it are versioned for it.
pub(crate) const MYSQL_LEAST: (u32, u32, u32) = (8, 0, 17);

/// What a refusal says is needed, per backend.
const POSTGRES_NEEDS: &str = "PostgreSQL 12 or later";
const SQLITE_NEEDS: &str = "SQLite 3.35 or later";
const MYSQL_NEEDS: &str = "MariaDB 10.5 or later, or MySQL 8.0.17 or later";

/// Which server answered on the MySQL protocol: its sessions are set up differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MySqlFlavour {
    MariaDb,
    MySql,
}

/// Refuses a PostgreSQL older than [`POSTGRES_LEAST`], from its `server_version_num` (`150020`)
/// and, for the message, its `server_version` (`15.20 (Debian 15.20-0+deb12u1)`).
///
/// # Errors
/// [`StoreError::UnsupportedServer`] for an older server or one whose number does not parse.
pub(crate) fn check_postgres(version_num: &str, version: &str) -> Result<(), StoreError> {
    match version_num.trim().parse::<i64>() {
        Ok(num) if num >= POSTGRES_LEAST => Ok(()),
        _ => Err(StoreError::UnsupportedServer {
            version: format!("PostgreSQL {version}"),
            needs: POSTGRES_NEEDS,
        }),
    }
}

/// Refuses a SQLite library older than [`SQLITE_LEAST`], from `sqlite_version()` (`3.46.0`).
/// (The bundled library is always new enough; this guards a build against the system's.)
///
/// # Errors
/// [`StoreError::UnsupportedServer`] for an older library or a version that does not parse.
pub(crate) fn check_sqlite(version: &str) -> Result<(), StoreError> {
    if version_triple(version).is_some_and(|v| v >= SQLITE_LEAST) {
        Ok(())
    } else {
        Err(StoreError::UnsupportedServer {
            version: format!("SQLite {version}"),
            needs: SQLITE_NEEDS,
        })
    }
}

/// The flavour of a MySQL-protocol server from its `VERSION()` (`10.11.19-MariaDB-…`,
/// `8.0.36`), refusing one older than [`MARIADB_LEAST`] or [`MYSQL_LEAST`].
///
/// # Errors
/// [`StoreError::UnsupportedServer`] for an older server or a version that does not parse.
pub(crate) fn check_mysql(version: &str) -> Result<MySqlFlavour, StoreError> {
    let (flavour, least) = if version.contains("MariaDB") {
        (MySqlFlavour::MariaDb, MARIADB_LEAST)
    } else {
        (MySqlFlavour::MySql, MYSQL_LEAST)
    };
    if version_triple(version).is_some_and(|v| v >= least) {
        Ok(flavour)
    } else {
        Err(StoreError::UnsupportedServer {
            version: version.to_owned(),
            needs: MYSQL_NEEDS,
        })
    }
}

/// `(major, minor, patch)` from the start of a version text (`10.11.19-MariaDB-…`, `8.0.36`,
/// `3.46.0`).
fn version_triple(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .map(str::parse::<u32>);
    let major = parts.next()?.ok()?;
    let minor = parts.next()?.ok()?;
    let patch = parts.next()?.ok()?;
    Some((major, minor, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(result: Result<impl std::fmt::Debug, StoreError>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn versions_parse_from_every_flavour() {
        assert_eq!(
            version_triple("10.11.19-MariaDB-0+deb12u1"),
            Some((10, 11, 19))
        );
        assert_eq!(version_triple("8.0.36"), Some((8, 0, 36)));
        assert_eq!(version_triple("8.4.0-log"), Some((8, 4, 0)));
        assert_eq!(version_triple("3.46.0"), Some((3, 46, 0)));
        assert_eq!(version_triple("garbage"), None);
        assert_eq!(version_triple("3.35"), None);
    }

    #[test]
    fn postgres_12_through_17_and_later_are_accepted() {
        for (num, text) in [
            ("120000", "12.0"),
            ("120022", "12.22"),
            ("130018", "13.18"),
            ("140015", "14.15"),
            ("150020", "15.20 (Debian 15.20-0+deb12u1)"),
            ("160006", "16.6"),
            ("170002", "17.2"),
            ("180000", "18.0"),
        ] {
            assert!(check_postgres(num, text).is_ok(), "{text}");
        }
    }

    #[test]
    fn an_older_postgres_is_refused_with_what_is_needed() {
        assert_eq!(
            refusal(check_postgres("110022", "11.22")),
            "unsupported database server \"PostgreSQL 11.22\" (StackTach needs PostgreSQL 12 \
             or later)"
        );
        assert_eq!(
            refusal(check_postgres("90624", "9.6.24")),
            "unsupported database server \"PostgreSQL 9.6.24\" (StackTach needs PostgreSQL 12 \
             or later)"
        );
        assert!(check_postgres("", "something else").is_err());
    }

    #[test]
    fn sqlite_from_3_35_is_accepted_and_older_refused() {
        assert!(check_sqlite("3.35.0").is_ok());
        assert!(check_sqlite("3.46.0").is_ok());
        assert!(check_sqlite("4.0.0").is_ok());
        assert_eq!(
            refusal(check_sqlite("3.34.1")),
            "unsupported database server \"SQLite 3.34.1\" (StackTach needs SQLite 3.35 or \
             later)"
        );
        assert!(check_sqlite("3.31").is_err());
    }

    #[test]
    fn mysql_and_mariadb_floors() {
        assert_eq!(
            check_mysql("10.5.0-MariaDB").unwrap(),
            MySqlFlavour::MariaDb
        );
        assert_eq!(
            check_mysql("10.11.19-MariaDB-0+deb12u1").unwrap(),
            MySqlFlavour::MariaDb
        );
        assert_eq!(check_mysql("8.0.17").unwrap(), MySqlFlavour::MySql);
        assert_eq!(check_mysql("8.4.0-log").unwrap(), MySqlFlavour::MySql);
        assert_eq!(
            refusal(check_mysql("10.4.32-MariaDB")),
            "unsupported database server \"10.4.32-MariaDB\" (StackTach needs MariaDB 10.5 or \
             later, or MySQL 8.0.17 or later)"
        );
        assert!(check_mysql("8.0.16").is_err());
        assert!(check_mysql("5.7.44-log").is_err());
    }
}
