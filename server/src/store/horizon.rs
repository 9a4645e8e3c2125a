//! The feed horizon: the highest event id below which nothing more will ever commit, so a
//! reader that resumes by id (the live tail, a websocket's backfill, `/api/v1/events`, the
//! `/stacky/watch` cursor) may move its cursor up to it and never skip a row.
//!
//! On PostgreSQL batches commit concurrently, so ids commit out of order: while a batch holding
//! id 100 is still open, another may commit 101, and a reader that took 101 and moved its
//! cursor there would never see 100. Each PostgreSQL batch therefore announces, as its first
//! statement, a lower bound of the ids it may take: a shared advisory lock (held until its
//! transaction ends, visible to every session in `pg_locks`) keyed by the id sequence's value
//! at that moment (every id it takes later is larger). A reader reads the sequence first (`L`:
//! every id up to it has been handed out) and then the locks (`W`: the smallest announced bound
//! of the batches still open); every id up to `min(L, W)` is committed or will never be (a
//! rolled-back batch, a duplicate's unused id). Proof of the order: a batch that took an id
//! `x <= L` did so before the sequence was read, after its lock was taken, so if it is still
//! open it is in `W` with a bound below `x`.
//!
//! This needs the id sequences to hand out values one at a time across sessions (`CACHE 1`,
//! what the migrations create): with a per-session cache a batch could take an id below the
//! value it announced.
//!
//! The quarantine's ids (`/api/v1/quarantine` pages by them) have a horizon of their own, the
//! same way: a batch announces a bound for each table.
//!
//! SQLite has one writer, and MySQL/MariaDB batches still take one row lock (`ingest_lock`):
//! there ids commit in order and the horizon is simply the largest stored id.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;

/// A table whose ids readers resume by: its id sequence and the key range of its batches'
/// bound locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdFeed {
    /// `raw_events`: the live feed, `/api/v1/events`, `/stacky/watch`.
    Events,
    /// `quarantine`: `/api/v1/quarantine`.
    Quarantine,
}

impl IdFeed {
    /// The advisory-lock key of a batch whose ids of this table are all above `bound` is
    /// `base + bound` (the single-`bigint` form): 2^62 for events, 2^61 for the quarantine,
    /// apart from each other and from every small key this or another application uses for
    /// the next 2.3 × 10^18 ids.
    const fn base(self) -> i64 {
        match self {
            Self::Events => 1 << 62,
            Self::Quarantine => 1 << 61,
        }
    }

    const fn sequence(self) -> &'static str {
        match self {
            Self::Events => "raw_events_id_seq",
            Self::Quarantine => "quarantine_id_seq",
        }
    }

    /// The last id the sequence handed out (0 before the first).
    fn handed_out_sql(self) -> String {
        format!(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {}",
            self.sequence()
        )
    }

    /// The smallest bound announced by a batch still open in this database (NULL when none
    /// is). `pg_locks` shows a `bigint` key as its high (`classid`) and low (`objid`) halves,
    /// with `objsubid` 1 (the two-`int4` form has 2 and never matches); a table's keys have
    /// high halves from `base >> 32` up to twice that.
    fn open_bound_sql(self) -> String {
        let (base, high) = (self.base(), self.base() >> 32);
        format!(
            "SELECT MIN((l.classid::bigint << 32 | l.objid::bigint) - {base}) FROM pg_locks l \
             WHERE l.locktype = 'advisory' AND l.objsubid = 1 \
             AND l.classid::bigint >= {high} AND l.classid::bigint < {} \
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            high * 2
        )
    }
}

impl Store {
    /// The feed horizon of `raw_events` (see the module docs): every event with an id up to it
    /// that will ever be stored is committed now. Monotonic: a batch that starts later
    /// announces a bound at or above every horizon read before it.
    ///
    /// # Errors
    /// Database errors.
    pub async fn feed_horizon(&self) -> Result<i64, StoreError> {
        self.horizon_of(IdFeed::Events).await
    }

    /// The feed horizon of `feed`'s table.
    ///
    /// # Errors
    /// Database errors.
    pub(crate) async fn horizon_of(&self, feed: IdFeed) -> Result<i64, StoreError> {
        match self {
            Self::Postgres(_) => {
                // In this order: the sequence, then the open batches (see the module docs).
                let handed_out = self.fetch_int(&Sql::new(&feed.handed_out_sql())).await?;
                let (open,): (Option<i64>,) =
                    self.fetch_one(&Sql::new(&feed.open_bound_sql())).await?;
                Ok(open.map_or(handed_out, |bound| bound.min(handed_out)))
            }
            Self::Sqlite(_) | Self::MySql(_) => match feed {
                IdFeed::Events => self.max_event_id().await,
                IdFeed::Quarantine => {
                    self.fetch_int(&Sql::new("SELECT MAX(id) FROM quarantine"))
                        .await
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::batch::POSTGRES_BATCH_START;

    #[test]
    fn a_batch_announces_every_feed_with_the_base_its_readers_subtract() {
        for feed in [IdFeed::Events, IdFeed::Quarantine] {
            let announce = format!(
                "pg_advisory_xact_lock_shared({} + (SELECT CASE WHEN is_called THEN last_value \
                 ELSE 0 END FROM {}))",
                feed.base(),
                feed.sequence()
            );
            assert!(POSTGRES_BATCH_START.contains(&announce), "{feed:?}");
            assert!(feed
                .open_bound_sql()
                .contains(&format!("- {}) FROM", feed.base())));
        }
        // The two tables' key ranges do not overlap.
        let (events, quarantine) = (IdFeed::Events.base(), IdFeed::Quarantine.base());
        assert_eq!(quarantine.checked_mul(2), Some(events));
    }
}
