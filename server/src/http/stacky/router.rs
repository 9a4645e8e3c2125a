//! The `/stacky` routes, each served with and without a trailing slash.

use axum::routing::{get, MethodRouter};
use axum::Router;

use super::{events, reports, timings, usage, watch};
use crate::http::state::AppState;

/// The routes of this API. v2 answered every path with a trailing slash and (Django's
/// `APPEND_SLASH`) redirected those without; the client asks for `/stacky/reports?…` and
/// `/stacky/report/<id>` without one, so both forms are served.
pub fn router() -> Router<AppState> {
    let routes: [(&str, MethodRouter<AppState>); 19] = [
        ("/stacky/deployments", get(events::deployments)),
        ("/stacky/events", get(events::event_names)),
        ("/stacky/hosts", get(events::hosts)),
        ("/stacky/uuid", get(events::uuid)),
        ("/stacky/timings", get(timings::timings)),
        ("/stacky/timings/uuid", get(timings::timings_uuid)),
        ("/stacky/summary", get(timings::summary)),
        ("/stacky/request", get(events::request)),
        ("/stacky/reports/search", get(reports::search)),
        ("/stacky/reports", get(reports::list)),
        ("/stacky/report/{report_id}", get(reports::one)),
        ("/stacky/show/{event_id}", get(events::show)),
        ("/stacky/watch/{deployment_id}", get(watch::watch)),
        ("/stacky/search", get(events::search)),
        ("/stacky/kpi", get(timings::kpi)),
        ("/stacky/kpi/{tenant_id}", get(timings::kpi_of_tenant)),
        ("/stacky/usage/launches", get(usage::launches)),
        ("/stacky/usage/deletes", get(usage::deletes)),
        ("/stacky/usage/exists", get(usage::exists)),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, method)| {
            router
                .route(&format!("{path}/"), method.clone())
                .route(path, method)
        })
}
