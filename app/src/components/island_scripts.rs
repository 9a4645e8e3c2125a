//! The script that loads the wasm and starts the page's islands.
//!
//! Leptos' own islands script walks every element of the page with one `await` each to find
//! the islands; on a 10,000-row table that is ~200,000 awaits (1.6 s measured) after waiting
//! for an idle moment. Our islands never nest, so a native `querySelectorAll('leptos-island')`
//! finds them all at once. The script carries the response's CSP nonce.

use leptos::prelude::*;

/// Preloads the JS glue and the wasm, then hydrates each `<leptos-island>` by its component
/// export. With hashed file names it falls back to Leptos' own script (which knows them).
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    if options.hash_files {
        return view! { <HydrationScripts options islands=true/> }.into_any();
    }
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    // Without an output name baked in at build time, wasm-bindgen's file has a `_bg` suffix.
    let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        format!("{pkg}.wasm")
    } else {
        format!("{pkg}_bg.wasm")
    };
    let script = format!(
        "import * as m from '{pkg}.js';\
         await m.default({{module_or_path: '{wasm}'}});\
         m.hydrate();\
         for (const el of document.querySelectorAll('leptos-island')) {{\
           const island = m[el.dataset.component];\
           if (island) island(el); else console.warn('No wasm export for island', el.dataset.component);\
         }}"
    );
    view! {
        <link rel="modulepreload" href=format!("{pkg}.js")/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script>
    }
    .into_any()
}
