//! Writing rows into the feed's table without moving what the reader is looking at.
//!
//! The table's rows sit in `<tbody>` chunks of at most [`CHUNK_ROWS`] (the server renders them
//! so; the browser skips a chunk while it is off screen). A frame's new rows go in as one
//! string of markup with one `insertAdjacentHTML` (the browser's parser builds them): into the
//! chunk at the live end while it has room (or always, under the window below), else as new
//! chunks. Old rows leave the far end by whole chunks and one range deletion. Before a change
//! we note the first row on screen and its position; afterwards we scroll by however far it
//! moved. A reader at the live end (the top when newest-first, the bottom when oldest-first)
//! keeps following new rows instead.
//!
//! **The window.** While the reader follows a newest-first feed, the page keeps only the
//! newest rows that fill a screen, and a few more ([`window_rows`]); the older ones, up to the
//! feed's bound, wait outside the page in a detached fragment (`Feed::below`) and come back,
//! a few chunks at a time, as the reader scrolls towards them ([`fill`]). Rows that enter and
//! leave the page in the same change are parsed but never styled, laid out or painted. Each
//! row in the page costs every change some main-thread time, on screen or not: in a static
//! copy of the live table in Chromium (1,000 rows/s, a change every 100 ms, thread time from a
//! trace), the main thread was 46 % busy with 200 rows in the page and 16 % with 40 (73 % and
//! 31 % in a slower hour of the same machine). Oldest-first feeds, whose live end is the
//! bottom, keep every row in the page.

use leptos::prelude::*;
use wasm_bindgen::{prelude::Closure, JsCast};
use web_sys::{DocumentFragment, Element, HtmlElement, Node};

use super::Feed;
use crate::components::event_row::{chunks_html, rows_html, CHUNK_ROWS};
use crate::model::EventRow;
use crate::routes::FeedOrder;

/// The row height the stylesheet gives an event row (13px text, padding and border), for
/// sizing the window before anything is measured.
const ROW_PX: f64 = 23.0;

/// Rows a following reader keeps beyond a screen's worth.
const WINDOW_MARGIN: usize = 4;

/// How close (in rows) the table's end may come to the viewport's before [`fill`] brings
/// more rows back.
const FILL_MARGIN: usize = 2;

/// How many rows [`fill`] moves back into the page at a time.
const FILL_ROWS: usize = 200;

/// Shows `rows` (oldest first) at the feed's live end and trims the far end to the bound.
pub(super) fn show(feed: &Feed, mut rows: Vec<EventRow>) {
    if rows.is_empty() {
        return;
    }
    let follow = at_live_end(feed);
    let anchor = if follow {
        None
    } else {
        first_visible(&feed.table)
    };
    let before = anchor.as_ref().map(|a| a.get_bounding_client_rect().top());
    let added = rows.len();
    let windowed = follow && feed.order == FeedOrder::NewestFirst;
    match feed.order {
        // `rows` is oldest first: newest-first tables take it reversed, at the top.
        FeedOrder::NewestFirst => {
            rows.reverse();
            insert(&feed.table, &rows, true, windowed);
        }
        FeedOrder::OldestFirst => insert(&feed.table, &rows, false, false),
    }
    feed.shown.set(feed.shown.get() + added);
    if windowed {
        keep_window(feed);
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

/// The rows in `table` (or in a fragment of its chunks): the rows of each chunk, summed.
pub(super) fn count_rows(parent: &Element) -> usize {
    let mut n = 0;
    let mut chunk = parent.first_element_child();
    while let Some(c) = chunk {
        if is_chunk(&c) {
            n += c.child_element_count() as usize;
        }
        chunk = c.next_element_sibling();
    }
    n
}

/// Listens for scrolling and resizing, which may bring the rows outside the page into view.
pub(super) fn watch_scrolling(feed: &std::rc::Rc<Feed>) {
    let feed = feed.clone();
    let on_scroll = Closure::<dyn FnMut()>::new(move || fill(&feed));
    for event in ["scroll", "resize"] {
        let _ =
            window().add_event_listener_with_callback(event, on_scroll.as_ref().unchecked_ref());
    }
    on_scroll.forget();
}

fn is_chunk(el: &Element) -> bool {
    el.tag_name().eq_ignore_ascii_case("tbody")
}

/// Inserts `rows` (in table order) at the top of the table, or at its bottom: into the chunk
/// at that end while it has room for all of them (or, `windowed`, always: the window then cuts
/// that chunk back), else as new chunks. A new chunk at the live end would be a new element
/// for the browser to decide on (shown or skipped) in every change.
fn insert(table: &Element, rows: &[EventRow], top: bool, windowed: bool) {
    let end = if top {
        table
            .first_element_child()
            .and_then(|h| h.next_element_sibling())
    } else {
        table.last_element_child()
    };
    match end.filter(is_chunk) {
        Some(chunk)
            if windowed || chunk.child_element_count() as usize + rows.len() <= CHUNK_ROWS =>
        {
            let at = if top { "afterbegin" } else { "beforeend" };
            let _ = chunk.insert_adjacent_html(at, &rows_html(rows, None));
        }
        _ => {
            let html = chunks_html(rows, None);
            // The header is the table's first child; new chunks go right after it, or last.
            let _ = match table.first_element_child().filter(|_| top) {
                Some(header) => header.insert_adjacent_html("afterend", &html),
                None => table.insert_adjacent_html("beforeend", &html),
            };
        }
    }
}

/// The rows a following reader keeps in the page: a screen of them, and [`WINDOW_MARGIN`].
fn window_rows() -> usize {
    (viewport_height() / ROW_PX).ceil() as usize + WINDOW_MARGIN
}

fn viewport_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0)
}

/// Moves the rows of a newest-first table beyond [`window_rows`] out of the page, ahead of the
/// rows already outside it.
fn keep_window(feed: &Feed) {
    let keep = window_rows();
    if feed.shown.get() <= keep {
        return;
    }
    let (Some(first_out), Some(last)) = (nth_row(&feed.table, keep), feed.table.last_child())
    else {
        return;
    };
    // From the chunk's start when the row is its first (else the range would leave an empty
    // chunk behind, which the stylesheet would size as a full one while off screen); else the
    // chunk is split, and the extracted part keeps a `<tbody>` of its own.
    let start = match first_out.previous_element_sibling() {
        None => first_out.parent_element(),
        Some(_) => Some(first_out),
    };
    let (Some(start), Ok(range)) = (start, document().create_range()) else {
        return;
    };
    if range.set_start_before(&start).is_err() || range.set_end_after(&last).is_err() {
        return;
    }
    let Ok(out) = range.extract_contents() else {
        return;
    };
    let moved = feed.shown.get() - keep;
    let _ = feed.below.prepend_with_node_1(&out);
    feed.shown.set(keep);
    feed.below_rows.set(feed.below_rows.get() + moved);
}

/// Brings rows from outside the page back into it once the table's bottom comes within
/// [`FILL_MARGIN`] rows of the viewport's (the reader scrolls towards the older rows). Scroll
/// events run before the frame they scroll is painted, so the reader never sees the table end
/// early. A following reader's table reaches [`WINDOW_MARGIN`] rows past the viewport, more
/// than this, so following never fills.
fn fill(feed: &Feed) {
    if feed.below_rows.get() == 0 {
        return;
    }
    let bottom = feed.table.get_bounding_client_rect().bottom();
    if bottom > viewport_height() + FILL_MARGIN as f64 * ROW_PX {
        return;
    }
    let mut moved = 0;
    while moved < FILL_ROWS {
        let Some(chunk) = feed.below.first_element_child() else {
            break;
        };
        moved += chunk.child_element_count() as usize;
        let _ = feed.table.append_child(&chunk);
    }
    feed.below_rows
        .set(feed.below_rows.get().saturating_sub(moved));
    feed.shown.set(feed.shown.get() + moved);
}

/// Removes rows from the far end beyond the feed's bound (they were shown; not "skipped"):
/// first from the rows outside the page, then from the table.
fn trim(feed: &Feed) {
    let mut excess = (feed.shown.get() + feed.below_rows.get()).saturating_sub(feed.max_rows);
    if excess == 0 {
        return;
    }
    match feed.order {
        FeedOrder::NewestFirst => {
            let below: &Node = feed.below.as_ref();
            let gone = remove_rows(below, excess, false);
            feed.below_rows.set(feed.below_rows.get() - gone);
            excess -= gone;
            let gone = remove_rows(&feed.table, excess, false);
            feed.shown.set(feed.shown.get() - gone);
        }
        FeedOrder::OldestFirst => {
            let gone = remove_rows(&feed.table, excess, true);
            feed.shown.set(feed.shown.get() - gone);
        }
    }
}

/// Removes up to `count` rows from the first chunks of `parent` (`from_top`) or from its last
/// ones: whole chunks while they fit, then the rest of the count from the next chunk in one
/// range deletion. Returns how many rows it removed.
fn remove_rows(parent: &Node, count: usize, from_top: bool) -> usize {
    let mut removed = 0;
    while removed < count {
        let Some(chunk) = end_chunk(parent, from_top) else {
            break;
        };
        let n = chunk.child_element_count() as usize;
        if n <= count - removed {
            chunk.remove();
            removed += n;
            continue;
        }
        let rows = chunk.children();
        let take = (count - removed) as u32;
        let (from, to) = if from_top {
            (rows.item(0), rows.item(take - 1))
        } else {
            (rows.item(n as u32 - take), rows.item(n as u32 - 1))
        };
        let (Some(from), Some(to), Ok(range)) = (from, to, document().create_range()) else {
            break;
        };
        if range.set_start_before(&from).is_ok()
            && range.set_end_after(&to).is_ok()
            && range.delete_contents().is_ok()
        {
            removed += take as usize;
        }
        break;
    }
    removed
}

/// The first or last `<tbody>` among `parent`'s children (a table or a fragment of chunks).
fn end_chunk(parent: &Node, first: bool) -> Option<Element> {
    let mut el = if first {
        first_element(parent)
    } else {
        last_element(parent)
    };
    while let Some(e) = el {
        if is_chunk(&e) {
            return Some(e);
        }
        el = if first {
            e.next_element_sibling()
        } else {
            e.previous_element_sibling()
        };
    }
    None
}

fn first_element(parent: &Node) -> Option<Element> {
    match parent.dyn_ref::<DocumentFragment>() {
        Some(fragment) => fragment.first_element_child(),
        None => parent.dyn_ref::<Element>()?.first_element_child(),
    }
}

fn last_element(parent: &Node) -> Option<Element> {
    match parent.dyn_ref::<DocumentFragment>() {
        Some(fragment) => fragment.last_element_child(),
        None => parent.dyn_ref::<Element>()?.last_element_child(),
    }
}

/// The row at index `n` (from 0) of the table, across its chunks.
fn nth_row(table: &Element, mut n: usize) -> Option<Element> {
    let mut chunk = table.first_element_child();
    while let Some(c) = chunk {
        if is_chunk(&c) {
            let rows = c.child_element_count() as usize;
            if n < rows {
                return c.children().item(n as u32);
            }
            n -= rows;
        }
        chunk = c.next_element_sibling();
    }
    None
}

/// Whether the reader is watching the end where new rows appear.
fn at_live_end(feed: &Feed) -> bool {
    let viewport = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let Some(first) = end_chunk(&feed.table, true) else {
        return true;
    };
    match feed.order {
        // The top of the first row is on screen.
        FeedOrder::NewestFirst => first.get_bounding_client_rect().top() >= 0.0,
        // The bottom of the table is on screen.
        FeedOrder::OldestFirst => feed.table.get_bounding_client_rect().bottom() <= viewport + 4.0,
    }
}

/// The first row whose bottom edge is below the top of the viewport: the first such chunk,
/// then a binary search in it (rows are laid out top to bottom, so this costs a few layout
/// reads however long the table is).
fn first_visible(table: &Element) -> Option<HtmlElement> {
    let mut chunk = table.first_element_child();
    while let Some(c) = chunk {
        if is_chunk(&c) && c.get_bounding_client_rect().bottom() > 0.0 {
            let rows = c.children();
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
            return rows.item(lo)?.dyn_into().ok();
        }
        chunk = c.next_element_sibling();
    }
    None
}
