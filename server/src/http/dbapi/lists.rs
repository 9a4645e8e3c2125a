//! The `/db/usage/…` reads: a page of a usage table (`{"launches": […]}` and the like) or one
//! row by id (`{"launch": {…}}`), each row as v2's `model_to_dict`: v2's field names, foreign
//! keys as ids, every time as `"YYYY-MM-DD HH:MM:SS[.ffffff]"`, and `received` on exists.

use serde_json::{json, Map, Value};

use super::dates::v2_time;
use super::error::{no_route, ok, Answer, DbApiError};
use super::params::{filters, page, Params};
use crate::http::state::AppState;
use crate::store::dbapi::{DbRow, FieldKind, RECEIVED};

/// A row as v2 wrote it.
pub(super) fn to_v2<R: DbRow>(row: &R) -> Value {
    let mut value = serde_json::to_value(row).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        let times = R::TABLE
            .fields()
            .iter()
            .filter(|f| f.kind == FieldKind::Time);
        for field in times.chain(R::TABLE.is_exists().then_some(&RECEIVED)) {
            write_time(map, field.name);
        }
    }
    value
}

fn write_time(map: &mut Map<String, Value>, key: &str) {
    if let Some(v) = map.get_mut(key) {
        if let Some(us) = v.as_i64() {
            *v = Value::String(v2_time(us));
        }
    }
}

/// A page of `R`'s table under `envelope`.
pub(super) async fn list<R: DbRow>(state: AppState, params: Params, envelope: &str) -> Answer {
    let filters = filters(R::TABLE, &params)?;
    let page = page(R::TABLE, &params)?;
    let rows: Vec<R> = state.store.db_list(&filters, &page).await?;
    let rows: Vec<Value> = rows.iter().map(to_v2).collect();
    Ok(ok(&json!({ envelope: rows })))
}

/// One row of `R`'s table by its path id under `envelope`; a JSON 404 with Django's text when
/// there is none (v2 answered Django's HTML page). An id that is not v2's `\d+` matched no
/// route: a plain JSON 404.
pub(super) async fn one<R: DbRow>(state: AppState, id: String, envelope: &str) -> Answer {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(no_route());
    }
    // Digits beyond an i64 are a valid v2 path that matches no row.
    let row: Option<R> = match id.parse() {
        Ok(id) => state.store.db_get(id).await?,
        Err(_) => None,
    };
    let model = R::TABLE.model();
    let row =
        row.ok_or_else(|| DbApiError::NotFound(format!("No {model} matches the given query.")))?;
    Ok(ok(&json!({ envelope: to_v2(&row) })))
}
