//! The feed's websocket: reconnects by itself with capped backoff, resuming after the newest
//! id received so nothing committed in between is missed (the server backfills it).

use std::{cell::Cell, rc::Rc, time::Duration};

use leptos::prelude::*;
use wasm_bindgen::{prelude::Closure, JsCast};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::{decode::decode, Feed};
use crate::components::feed_signals::ConnState;
use crate::model::LiveMessage;
use crate::routes;

/// Opens the socket; `failures` counts attempts since the last successful open.
pub(super) fn open(feed: Rc<Feed>, failures: Rc<Cell<u32>>) {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    let host = location.host().unwrap_or_default();
    let path = routes::live_socket_with(&feed.filter_query, feed.last_id.get());
    feed.ui.conn.set(if failures.get() == 0 {
        ConnState::Connecting
    } else {
        ConnState::Reconnecting
    });
    let socket = match WebSocket::new(&format!("{scheme}//{host}{path}")) {
        Ok(socket) => socket,
        Err(_) => return retry(feed, failures),
    };

    let (opened, ui) = (failures.clone(), feed.ui);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        opened.set(0);
        ui.conn.set(ConnState::Live);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let receiver = feed.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        match decode(&text) {
            Some(LiveMessage::Rows { rows, .. }) => {
                receiver.receive(rows.into_iter().map(|r| r.row).collect());
            }
            Some(LiveMessage::Gap { skipped }) => {
                receiver.ui.skipped.update(|s| *s += skipped);
            }
            Some(LiveMessage::Pruned { pruned, .. }) => {
                receiver.ui.pruned.update(|p| *p += pruned);
            }
            None => leptos::logging::warn!("Ignoring a malformed live feed frame."),
        }
    });
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let on_close = Closure::once(move |_: CloseEvent| retry(feed, failures));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
}

fn retry(feed: Rc<Feed>, failures: Rc<Cell<u32>>) {
    feed.ui.conn.set(ConnState::Reconnecting);
    let n = failures.get();
    failures.set(n.saturating_add(1));
    // 0.5 s, 1 s, 2 s, … capped at 10 s.
    let delay = Duration::from_millis((500u64 << n.min(5)).min(10_000));
    set_timeout(move || open(feed, failures), delay);
}
