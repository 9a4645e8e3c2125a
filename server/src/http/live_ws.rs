//! `GET /live/ws?after=<id>[&deployment=<id>&event=&service=&host=&tenant=&instance=&request=
//! &errors=1]`: the live feed websocket.
//!
//! On connect it backfills every committed row after `after` that passes the filter from the
//! database, then streams matching rows from the hub as they are committed: the filter is
//! applied here, per subscriber, so a browser watching one host receives that host's rows only.
//! A subscriber that lags behind the hub catches up from the database again, so nothing is
//! missed; one that is more than [`MAX_CATCH_UP`] rows behind is told how many rows it skipped
//! and continues from the newest ones. One whose cursor points at events retention deleted
//! is told how many were pruned ([`LiveMessage::Pruned`]) and resumes at the oldest kept event.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;

use app::model::{now_micros, EventFilter, LiveMessage, LiveRow, Micros};

use super::state::AppState;
use crate::live::Hub;
use crate::retention::resume_after_prune;
use crate::store::{Store, StoreError};

/// Rows per backfill query and frame.
const PAGE: u32 = 500;
/// How far behind a subscriber may be before it skips ahead.
const MAX_CATCH_UP: usize = 5_000;
/// Rows sent after a skip.
const AFTER_SKIP: u32 = 200;

/// The socket's query: `after` (the last id the page has; absent means "only new rows") and
/// the filter, parsed by the same code as the live page's URL.
#[derive(Debug)]
pub struct LiveQuery {
    after: Option<i64>,
    filter: EventFilter,
}

impl LiveQuery {
    fn parse(pairs: &[(String, String)]) -> Self {
        let after = pairs
            .iter()
            .rev()
            .find(|(k, _)| k == "after")
            .and_then(|(_, v)| v.parse().ok());
        let filter = EventFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        Self { after, filter }
    }
}

/// Upgrades same-origin requests; refuses others (a page elsewhere must not read the feed).
pub async fn upgrade(
    ws: WebSocketUpgrade,
    Query(pairs): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    if !same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "cross-origin websocket refused").into_response();
    }
    let query = LiveQuery::parse(&pairs);
    ws.on_upgrade(move |socket| async move {
        if let Err(e) = serve(socket, state, query).await {
            tracing::debug!(error = %e, "Live feed subscriber left.");
        }
    })
}

/// A browser always sends `Origin`; it must name the host the page was served from.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true; // not a browser: CLI tools and tests
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority.trim_end_matches('/') == host)
}

#[derive(Debug, thiserror::Error)]
enum FeedError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("socket: {0}")]
    Socket(#[from] axum::Error),
    #[error("encoding: {0}")]
    Json(#[from] serde_json::Error),
}

struct Feed {
    socket: WebSocket,
    store: Store,
    hub: Hub,
    filter: EventFilter,
    last: i64,
}

impl Feed {
    async fn send(&mut self, message: &LiveMessage) -> Result<(), FeedError> {
        let text = serde_json::to_string(message)?;
        self.socket.send(Message::Text(text.into())).await?;
        Ok(())
    }

    async fn send_rows(&mut self, rows: Vec<LiveRow>) -> Result<(), FeedError> {
        if let Some(last) = rows.last() {
            self.last = last.row.id;
            let sent = Some(Micros(now_micros()));
            self.send(&LiveMessage::Rows { rows, sent }).await?;
        }
        Ok(())
    }

    /// Sends every committed row after `last` up to the feed horizon, skipping ahead when
    /// too far behind; `last` ends at the horizon (every row up to it was sent or filtered
    /// out), so the hub's rows, which the tail reads past an earlier horizon, continue it.
    async fn catch_up(&mut self) -> Result<(), FeedError> {
        let horizon = self.store.feed_horizon().await?;
        self.skip_pruned(horizon).await?;
        let mut sent = 0usize;
        while self.last < horizon {
            if sent >= MAX_CATCH_UP {
                self.skip_ahead(horizon).await?;
                sent = 0;
            }
            let rows = self
                .store
                .matching_after(self.last, horizon, &self.filter, PAGE)
                .await?;
            let n = rows.len();
            self.send_rows(rows.into_iter().map(LiveRow::stored).collect())
                .await?;
            sent += n;
            if n < PAGE as usize {
                self.last = horizon;
            }
        }
        Ok(())
    }

    /// When retention deleted the events after `last`, says how many and moves `last` to
    /// just before the oldest kept event. `horizon` was read before the oldest id: ids that
    /// commit in between lie above it, so they are never taken for pruned
    /// ([`resume_after_prune`]).
    async fn skip_pruned(&mut self, horizon: i64) -> Result<(), FeedError> {
        let oldest = self.store.oldest_event_id().await?;
        if let Some(gap) = resume_after_prune(self.last, oldest, horizon) {
            self.last = gap.resume_after;
            self.send(&LiveMessage::Pruned {
                pruned: gap.pruned,
                resume_after: gap.resume_after,
            })
            .await?;
        }
        Ok(())
    }

    async fn skip_ahead(&mut self, horizon: i64) -> Result<(), FeedError> {
        let newest = self
            .store
            .recent_matching(&self.filter, AFTER_SKIP, horizon)
            .await?;
        let Some(oldest_kept) = newest.last().map(|r| r.id) else {
            return Ok(());
        };
        let skipped = self
            .store
            .count_matching_between(self.last, oldest_kept - 1, &self.filter)
            .await?;
        self.last = oldest_kept - 1;
        self.hub.record_skipped(skipped as u64);
        self.send(&LiveMessage::Gap {
            skipped: skipped as u64,
        })
        .await
    }
}

async fn serve(socket: WebSocket, state: AppState, query: LiveQuery) -> Result<(), FeedError> {
    // Subscribe before reading the database so nothing committed in between is missed.
    let mut rx = state.hub.subscribe();
    let last = match query.after {
        Some(after) => after,
        None => state.store.feed_horizon().await?,
    };
    let mut feed = Feed {
        socket,
        store: state.store,
        hub: state.hub.clone(),
        filter: query.filter,
        last,
    };
    feed.catch_up().await?;
    loop {
        tokio::select! {
            batch = rx.recv() => match batch {
                Ok(batch) => {
                    let rows: Vec<LiveRow> = batch
                        .iter()
                        .filter(|r| r.row.id > feed.last && feed.filter.matches(&r.row))
                        .cloned()
                        .collect();
                    feed.send_rows(rows).await?;
                    // Every row up to the batch's newest was sent or filtered out: a later
                    // catch-up starts there, not at the last match (which may be long ago).
                    if let Some(newest) = batch.last() {
                        feed.last = feed.last.max(newest.row.id);
                    }
                }
                Err(RecvError::Lagged(_)) => feed.catch_up().await?,
                Err(RecvError::Closed) => return Ok(()),
            },
            incoming = feed.socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(()),
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, host.parse().unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, o.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_host() {
        assert!(same_origin(&headers(
            Some("http://127.0.0.1:3000"),
            "127.0.0.1:3000"
        )));
        assert!(same_origin(&headers(None, "127.0.0.1:3000")));
        assert!(!same_origin(&headers(
            Some("http://evil.example"),
            "127.0.0.1:3000"
        )));
        assert!(!same_origin(&headers(
            Some("http://127.0.0.1:3001"),
            "127.0.0.1:3000"
        )));
    }
}
