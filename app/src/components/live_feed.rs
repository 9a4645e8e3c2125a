//! The live feed: a server-rendered table of the newest rows, which the [`LiveFeed`] island
//! keeps up to date over a websocket once the wasm has loaded.
//!
//! The table rows are static HTML, not reactive state: the browser side inserts new rows
//! (the same markup, `event_row_html`) and removes old ones directly, so 10,000 rows cost no
//! per-row signals, effects or keyed diffing. While the reader follows the newest rows, the
//! browser side keeps only about a screen of them in the page (`live_client::table`). The
//! island's own reactive state is the toolbar: connection, pause, held and skipped counts.

use leptos::prelude::*;

use super::event_row::table_html;
use super::feed_signals::{ConnState, FeedSignals};
use crate::model::{EventFilter, EventRow};
use crate::routes::{self, FeedOrder};

/// The live part of a feed: toolbar and websocket. `children` is the [`FeedTable`].
#[island]
pub fn LiveFeed(children: Children) -> impl IntoView {
    let ui = FeedSignals {
        conn: RwSignal::new(ConnState::Snapshot),
        paused: RwSignal::new(false),
        held: RwSignal::new(0),
        skipped: RwSignal::new(0),
        pruned: RwSignal::new(0),
    };
    let root = NodeRef::<leptos::html::Section>::new();
    // Effects run only in the browser, after hydration: that is when the socket opens.
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(_el) = root.get() else {
            return false;
        };
        #[cfg(feature = "hydrate")]
        crate::live_client::start(_el, ui);
        true
    });
    let conn = ui.conn;
    view! {
        <section class="feed" aria-label="Live feed" node_ref=root>
            <div class="feed-bar">
                <span role="status" aria-label="Live feed connection"
                    class=move || format!("conn {}", conn.get().label())>
                    {move || conn.get().label()}
                </span>
                {move || (conn.get() != ConnState::Snapshot).then(|| view! { <PauseButton ui/> })}
                {move || (ui.held.get() > 0).then(|| view! {
                    <span class="held">{format!("{} new rows held while paused", ui.held.get())}</span>
                })}
                {move || (ui.skipped.get() > 0).then(|| view! {
                    <span class="skipped" role="alert">
                        {format!("{} rows skipped (this page fell behind)", ui.skipped.get())}
                    </span>
                })}
                {move || (ui.pruned.get() > 0).then(|| view! {
                    <span class="skipped" role="alert">
                        {format!(
                            "{} older events were removed by retention; the feed continues \
                             from the oldest kept event",
                            ui.pruned.get(),
                        )}
                    </span>
                })}
            </div>
            {children()}
        </section>
    }
}

/// Pause holds new rows (bounded) so the table stands still; resume shows them.
#[component]
fn PauseButton(ui: FeedSignals) -> impl IntoView {
    let toggle = move |_| {
        let pausing = !ui.paused.get_untracked();
        ui.paused.set(pausing);
        #[cfg(feature = "hydrate")]
        if !pausing {
            crate::live_client::resume();
        }
    };
    view! {
        <button type="button" class="pause" on:click=toggle aria-pressed=move || ui.paused.get().to_string()>
            {move || if ui.paused.get() { "Resume" } else { "Pause" }}
        </button>
    }
}

/// The feed's table as the server renders it. Its data attributes tell the island where the
/// socket resumes (`cursor`), what it asks for (`filter`), which end new rows go to and how
/// many rows it keeps.
#[component]
pub fn FeedTable(
    rows: Vec<EventRow>,
    filter: EventFilter,
    cursor: i64,
    order: FeedOrder,
    max_rows: u32,
) -> impl IntoView {
    let empty = rows.is_empty();
    let rows: Vec<EventRow> = match order {
        FeedOrder::NewestFirst => rows,
        FeedOrder::OldestFirst => rows.into_iter().rev().collect(),
    };
    let order_attr = match order {
        FeedOrder::NewestFirst => "newest",
        FeedOrder::OldestFirst => "oldest",
    };
    view! {
        <table class="grid events" aria-label="Live events" data-cursor=cursor
            data-filter=routes::filter_query(&filter) data-order=order_attr data-max=max_rows
            inner_html=table_html(&rows, None)></table>
        {empty.then(|| view! {
            <p class="hint">"No events yet. New ones appear here as they are stored."</p>
        })}
    }
}
