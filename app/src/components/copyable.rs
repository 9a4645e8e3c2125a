//! A copy button for a block of text (the event page's JSON), added once the wasm has loaded.

use leptos::prelude::*;

/// Wraps `children` (which hold one `<pre>`) and, in the browser, offers to copy its text.
/// Without JavaScript the text is simply there to select.
#[island]
pub fn Copyable(children: Children) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    let ready = RwSignal::new(false);
    let copied = RwSignal::new(None::<bool>);
    Effect::new(move |_| ready.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = root.get_untracked() {
            copy_pre(&root, copied);
        }
    };
    view! {
        <div class="copyable" node_ref=root>
            {move || ready.get().then(|| view! {
                <button type="button" class="copy" on:click=copy>"Copy JSON"</button>
                {move || copied.get().map(|ok| view! {
                    <span class="copied" role="status">
                        {if ok { "Copied." } else { "Copying failed: select the text instead." }}
                    </span>
                })}
            })}
            {children()}
        </div>
    }
}

/// Copies the `<pre>` text under `root` to the clipboard; reports the outcome in `copied`.
#[cfg(feature = "hydrate")]
fn copy_pre(root: &web_sys::HtmlDivElement, copied: RwSignal<Option<bool>>) {
    use wasm_bindgen::{prelude::Closure, JsValue};
    let Some(text) = root
        .query_selector("pre")
        .ok()
        .flatten()
        .and_then(|pre| pre.text_content())
    else {
        return;
    };
    let promise = window().navigator().clipboard().write_text(&text);
    let ok = Closure::once(move |_: JsValue| copied.set(Some(true)));
    let failed = Closure::once(move |_: JsValue| copied.set(Some(false)));
    let _ = promise.then2(&ok, &failed);
    ok.forget();
    failed.forget();
}
