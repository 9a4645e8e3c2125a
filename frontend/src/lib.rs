//! The wasm entry point: hydrates the server-rendered page. Everything else lives in `app`.

/// Called by the script cargo-leptos injects into every page once the wasm is loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
