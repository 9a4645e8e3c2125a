//! Writing rows into the feed's table without moving what the reader is looking at.
//!
//! Rows are built once from [`EventRowView`] and then are plain DOM: inserting is one
//! `insertBefore`, trimming one `remove`. Before a change we note the first row on screen and
//! its position; afterwards we scroll by however far it moved. A reader at the live end (the
//! top when newest-first, the bottom when oldest-first) keeps following new rows instead.

use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::Feed;
use crate::components::EventRowView;
use crate::model::EventRow;
use crate::routes::FeedOrder;

/// Shows `rows` (oldest first) at the feed's live end and trims the far end to the bound.
pub(super) fn show(feed: &Feed, rows: Vec<EventRow>) {
    if rows.is_empty() {
        return;
    }
    let follow = at_live_end(feed);
    let anchor = if follow {
        None
    } else {
        first_visible(&feed.tbody)
    };
    let before = anchor.as_ref().map(|a| a.get_bounding_client_rect().top());
    for row in rows {
        let mut state = view! { <EventRowView row/> }.build();
        let marker = match feed.order {
            FeedOrder::NewestFirst => feed.tbody.first_child(),
            FeedOrder::OldestFirst => None,
        };
        state.mount(&feed.tbody, marker.as_ref());
    }
    trim(feed);
    if let Ok(Some(hint)) = feed.root.query_selector("p.hint") {
        hint.remove();
    }
    match (anchor, before) {
        (Some(anchor), Some(top)) if anchor.is_connected() => {
            let moved = anchor.get_bounding_client_rect().top() - top;
            if moved != 0.0 {
                window().scroll_by_with_x_and_y(0.0, moved);
            }
        }
        _ if follow && feed.order == FeedOrder::OldestFirst => {
            let height = document()
                .document_element()
                .map(|e| e.scroll_height())
                .unwrap_or(0);
            window().scroll_to_with_x_and_y(0.0, f64::from(height));
        }
        _ => {}
    }
}

/// Removes rows from the far end beyond the feed's bound (they were shown; not "skipped").
fn trim(feed: &Feed) {
    let mut excess = (feed.tbody.child_element_count() as usize).saturating_sub(feed.max_rows);
    while excess > 0 {
        let far = match feed.order {
            FeedOrder::NewestFirst => feed.tbody.last_element_child(),
            FeedOrder::OldestFirst => feed.tbody.first_element_child(),
        };
        let Some(far) = far else { break };
        far.remove();
        excess -= 1;
    }
}

/// Whether the reader is watching the end where new rows appear.
fn at_live_end(feed: &Feed) -> bool {
    let viewport = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let rect = feed.tbody.get_bounding_client_rect();
    match feed.order {
        // The top of the table is on screen.
        FeedOrder::NewestFirst => rect.top() >= 0.0,
        // The bottom of the table is on screen.
        FeedOrder::OldestFirst => rect.bottom() <= viewport + 4.0,
    }
}

/// The first row whose bottom edge is below the top of the viewport (binary search: rows are
/// laid out top to bottom, so this costs O(log n) layout reads for 10,000 rows).
fn first_visible(tbody: &Element) -> Option<HtmlElement> {
    let rows = tbody.children();
    let (mut lo, mut hi) = (0u32, rows.length());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let bottom = rows.item(mid)?.get_bounding_client_rect().bottom();
        if bottom <= 0.0 {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    rows.item(lo)?.dyn_into().ok()
}
