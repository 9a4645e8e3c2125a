//! Writing rows into the feed's table without moving what the reader is looking at.
//!
//! A frame's new rows go in as one string of [`rows_html`] markup with one
//! `insertAdjacentHTML` (the browser's parser builds them), old ones leave with one range
//! deletion. Before a change we note the first row on screen and its position; afterwards we
//! scroll by however far it moved. A reader at the live end (the top when newest-first, the
//! bottom when oldest-first) keeps following new rows instead.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::Feed;
use crate::components::event_row::rows_html;
use crate::model::EventRow;
use crate::routes::FeedOrder;

/// Shows `rows` (oldest first) at the feed's live end and trims the far end to the bound.
pub(super) fn show(feed: &Feed, mut rows: Vec<EventRow>) {
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
    // `rows` is oldest first: newest-first tables take it reversed, at the top.
    let at = match feed.order {
        FeedOrder::NewestFirst => {
            rows.reverse();
            "afterbegin"
        }
        FeedOrder::OldestFirst => "beforeend",
    };
    let _ = feed.tbody.insert_adjacent_html(at, &rows_html(&rows, None));
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

/// Removes rows from the far end beyond the feed's bound (they were shown; not "skipped"),
/// in one range deletion.
fn trim(feed: &Feed) {
    let rows = feed.tbody.children();
    let count = rows.length() as usize;
    if count <= feed.max_rows {
        return;
    }
    let (Ok(range), Some(first), Some(last)) = (
        document().create_range(),
        feed.tbody.first_child(),
        feed.tbody.last_child(),
    ) else {
        return;
    };
    let ok = match feed.order {
        FeedOrder::NewestFirst => rows
            .item(feed.max_rows as u32)
            .map(|from| (range.set_start_before(&from), range.set_end_after(&last))),
        FeedOrder::OldestFirst => rows
            .item((count - feed.max_rows - 1) as u32)
            .map(|to| (range.set_start_before(&first), range.set_end_after(&to))),
    };
    if matches!(ok, Some((Ok(()), Ok(())))) {
        let _ = range.delete_contents();
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
