//! Migration files rewritten after they shipped, and the repair of `_sqlx_migrations` that
//! lets databases which applied the shipped text start again.
//!
//! sqlx's migrator refuses to run when an applied migration's stored checksum (the SHA-384
//! of its file's bytes) differs from the file's now ("migration 7 was previously applied but
//! has been modified"). Migrations are never edited, with one exception kept here: a shipped
//! migration that fails on servers StackTach supports, rewritten so that it has the same
//! effect wherever the shipped text succeeded. A database that applied the shipped text then
//! needs no schema change, only its stored checksum moved to the new text's, and
//! [`repair_postgres`] does that before the migrator checks, for exactly the shipped checksum:
//! any other stored checksum (a file modified by hand, a text never shipped) still fails the
//! migrator's check, as it should.

use sqlx::migrate::Migrator;
use sqlx::PgPool;

use crate::store::error::StoreError;

/// A migration whose file was replaced after release.
struct Rewritten {
    version: i64,
    /// The SHA-384 of the text that shipped, in hex (computed from the file in git).
    shipped: &'static str,
}

/// PostgreSQL's rewritten migrations.
///
/// 0007 shipped as a bare `ALTER TABLE … SET COMPRESSION lz4` (for `raw_events.json` and
/// `quarantine.body`): a syntax error on PostgreSQL 12 and 13, and an error on a 14+ server
/// built without lz4, so the migrations stopped there and StackTach could not start. Its
/// rewrite decides at migration time (lz4 where the server has it, the default pglz
/// elsewhere, never an error); where the shipped text ran it set lz4, as the rewrite does.
const POSTGRES_REWRITTEN: [Rewritten; 1] = [Rewritten {
    version: 7,
    shipped: "2425c5bc8fb604a7585673d01d1906e38fd36d4897dd9c903068c5f4b52aa28e\
              1c141410ef92f3bb3049deb756040776",
}];

/// Moves the stored checksum of each [`POSTGRES_REWRITTEN`] migration from the shipped text's
/// to `migrator`'s (the file compiled in), where it is exactly the shipped one. Runs before
/// the migrator, which then finds every applied migration matching its file. Nothing to do
/// on a fresh database (no `_sqlx_migrations` yet) or one already repaired; starts racing
/// through it update at most once, since the update is conditional on the old value.
///
/// # Errors
/// Database errors.
pub(crate) async fn repair_postgres(pool: &PgPool, migrator: &Migrator) -> Result<(), StoreError> {
    let tracked: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !tracked {
        return Ok(());
    }
    for rewritten in &POSTGRES_REWRITTEN {
        let Some(current) = migrator.iter().find(|m| m.version == rewritten.version) else {
            continue;
        };
        let updated = sqlx::query(
            "UPDATE _sqlx_migrations SET checksum = $1 \
             WHERE version = $2 AND checksum = decode($3, 'hex')",
        )
        .bind(current.checksum.as_ref())
        .bind(rewritten.version)
        .bind(rewritten.shipped)
        .execute(pool)
        .await?
        .rows_affected();
        if updated > 0 {
            tracing::info!(
                version = rewritten.version,
                "Migration rewritten since this database applied it; its stored checksum now \
                 matches the new text."
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha384};

    use super::*;

    /// `migrations/postgres/0007_json_lz4.sql` as it shipped (commit f6949e2; unchanged since).
    const SHIPPED_0007: &str = "\
-- Compress the stored notification JSON with lz4 instead of the default pglz: compressing the
-- JSON text is most of PostgreSQL's cost per stored event (PERFORMANCE.md lesson 3; +57 % insert
-- throughput for ~6 % more space). Applies to rows written from now on.
ALTER TABLE raw_events ALTER COLUMN json SET COMPRESSION lz4;
ALTER TABLE quarantine ALTER COLUMN body SET COMPRESSION lz4;
";

    static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_shipped_checksum_is_the_sha384_of_the_shipped_text() {
        assert_eq!(
            hex(&Sha384::digest(SHIPPED_0007.as_bytes())),
            POSTGRES_REWRITTEN[0].shipped
        );
    }

    /// sqlx's checksum is the SHA-384 of the file's bytes (so the one above is what a database
    /// that applied the shipped text stores), and 0007's text did change.
    #[test]
    fn sqlx_checksums_are_the_sha384_of_the_file() {
        let checksum = |version| {
            let m = MIGRATOR.iter().find(|m| m.version == version).unwrap();
            hex(&m.checksum)
        };
        let first = include_str!("../../../migrations/postgres/0001_raw_events.sql");
        assert_eq!(checksum(1), hex(&Sha384::digest(first.as_bytes())));
        let now = include_str!("../../../migrations/postgres/0007_json_lz4.sql");
        assert_eq!(checksum(7), hex(&Sha384::digest(now.as_bytes())));
        assert_ne!(checksum(7), POSTGRES_REWRITTEN[0].shipped);
    }
}
