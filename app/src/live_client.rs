//! The browser side of the live feed: a websocket that resumes after the last id it saw.

use std::{cell::Cell, rc::Rc, time::Duration};

use leptos::prelude::*;
use wasm_bindgen::{prelude::Closure, JsCast};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use crate::components::{ConnState, FeedState};
use crate::model::LiveMessage;
use crate::routes;

/// Opens the feed's socket; it reconnects by itself with capped backoff, resuming from the
/// newest row on screen so nothing committed in between is missed.
pub fn start(deployment: Option<i64>, state: FeedState) {
    open(deployment, state, Rc::new(Cell::new(0)));
}

fn open(deployment: Option<i64>, state: FeedState, failures: Rc<Cell<u32>>) {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss:",
        _ => "ws:",
    };
    let host = location.host().unwrap_or_default();
    let url = format!(
        "{scheme}//{host}{}",
        routes::live_socket(deployment, state.last_id())
    );
    state.conn.set(if failures.get() == 0 {
        ConnState::Connecting
    } else {
        ConnState::Reconnecting
    });
    let socket = match WebSocket::new(&url) {
        Ok(socket) => socket,
        Err(_) => return retry(deployment, state, failures),
    };

    let opened = failures.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        opened.set(0);
        state.conn.set(ConnState::Live);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        match serde_json::from_str::<LiveMessage>(&text) {
            Ok(message) => state.apply(message),
            Err(e) => leptos::logging::warn!("Ignoring a live feed frame: {e}"),
        }
    });
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let on_close = Closure::once(move |_: CloseEvent| retry(deployment, state, failures));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
}

fn retry(deployment: Option<i64>, state: FeedState, failures: Rc<Cell<u32>>) {
    state.conn.set(ConnState::Reconnecting);
    let n = failures.get();
    failures.set(n.saturating_add(1));
    // 0.5 s, 1 s, 2 s, … capped at 10 s.
    let delay = Duration::from_millis((500u64 << n.min(5)).min(10_000));
    set_timeout(move || open(deployment, state, failures), delay);
}
