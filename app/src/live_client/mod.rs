//! The browser side of the live feed (wasm only): a websocket that resumes after the last id
//! it saw, and the table it writes rows into.
//!
//! # Layout
//! - `socket`: connect, reconnect with capped backoff, resume after the newest id seen.
//! - `decode`: websocket frames to rows via the browser's `JSON.parse` (no JSON library in the
//!   wasm bundle).
//! - `table`: inserting and trimming rows while the reader's scroll position holds.

mod decode;
mod socket;
mod table;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::Element;

use crate::components::FeedSignals;
use crate::model::EventRow;
use crate::routes::FeedOrder;

/// One live feed on the page.
struct Feed {
    ui: FeedSignals,
    /// The island's root: the toolbar and the table.
    root: Element,
    tbody: Element,
    order: FeedOrder,
    max_rows: usize,
    /// The encoded filter the socket URL carries.
    filter_query: String,
    /// The newest id received (shown or held): where a reconnect resumes.
    last_id: Cell<i64>,
    /// Rows received while paused, oldest first, at most `max_rows`.
    held: RefCell<Vec<EventRow>>,
}

thread_local! {
    /// The page's feed, for the pause button (a page has at most one feed).
    static FEED: RefCell<Option<Rc<Feed>>> = const { RefCell::new(None) };
}

/// Starts the feed whose island root is `root`: reads what the server rendered into the
/// table's data attributes and opens the socket.
pub fn start(root: web_sys::HtmlElement, ui: FeedSignals) {
    let Ok(Some(table)) = root.query_selector("table[data-cursor]") else {
        return;
    };
    let Ok(Some(tbody)) = table.query_selector("tbody") else {
        return;
    };
    let data = |name: &str| table.get_attribute(name).unwrap_or_default();
    let feed = Rc::new(Feed {
        ui,
        root: root.into(),
        tbody,
        order: FeedOrder::parse(Some(&data("data-order"))),
        max_rows: data("data-max").parse().unwrap_or(1_000),
        filter_query: data("data-filter"),
        last_id: Cell::new(data("data-cursor").parse().unwrap_or(0)),
        held: RefCell::new(Vec::new()),
    });
    FEED.with(|f| *f.borrow_mut() = Some(feed.clone()));
    socket::open(feed, Rc::new(Cell::new(0)));
}

/// Shows the rows held while paused.
pub fn resume() {
    if let Some(feed) = FEED.with(|f| f.borrow().clone()) {
        let held = std::mem::take(&mut *feed.held.borrow_mut());
        feed.ui.held.set(0);
        table::show(&feed, held);
    }
}

impl Feed {
    /// Takes newly committed rows (oldest first): shown now, or held while paused.
    fn receive(&self, rows: Vec<EventRow>) {
        let last = self.last_id.get();
        let rows: Vec<EventRow> = rows.into_iter().filter(|r| r.id > last).collect();
        let Some(newest) = rows.last().map(|r| r.id) else {
            return;
        };
        self.last_id.set(newest);
        if !self.ui.paused.get_untracked() {
            return table::show(self, rows);
        }
        let mut held = self.held.borrow_mut();
        held.extend(rows);
        // A long pause keeps only what the table could show; the rest is counted, not lost
        // silently.
        let excess = held.len().saturating_sub(self.max_rows);
        if excess > 0 {
            held.drain(..excess);
            self.ui.skipped.update(|s| *s += excess as u64);
        }
        self.ui.held.set(held.len());
    }
}
