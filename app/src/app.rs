//! The HTML shell and the router.
//!
//! The app runs in Leptos' islands mode: every route renders completely on the server
//! (`SsrMode::Async`, so pages work before — or without — the wasm), and only the islands
//! ([`crate::components::LiveFeed`], [`crate::components::Copyable`]) hydrate in the browser.
//! Navigation is ordinary page loads; the wasm bundle holds the islands and nothing else.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, SsrMode,
};

use crate::components::IslandScripts;
use crate::pages::{
    DrillPage, EventPage, HomePage, HostPage, InstancePage, LivePage, NotFoundPage, QuarantinePage,
    RequestPage, SearchPage, StatusPage, TenantPage, TimingsPage,
};
use crate::pages::{
    ImagePage, ReportPage, ReportsPage, UsageFailedPage, UsageListPage, UsageOverviewPage,
};

/// The document around the app, rendered on the server only. The islands script carries the
/// response's CSP nonce (see `server::http::csp`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <IslandScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application root: page chrome and routes.
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
                    <A href="/" exact=true>"Deployments"</A>
                    <A href="/live">"Live feed"</A>
                    <A href="/search">"Search"</A>
                    <A href="/timings">"Timings"</A>
                    <A href="/usage">"Usage"</A>
                    <A href="/reports">"Reports"</A>
                    <A href="/status">"Status"</A>
                </nav>
            </header>
            <main>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/live") view=LivePage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/events") view=DrillPage ssr=SsrMode::Async/>
                    <Route path=path!("/events/:id") view=EventPage ssr=SsrMode::Async/>
                    <Route path=path!("/hosts/:host") view=HostPage ssr=SsrMode::Async/>
                    <Route path=path!("/tenants/:tenant") view=TenantPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:id") view=RequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/instances/:id") view=InstancePage ssr=SsrMode::Async/>
                    <Route path=path!("/timings") view=TimingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/status") view=StatusPage ssr=SsrMode::Async/>
                    <Route path=path!("/status/quarantine/:id") view=QuarantinePage ssr=SsrMode::Async/>
                    <Route path=path!("/usage") view=UsageOverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/usage/failed") view=UsageFailedPage ssr=SsrMode::Async/>
                    <Route path=path!("/usage/:service/:table") view=UsageListPage ssr=SsrMode::Async/>
                    <Route path=path!("/images/:uuid") view=ImagePage ssr=SsrMode::Async/>
                    <Route path=path!("/reports") view=ReportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/reports/:id") view=ReportPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
