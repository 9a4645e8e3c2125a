//! The live feed island's reactive state: the server renders it (as a snapshot) and the
//! browser's websocket client writes it, so it lives apart from both.

use leptos::prelude::*;

/// The feed's connection as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Server-rendered rows only (before the wasm loads, or with JavaScript off).
    Snapshot,
    Connecting,
    Live,
    Reconnecting,
}

impl ConnState {
    /// The word shown in the status element.
    pub fn label(self) -> &'static str {
        match self {
            Self::Snapshot => "snapshot",
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Reconnecting => "reconnecting",
        }
    }
}

/// The island's reactive state, written by the websocket client.
#[derive(Clone, Copy)]
pub struct FeedSignals {
    pub conn: RwSignal<ConnState>,
    pub paused: RwSignal<bool>,
    /// Rows received while paused, shown on resume.
    pub held: RwSignal<usize>,
    /// Rows that never reached the screen: dropped by the server because this page fell
    /// behind, or by the bounded hold buffer of a long pause.
    pub skipped: RwSignal<u64>,
    /// Events after this page's cursor that retention deleted before the socket read them.
    pub pruned: RwSignal<u64>,
}
