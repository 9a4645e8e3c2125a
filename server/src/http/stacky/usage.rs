//! `/stacky/usage/{launches,deletes,exists}`: the usage tables as the `stacky usage` commands
//! print them. v2 served these early on and later dropped them (moving usage to `/db/usage/*`),
//! so `stacky usage …` broke; they are served again with the tables and headers of v2's last
//! version of them (`do_list_usage_*`), its optional `instance` filter and 400 text, its
//! `model_search` paging (50 by default, at most 1000), in id order.

use axum::extract::State;
use serde_json::{json, Value};

use super::answer::{ok, Answer, StackyError};
use super::format::when;
use super::params::Params;
use crate::http::state::AppState;
use crate::notification::ids::is_uuid_like;
use crate::store::stacky_usage::UsagePage;

/// `str(dt_from_decimal(x))` when set, else `None` (JSON `null`).
fn when_or_null(us: Option<i64>) -> Value {
    us.map_or(Value::Null, |us| json!(when(us)))
}

/// The page asked for: v2 checked `instance` whenever it was given, even empty.
fn page_of(params: &Params) -> Result<UsagePage<'_>, StackyError> {
    let instance = params.get("instance");
    if let Some(uuid) = instance.filter(|u| !is_uuid_like(u)) {
        return Err(StackyError::BadRequest(format!("{uuid} is not uuid-like")));
    }
    let (limit, offset) = params.page()?;
    Ok(UsagePage {
        instance,
        limit,
        offset,
    })
}

/// `GET /stacky/usage/launches/?instance=…`:
/// `[["UUID","Launched At","Instance Type Id","Instance Flavor Id"], …]`.
pub(super) async fn launches(State(state): State<AppState>, params: Params) -> Answer {
    let rows = state.store.stacky_usage_launches(page_of(&params)?).await?;
    let mut out = vec![json!([
        "UUID",
        "Launched At",
        "Instance Type Id",
        "Instance Flavor Id"
    ])];
    out.extend(rows.into_iter().map(|r| {
        json!([
            r.instance,
            when_or_null(r.launched_at),
            r.instance_type_id,
            r.instance_flavor_id
        ])
    }));
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/usage/deletes/?instance=…`: `[["UUID","Launched At","Deleted At"], …]`.
pub(super) async fn deletes(State(state): State<AppState>, params: Params) -> Answer {
    let rows = state.store.stacky_usage_deletes(page_of(&params)?).await?;
    let mut out = vec![json!(["UUID", "Launched At", "Deleted At"])];
    out.extend(rows.into_iter().map(|r| {
        json!([
            r.instance,
            when_or_null(Some(r.launched_at)),
            when_or_null(r.deleted_at)
        ])
    }));
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/usage/exists/?instance=…`: `[["UUID","Launched At","Deleted At",
/// "Instance Type Id","Instance Flavor Id","Message ID","Status"], …]`.
pub(super) async fn exists(State(state): State<AppState>, params: Params) -> Answer {
    let rows = state.store.stacky_usage_exists(page_of(&params)?).await?;
    let mut out = vec![json!([
        "UUID",
        "Launched At",
        "Deleted At",
        "Instance Type Id",
        "Instance Flavor Id",
        "Message ID",
        "Status"
    ])];
    out.extend(rows.into_iter().map(|r| {
        json!([
            r.instance,
            when_or_null(Some(r.launched_at)),
            when_or_null(r.deleted_at),
            r.instance_type_id,
            r.instance_flavor_id,
            r.message_id,
            r.status
        ])
    }));
    Ok(ok(&Value::Array(out)))
}
