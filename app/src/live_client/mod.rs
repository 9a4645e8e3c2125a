//! The browser side of the live feed (wasm only): a websocket that resumes after the last id
//! it saw, and the table it writes rows into.
//!
//! # Layout
//! - `socket`: connect, reconnect with capped backoff, resume after the newest id seen.
//! - `decode`: websocket frames to rows via the browser's `JSON.parse` (no JSON library in the
//!   wasm bundle).
//! - `table`: inserting and trimming rows while the reader's scroll position holds, and keeping
//!   only about a screen of rows in the page while the reader follows the newest.
//!
//! Rows are applied in an animation frame at most every [`MIN_RENDER_INTERVAL_MS`], however many
//! websocket frames arrive: at 1,000 events/s the table changes 20 times a second, not 1,000,
//! and a hidden tab does no work.

mod decode;
mod socket;
mod table;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use leptos::prelude::*;
use web_sys::{DocumentFragment, Element};

use crate::components::feed_signals::FeedSignals;
use crate::model::EventRow;
use crate::routes::FeedOrder;

/// One live feed on the page.
struct Feed {
    ui: FeedSignals,
    /// The island's root: the toolbar and the table.
    root: Element,
    /// The table: its header, then its rows in `<tbody>` chunks.
    table: Element,
    order: FeedOrder,
    max_rows: usize,
    /// Rows in the table.
    shown: Cell<usize>,
    /// Older rows taken out of the page while the reader follows the newest (newest-first
    /// feeds only), in table order: `<tbody>` chunks that go back into the table as the reader
    /// scrolls towards them.
    below: DocumentFragment,
    /// Rows in `below`.
    below_rows: Cell<usize>,
    /// The encoded filter the socket URL carries.
    filter_query: String,
    /// The newest id received (shown or held): where a reconnect resumes.
    last_id: Cell<i64>,
    /// Rows received while paused, oldest first, at most `max_rows`.
    held: RefCell<Vec<EventRow>>,
    /// Rows waiting for the next animation frame, oldest first: however many frames arrive,
    /// the table changes (and lays out) at most once per frame.
    queued: RefCell<Vec<EventRow>>,
    frame_requested: Cell<bool>,
    /// When the table last changed (ms since the epoch).
    last_render: Cell<f64>,
}

/// The least time between two changes of the table. Each change costs a fixed share of
/// rendering (style, layout and paint of the rows on screen) beside its rows, so fewer, larger
/// changes keep the page's main thread freer, and the wait for the next change is part of every
/// row's latency. With the window (`table.rs`) of a screen and a half, at 1,000 events/s
/// (`scripts/bench-live.sh`, one machine, one hour): 100 ms gave commit → painted p50 134 /
/// p99 247 ms at 77 % main thread, 50 ms p50 90–103 / p99 186–246 ms at 88–90 %.
const MIN_RENDER_INTERVAL_MS: f64 = 50.0;

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
    let data = |name: &str| table.get_attribute(name).unwrap_or_default();
    let (order, max_rows, filter_query, cursor) = (
        FeedOrder::parse(Some(&data("data-order"))),
        data("data-max").parse().unwrap_or(1_000),
        data("data-filter"),
        data("data-cursor").parse().unwrap_or(0),
    );
    let feed = Rc::new(Feed {
        ui,
        root: root.into(),
        shown: Cell::new(table::count_rows(&table)),
        below: document().create_document_fragment(),
        below_rows: Cell::new(0),
        table,
        order,
        max_rows,
        filter_query,
        last_id: Cell::new(cursor),
        held: RefCell::new(Vec::new()),
        queued: RefCell::new(Vec::new()),
        frame_requested: Cell::new(false),
        last_render: Cell::new(0.0),
    });
    FEED.with(|f| *f.borrow_mut() = Some(feed.clone()));
    table::watch_scrolling(&feed);
    socket::open(feed, Rc::new(Cell::new(0)));
}

/// Shows the rows held while paused.
pub fn resume() {
    if let Some(feed) = FEED.with(|f| f.borrow().clone()) {
        let held = std::mem::take(&mut *feed.held.borrow_mut());
        feed.ui.held.set(0);
        feed.queue(held);
    }
}

impl Feed {
    /// Takes newly committed rows (oldest first): shown at the next frame, or held while
    /// paused.
    fn receive(self: &Rc<Self>, rows: Vec<EventRow>) {
        let last = self.last_id.get();
        let rows: Vec<EventRow> = rows.into_iter().filter(|r| r.id > last).collect();
        let Some(newest) = rows.last().map(|r| r.id) else {
            return;
        };
        self.last_id.set(newest);
        if !self.ui.paused.get_untracked() {
            return self.queue(rows);
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

impl Feed {
    /// Shows `rows` (oldest first) at the next animation frame.
    fn queue(self: &Rc<Self>, rows: Vec<EventRow>) {
        let mut queued = self.queued.borrow_mut();
        queued.extend(rows);
        // Rows beyond the table's bound would be trimmed as soon as they were inserted (a
        // hidden tab gets no frames); keep only those that will stay.
        let excess = queued.len().saturating_sub(self.max_rows);
        queued.drain(..excess);
        if !self.frame_requested.replace(true) {
            drop(queued);
            self.request_frame();
        }
    }

    /// Shows the queued rows at the first animation frame at least [`MIN_RENDER_INTERVAL_MS`]
    /// after the last change: a timer waits out the rest of the interval, so the page asks for
    /// no frames meanwhile (each requested frame runs the browser's whole rendering step, even
    /// when nothing changed).
    fn request_frame(self: &Rc<Self>) {
        use wasm_bindgen::JsCast;
        let feed = self.clone();
        let wait = MIN_RENDER_INTERVAL_MS - (js_sys::Date::now() - self.last_render.get());
        let requested = if wait > 0.0 {
            let later = wasm_bindgen::closure::Closure::once_into_js(move || feed.request_frame());
            window().set_timeout_with_callback_and_timeout_and_arguments_0(
                later.unchecked_ref(),
                wait.ceil() as i32,
            )
        } else {
            let flush = wasm_bindgen::closure::Closure::once_into_js(move || {
                feed.frame_requested.set(false);
                feed.last_render.set(js_sys::Date::now());
                let rows = std::mem::take(&mut *feed.queued.borrow_mut());
                table::show(&feed, rows);
            });
            window().request_animation_frame(flush.unchecked_ref())
        };
        if requested.is_err() {
            self.frame_requested.set(false);
        }
    }
}
