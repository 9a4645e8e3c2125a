//! What `serve --demo` is doing, shared between the demo task (which writes it) and the web
//! backend (which shows it, so nobody mistakes demo data for real data, and nobody wonders
//! why demo notifications that the broker could not route never show up).

use std::sync::{Arc, RwLock};

use app::model::{DemoMode, DemoUnroutable};

/// What `serve --demo` is doing, if anything; written by the demo task, read by the UI.
#[derive(Clone, Default)]
pub struct DemoStatus(Arc<RwLock<State>>);

#[derive(Default)]
struct State {
    mode: Option<DemoMode>,
    unroutable: Option<DemoUnroutable>,
}

impl DemoStatus {
    /// Records how the demo feeds notifications now.
    pub fn set(&self, mode: DemoMode) {
        self.0.write().unwrap_or_else(|e| e.into_inner()).mode = Some(mode);
    }

    /// How the demo feeds notifications, `None` when not in demo mode.
    pub fn get(&self) -> Option<DemoMode> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).mode
    }

    /// Counts one simulated notification the broker returned as unroutable, remembering its
    /// exchange and routing key as the newest.
    pub fn record_unroutable(&self, exchange: &str, routing_key: &str) {
        let mut state = self.0.write().unwrap_or_else(|e| e.into_inner());
        let count = state.unroutable.as_ref().map_or(0, |u| u.count) + 1;
        state.unroutable = Some(DemoUnroutable {
            count,
            exchange: exchange.to_owned(),
            routing_key: routing_key.to_owned(),
        });
    }

    /// The unroutable demo notifications so far, `None` while there are none.
    pub fn unroutable(&self) -> Option<DemoUnroutable> {
        let state = self.0.read().unwrap_or_else(|e| e.into_inner());
        state.unroutable.clone()
    }
}
