//! The live hub: committed rows fan out to websocket subscribers.
//!
//! Only rows that are committed are published. Each subscriber has a bounded buffer (a
//! broadcast channel); one that falls behind does not slow ingest — it learns how far it fell
//! behind and catches up from the database (see `http::live_ws`).

use std::sync::Arc;

use app::model::EventRow;
use tokio::sync::broadcast;

/// Batches buffered per subscriber before it is considered lagging.
pub const SUBSCRIBER_BUFFER: usize = 1024;

/// Publishes committed rows to every live subscriber. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<[EventRow]>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    /// A hub with no subscribers.
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(SUBSCRIBER_BUFFER);
        Self { sender }
    }

    /// Publishes one committed batch (oldest first). Having no subscriber is normal.
    pub fn publish(&self, rows: Vec<EventRow>) {
        if rows.is_empty() {
            return;
        }
        // `send` only fails when nobody is subscribed; the rows are in the database either way.
        if self.sender.send(rows.into()).is_err() {
            tracing::trace!("No live subscribers for a committed batch.");
        }
    }

    /// A new subscription receiving every batch published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<[EventRow]>> {
        self.sender.subscribe()
    }

    /// How many browsers are watching.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }
}
