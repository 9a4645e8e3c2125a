//! What `serve --demo` is doing, shared between the demo task (which writes it) and the web
//! backend (which shows it, so nobody mistakes demo data for real data).

use std::sync::{Arc, RwLock};

use app::model::DemoMode;

/// What `serve --demo` is doing, if anything; written by the demo task, read by the UI.
#[derive(Clone, Default)]
pub struct DemoStatus(Arc<RwLock<Option<DemoMode>>>);

impl DemoStatus {
    /// Records how the demo feeds notifications now.
    pub fn set(&self, mode: DemoMode) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(mode);
    }

    /// How the demo feeds notifications, `None` when not in demo mode.
    pub fn get(&self) -> Option<DemoMode> {
        *self.0.read().unwrap_or_else(|e| e.into_inner())
    }
}
