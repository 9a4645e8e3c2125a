//! The wasm entry point. The app runs in islands mode: this only starts the reactive runtime;
//! the hydration script then calls each island's own export (the live feed, the copy button)
//! for the elements the server rendered. Everything else lives in `app`.

// The islands' `#[wasm_bindgen]` exports live in `app`; this keeps it linked.
use app as _;

/// Called by the script cargo-leptos injects into every page once the wasm is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
