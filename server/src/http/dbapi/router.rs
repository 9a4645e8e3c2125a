//! The `/db` routes (v2's `dbapi_urls`), each served with and without its trailing slash. The
//! reads answer `GET`; the writes take every method so that a wrong one gets v2's 400
//! "Invalid method" (after which the token is checked).

use axum::extract::{Path, State};
use axum::routing::{any, get, MethodRouter};
use axum::Router;

use super::lists::{list, one};
use super::params::Params;
use super::{confirm, repair, stats, tenant};
use crate::http::state::AppState;
use crate::store::dbapi::{
    DbImageDelete, DbImageExists, DbImageUsage, DbInstanceDelete, DbInstanceExists,
    DbInstanceUsage, DbRow, ExistsService,
};

/// `GET` of a page of `R` under `envelope`.
fn list_route<R: DbRow>(envelope: &'static str) -> MethodRouter<AppState> {
    get(move |State(state): State<AppState>, params: Params| list::<R>(state, params, envelope))
}

/// `GET` of one `R` by id under `envelope`.
fn one_route<R: DbRow>(envelope: &'static str) -> MethodRouter<AppState> {
    get(move |State(state): State<AppState>, Path(id): Path<String>| one::<R>(state, id, envelope))
}

fn exists_stats_route(service: ExistsService) -> MethodRouter<AppState> {
    get(move |State(state): State<AppState>, params: Params| {
        stats::exists_stats(state, params, service)
    })
}

/// The nova usage tables (v2's deprecated aliases without `nova/` included).
fn nova_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    let launches = list_route::<DbInstanceUsage>("launches");
    let launch = one_route::<DbInstanceUsage>("launch");
    let deletes = list_route::<DbInstanceDelete>("deletes");
    let delete = one_route::<DbInstanceDelete>("delete");
    let exists = list_route::<DbInstanceExists>("exists");
    let exist = one_route::<DbInstanceExists>("exist");
    vec![
        ("/db/usage/launches", launches.clone()),
        ("/db/usage/nova/launches", launches),
        ("/db/usage/launches/{id}", launch.clone()),
        ("/db/usage/nova/launches/{id}", launch),
        ("/db/usage/deletes", deletes.clone()),
        ("/db/usage/nova/deletes", deletes),
        ("/db/usage/deletes/{id}", delete.clone()),
        ("/db/usage/nova/deletes/{id}", delete),
        ("/db/usage/exists", exists.clone()),
        ("/db/usage/nova/exists", exists),
        ("/db/usage/exists/{id}", exist.clone()),
        ("/db/usage/nova/exists/{id}", exist),
    ]
}

/// The glance usage tables, the stats and the writes.
fn other_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/db/usage/glance/images",
            list_route::<DbImageUsage>("images"),
        ),
        // v2's envelope for one image is `launch` too.
        (
            "/db/usage/glance/images/{id}",
            one_route::<DbImageUsage>("launch"),
        ),
        (
            "/db/usage/glance/deletes",
            list_route::<DbImageDelete>("deletes"),
        ),
        (
            "/db/usage/glance/deletes/{id}",
            one_route::<DbImageDelete>("delete"),
        ),
        (
            "/db/usage/glance/exists",
            list_route::<DbImageExists>("exists"),
        ),
        (
            "/db/usage/glance/exists/{id}",
            one_route::<DbImageExists>("exist"),
        ),
        (
            "/db/stats/nova/exists",
            exists_stats_route(ExistsService::Nova),
        ),
        (
            "/db/stats/glance/exists",
            exists_stats_route(ExistsService::Glance),
        ),
        ("/db/stats/events", get(stats::event_stats)),
        (
            "/db/confirm/usage/exists/{message_id}",
            any(confirm::confirm),
        ),
        ("/db/repair", any(repair::repair)),
        ("/db/tenant/info/{tenant_id}", any(tenant::info)),
        ("/db/tenant/batch_info", any(tenant::batch)),
    ]
}

/// Every route of the `/db` API.
pub fn router() -> Router<AppState> {
    nova_routes()
        .into_iter()
        .chain(other_routes())
        .fold(Router::new(), |router, (path, method)| {
            router
                .route(&format!("{path}/"), method.clone())
                .route(path, method)
        })
}
