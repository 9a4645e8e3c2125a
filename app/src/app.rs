//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, SsrMode,
};

use crate::pages::{HomePage, LivePage, NotFoundPage};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application root: page chrome and routes. Every route renders fully on the server
/// (`SsrMode::Async`) so pages work before — or without — the wasm.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/stacktach.css"/>
        <Title text="StackTach"/>
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">"StackTach"</A>
                <nav aria-label="Main">
                    <A href="/">"Deployments"</A>
                    <A href="/live">"Live feed"</A>
                </nav>
            </header>
            <main>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/live") view=LivePage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
