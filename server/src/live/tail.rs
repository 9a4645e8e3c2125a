//! The database tail: the one source of a web node's live rows, whichever process committed
//! them (see the module docs of `crate::live`).

use std::sync::Arc;
use std::time::Duration;

use app::model::{EventFilter, EventRow};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::hub::Hub;
use crate::store::{Store, StoreError};

/// Rows read per query; a full page is followed at once by the next.
pub const TAIL_PAGE: u32 = 1_000;

/// The poll interval right after rows came (other processes' commits reach the feed within
/// it): at 50 ms, commit → push across processes measured p50 26 ms / p99 52 ms at 1,000
/// events/s (`stacktach bench-tail`), half the browser's 100 ms budget; 20 ms costs one
/// horizon read and one indexed `id > cursor` read 50 times a second per web node while
/// events flow.
const POLL_FAST: Duration = Duration::from_millis(20);

/// The longest poll interval while nothing comes, and the retry delay after a database error.
const POLL_IDLE: Duration = Duration::from_millis(500);

/// A database tail with its cursor read and its hub attached, ready to [`Tail::run`].
pub struct Tail {
    store: Store,
    hub: Hub,
    cursor: i64,
    wake: Arc<Notify>,
}

impl Tail {
    /// Reads the cursor (the feed horizon now), then makes the tail `hub`'s one source of
    /// rows. Call it before anything commits through `hub` and before any subscriber joins:
    /// a local commit before the cursor is read is below it (a subscriber reads its backlog
    /// from the database), one after is read by the tail, and a subscriber that joins later
    /// reads its backlog up to a horizon at or above the cursor (horizons never go back), so
    /// every row reaches it once. `None` once `shutdown` fires first.
    pub async fn start(store: Store, hub: Hub, shutdown: &CancellationToken) -> Option<Self> {
        let cursor = start_cursor(&store, shutdown).await?;
        let wake = hub.attach_tail();
        Some(Self {
            store,
            hub,
            cursor,
            wake,
        })
    }

    /// Feeds the hub with every event committed after the cursor, oldest first, until
    /// `shutdown`: when a local commit wakes it, and by polling for the other processes'.
    pub async fn run(self, shutdown: CancellationToken) {
        let Self {
            store,
            hub,
            mut cursor,
            wake,
        } = self;
        let mut interval = POLL_FAST;
        loop {
            match read_new(&store, cursor).await {
                Ok((rows, next)) => {
                    let n = rows.len();
                    interval = next_interval(interval, n);
                    cursor = next;
                    hub.publish(rows);
                    if n == TAIL_PAGE as usize {
                        continue;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, after = cursor, "The live feed cannot read new events; retrying.");
                    interval = POLL_IDLE;
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = wake.notified() => interval = POLL_FAST,
                () = tokio::time::sleep(interval) => {}
            }
        }
    }
}

/// The rows committed after `cursor` up to the feed horizon (at most [`TAIL_PAGE`]), and the
/// next cursor: the last row's id after a full page, else the horizon itself, since every row
/// up to it was read (the horizon is read first, so a row committed meanwhile above it waits
/// for the next read, and one below it cannot exist).
async fn read_new(store: &Store, cursor: i64) -> Result<(Vec<EventRow>, i64), StoreError> {
    let horizon = store.feed_horizon().await?;
    if horizon <= cursor {
        return Ok((Vec::new(), cursor));
    }
    let rows = store
        .matching_after(cursor, horizon, &EventFilter::default(), TAIL_PAGE)
        .await?;
    let next = match rows.last() {
        Some(last) if rows.len() == TAIL_PAGE as usize => last.id,
        _ => horizon,
    };
    Ok((rows, next))
}

/// The feed horizon now: the tail pushes only what commits from now on (a subscriber reads
/// its own backlog from the database). `None` once `shutdown` fires first.
async fn start_cursor(store: &Store, shutdown: &CancellationToken) -> Option<i64> {
    loop {
        match store.feed_horizon().await {
            Ok(id) => return Some(id),
            Err(e) => {
                tracing::warn!(error = %e, "The live feed cannot read the newest event id; retrying.");
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return None,
            () = tokio::time::sleep(POLL_IDLE) => {}
        }
    }
}

/// The wait before the next poll, after a read that found `rows`: short while rows come,
/// doubling up to [`POLL_IDLE`] while none do.
fn next_interval(current: Duration, rows: usize) -> Duration {
    if rows > 0 {
        POLL_FAST
    } else {
        (current * 2).min(POLL_IDLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_fast_while_rows_come_and_backs_off_to_the_idle_interval() {
        let mut interval = POLL_FAST;
        let mut seen = vec![];
        for _ in 0..6 {
            interval = next_interval(interval, 0);
            seen.push(interval.as_millis());
        }
        assert_eq!(seen, [40, 80, 160, 320, 500, 500]);
        assert_eq!(next_interval(POLL_IDLE, 3), POLL_FAST);
    }
}
