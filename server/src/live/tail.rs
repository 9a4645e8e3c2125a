//! The database tail: the one source of a web node's live rows, whichever process committed
//! them (see the module docs of `crate::live`).

use std::time::Duration;

use app::model::EventFilter;
use tokio_util::sync::CancellationToken;

use super::hub::Hub;
use crate::store::Store;

/// Rows read per query; a full page is followed at once by the next.
pub const TAIL_PAGE: u32 = 1_000;

/// The poll interval right after rows came (other processes' commits reach the feed within
/// it): at 50 ms, commit → push across processes measured p50 26 ms / p99 52 ms at 1,000
/// events/s (`stacktach bench-tail`), half the browser's 100 ms budget; 20 ms costs one
/// indexed `id > cursor` read 50 times a second per web node while events flow.
const POLL_FAST: Duration = Duration::from_millis(20);

/// The longest poll interval while nothing comes, and the retry delay after a database error.
const POLL_IDLE: Duration = Duration::from_millis(500);

/// Feeds `hub` with every event committed after the tail starts, oldest first, until
/// `shutdown`. Once it has its cursor, the hub's own ingestor only wakes it.
pub async fn run_tail(store: Store, hub: Hub, shutdown: CancellationToken) {
    // Cursor first, then attach: a local commit in between is published directly and read
    // again by the tail, and subscribers drop ids they already have; the other order would
    // lose it (woken, but at or below the cursor).
    let Some(mut cursor) = start_cursor(&store, &shutdown).await else {
        return;
    };
    let wake = hub.attach_tail();
    let mut interval = POLL_FAST;
    loop {
        match store
            .matching_after(cursor, &EventFilter::default(), TAIL_PAGE)
            .await
        {
            Ok(rows) => {
                let n = rows.len();
                interval = next_interval(interval, n);
                if let Some(last) = rows.last() {
                    cursor = last.id;
                }
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

/// The newest stored id: the tail pushes only what commits from now on (a subscriber reads
/// its own backlog from the database). `None` once `shutdown` fires first.
async fn start_cursor(store: &Store, shutdown: &CancellationToken) -> Option<i64> {
    loop {
        match store.max_event_id().await {
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
