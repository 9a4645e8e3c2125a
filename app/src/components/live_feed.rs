//! The live feed table: server-rendered with the newest rows, then fed over a websocket.

use leptos::prelude::*;

use crate::components::{EventHeader, EventRowView};
use crate::model::{EventRow, LiveMessage};

/// Rows kept on screen; older ones fall off the bottom.
pub const MAX_ROWS: usize = 1_000;

/// The feed's connection as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnState {
    /// Server-rendered rows only (before hydration, or with JavaScript off).
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

/// The reactive state the websocket client writes into.
#[derive(Clone, Copy)]
pub struct FeedState {
    /// Newest first.
    pub rows: RwSignal<Vec<EventRow>>,
    pub conn: RwSignal<ConnState>,
    /// Rows the server dropped for this page because it fell behind.
    pub skipped: RwSignal<u64>,
}

impl FeedState {
    /// The id the feed resumes after.
    pub fn last_id(&self) -> i64 {
        self.rows
            .with_untracked(|rows| rows.first().map(|r| r.id).unwrap_or(0))
    }

    /// Applies one websocket message; returns the newest id now shown.
    pub fn apply(&self, message: LiveMessage) {
        match message {
            LiveMessage::Rows { rows } => self.rows.update(|shown| merge_newest(shown, rows)),
            LiveMessage::Gap { skipped } => self.skipped.update(|s| *s += skipped),
        }
    }
}

/// Puts `incoming` (oldest first) on top of `shown` (newest first), ignoring rows already
/// shown (a resume may overlap), and keeps at most [`MAX_ROWS`].
pub fn merge_newest(shown: &mut Vec<EventRow>, incoming: Vec<EventRow>) {
    let top = shown.first().map(|r| r.id).unwrap_or(0);
    let mut fresh: Vec<EventRow> = incoming.into_iter().filter(|r| r.id > top).collect();
    if fresh.is_empty() {
        return;
    }
    fresh.sort_by_key(|r| std::cmp::Reverse(r.id));
    fresh.append(shown);
    fresh.truncate(MAX_ROWS);
    *shown = fresh;
}

/// A live feed of one deployment (or all), starting from `initial` (newest first).
#[component]
pub fn LiveFeed(initial: Vec<EventRow>, deployment: Option<i64>) -> impl IntoView {
    let state = FeedState {
        rows: RwSignal::new(initial),
        conn: RwSignal::new(ConnState::Snapshot),
        skipped: RwSignal::new(0),
    };
    // Effects run only in the browser, after hydration: that is when the socket opens.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        crate::live_client::start(deployment, state);
        #[cfg(not(feature = "hydrate"))]
        let _ = deployment;
    });
    let conn = state.conn;
    let skipped = state.skipped;
    view! {
        <section class="feed" aria-label="Live feed">
            <div class="feed-bar">
                <span role="status" aria-label="Live feed connection"
                    class=move || format!("conn {}", conn.get().label())>
                    {move || conn.get().label()}
                </span>
                {move || (skipped.get() > 0).then(|| view! {
                    <span class="skipped" role="alert">
                        {format!("{} rows skipped while this page fell behind", skipped.get())}
                    </span>
                })}
            </div>
            <table class="grid events" aria-label="Live events">
                <EventHeader/>
                <tbody>
                    <For each=move || state.rows.get() key=|r| r.id let:row>
                        <EventRowView row/>
                    </For>
                </tbody>
            </table>
            {move || state.rows.with(Vec::is_empty).then(|| view! {
                <p class="hint">"No events yet. New ones appear here as they are stored."</p>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Micros;

    fn row(id: i64) -> EventRow {
        EventRow {
            id,
            deployment_id: 1,
            deployment: "d".into(),
            exchange: "nova".into(),
            routing_key: "monitor.info".into(),
            event: "e".into(),
            publisher: "p".into(),
            service: "p".into(),
            host: String::new(),
            when: Micros(0),
            request_id: String::new(),
            instance: String::new(),
            tenant: String::new(),
        }
    }

    fn ids(rows: &[EventRow]) -> Vec<i64> {
        rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn merge_puts_new_rows_on_top_and_skips_overlap() {
        let mut shown = vec![row(5), row(4)];
        merge_newest(&mut shown, vec![row(4), row(5), row(6), row(7)]);
        assert_eq!(ids(&shown), vec![7, 6, 5, 4]);
    }

    #[test]
    fn merge_keeps_the_buffer_bounded() {
        let mut shown = Vec::new();
        merge_newest(&mut shown, (1..=(MAX_ROWS as i64 + 10)).map(row).collect());
        assert_eq!(shown.len(), MAX_ROWS);
        assert_eq!(shown[0].id, MAX_ROWS as i64 + 10);
    }
}
