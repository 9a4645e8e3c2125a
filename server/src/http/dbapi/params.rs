//! The query string of a `/db` read as v2's `request.GET` ([`Params`]), and the filters and
//! page of a list built from it as v2's `_get_filter_args`, `_get_exists_filter_args` and
//! `get_db_objects` did, with every error text of theirs.

use axum::extract::Query;

use super::dates::{is_uuid_like, str_time_to_unix};
use super::error::DbApiError;
use crate::store::dbapi::{DbTable, FieldKind, Filters, Page, Range};

/// v2's `DEFAULT_LIMIT`.
const DEFAULT_LIMIT: i64 = 50;
/// v2's `HARD_LIMIT`: the most rows one page may hold.
const HARD_LIMIT: i64 = 1000;

/// The query string as Django's `QueryDict`: `get` answers a name's last value.
#[derive(Debug, Default)]
pub(super) struct Params(pub(super) Vec<(String, String)>);

impl Params {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        let found = self.0.iter().rev().find(|(k, _)| k == name);
        found.map(|(_, v)| v.as_str())
    }

    /// Each name once with its last value, in order of first appearance (`items()`).
    fn items(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = Vec::new();
        for (k, v) in &self.0 {
            match out.iter_mut().find(|(name, _)| name == k) {
                Some(entry) => entry.1 = v,
                None => out.push((k, v)),
            }
        }
        out
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = DbApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|Query(pairs)| Params(pairs))
            .map_err(|_| DbApiError::BadRequest("Malformed query string.".into()))
    }
}

fn bad(message: impl Into<String>) -> DbApiError {
    DbApiError::BadRequest(message.into())
}

fn not_a_date() -> DbApiError {
    bad("Range filters must be dates.")
}

fn no_such_field(name: &str) -> DbApiError {
    bad(format!("No such field '{name}'."))
}

/// The filters of a list or of the exists stats of `table`.
pub(super) fn filters(table: DbTable, params: &Params) -> Result<Filters, DbApiError> {
    let mut filters = Filters::default();
    let exists = table.is_exists();
    if exists {
        let date = |v: &str| str_time_to_unix(v).ok_or_else(not_a_date);
        filters.received_min = params.get("received_min").map(date).transpose()?;
        filters.received_max = params.get("received_max").map(date).transpose()?;
    }
    if let Some(uuid) = params.get("instance") {
        if !is_uuid_like(uuid) {
            return Err(bad(format!("{uuid} is not uuid-like")));
        }
        // v2 filtered glance models on a field they lack, a 500; the answer is now a 400.
        if table.field("instance").is_none() {
            return Err(no_such_field("instance"));
        }
        filters.instance = Some(uuid.to_string());
    }
    for (key, value) in params.items() {
        if exists && (key == "received_min" || key == "received_max") {
            continue;
        }
        let (name, min) = match (key.strip_suffix("_min"), key.strip_suffix("_max")) {
            (Some(name), _) => (name, true),
            (None, Some(name)) => (name, false),
            (None, None) => continue,
        };
        let field = table.field(name).ok_or_else(|| no_such_field(name))?;
        let at = str_time_to_unix(value).ok_or_else(not_a_date)?;
        if field.kind == FieldKind::Text {
            return Err(bad(format!(
                "Range filters apply to dates and numbers; '{name}' is text."
            )));
        }
        filters.ranges.push(Range { field, min, at });
    }
    Ok(filters)
}

/// A non-negative integer as Python's `int()` reads it; `Err(())` for anything else,
/// `Ok(None)` for digits too large for an `i64`.
fn non_negative(text: &str) -> Result<Option<i64>, ()> {
    let t = text.trim();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    let value: Option<i64> = digits.parse().ok();
    match value {
        Some(0) => Ok(Some(0)),
        _ if negative => Err(()),
        v => Ok(v),
    }
}

/// The order and page of a list of `table` (v2's `get_db_objects`).
pub(super) fn page(table: DbTable, params: &Params) -> Result<Page, DbApiError> {
    let order_by = match params.get("order_by") {
        None => table.default_order(),
        Some(name) => table.field(name).ok_or_else(|| no_such_field(name))?,
    };
    let descending = params.get("direction").is_none_or(|d| d == "desc");
    let invalid = |name: &str, v: &str| {
        bad(format!(
            "'{v}' value for {name} must be a non-negative integer."
        ))
    };
    let limit = match params.get("limit") {
        None => DEFAULT_LIMIT,
        // Python 2 compared '' > 1000 as true: an empty limit is the hard limit.
        Some("") => HARD_LIMIT,
        Some(v) => non_negative(v)
            .map_err(|()| invalid("limit", v))?
            .map_or(HARD_LIMIT, |n| n.min(HARD_LIMIT)),
    };
    let offset = match params.get("offset") {
        None | Some("") => 0,
        Some(v) => non_negative(v)
            .ok()
            .flatten()
            .ok_or_else(|| invalid("offset", v))?,
    };
    Ok(Page {
        order_by,
        descending,
        limit,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn message(e: DbApiError) -> String {
        e.to_string()
    }

    // v2 test_get_db_objects*: default desc 50, asc, limit, hard limit, offset.
    #[test]
    fn pages_as_get_db_objects() {
        let t = DbTable::InstanceUsages;
        let p = page(t, &of(&[])).unwrap();
        assert_eq!(
            (p.order_by.name, p.descending, p.limit, p.offset),
            ("launched_at", true, 50, 0)
        );
        let p = page(
            t,
            &of(&[("direction", "asc"), ("limit", "1001"), ("offset", "2")]),
        )
        .unwrap();
        assert_eq!((p.descending, p.limit, p.offset), (false, 1000, 2));
        let p = page(
            t,
            &of(&[("direction", "up"), ("limit", "99999999999999999999")]),
        )
        .unwrap();
        assert_eq!((p.descending, p.limit), (false, 1000));
        assert_eq!(page(t, &of(&[("limit", "")])).unwrap().limit, 1000);
        assert_eq!(page(t, &of(&[("limit", "-0")])).unwrap().limit, 0);
        assert_eq!(
            message(page(t, &of(&[("order_by", "nope")])).unwrap_err()),
            "No such field 'nope'."
        );
        assert_eq!(
            message(page(t, &of(&[("limit", "-1")])).unwrap_err()),
            "'-1' value for limit must be a non-negative integer."
        );
        assert!(page(t, &of(&[("offset", "99999999999999999999")])).is_err());
        assert!(page(t, &of(&[("offset", "x")])).is_err());
    }

    // v2 test_get_filter_args*: instance, _min/_max as dates, bad uuid, bad dates, bad field.
    #[test]
    fn filters_as_get_filter_args() {
        let t = DbTable::InstanceUsages;
        let uuid = "08f685d9-6352-4dbc-8271-96cc54bf14cd";
        let f = filters(
            t,
            &of(&[
                ("instance", uuid),
                ("launched_at_min", "2014-02-26 00:00:00"),
                ("launched_at_max", "2014-02-27 00:00:00.5"),
            ]),
        )
        .unwrap();
        assert_eq!(f.instance.as_deref(), Some(uuid));
        assert_eq!(f.ranges.len(), 2);
        assert_eq!(
            (f.ranges[0].min, f.ranges[0].at),
            (true, 1_393_372_800_000_000)
        );
        assert_eq!(
            (f.ranges[1].min, f.ranges[1].at),
            (false, 1_393_459_200_500_000)
        );
        let err = |pairs: &[(&str, &str)]| message(filters(t, &of(pairs)).unwrap_err());
        assert_eq!(
            err(&[("instance", "obviouslybaduuid")]),
            "obviouslybaduuid is not uuid-like"
        );
        assert_eq!(
            err(&[("launched_at_min", "bad")]),
            "Range filters must be dates."
        );
        assert_eq!(
            err(&[("launched_at_max", "bad")]),
            "Range filters must be dates."
        );
        assert_eq!(
            err(&[("somebadfield_max", "2014-02-26 00:00:00")]),
            "No such field 'somebadfield'."
        );
        assert_eq!(err(&[("received_min", "x")]), "No such field 'received'.");
        let exists = of(&[("received_min", "2014-02-26 00:00:00")]);
        let f = filters(DbTable::ImageExists, &exists).unwrap();
        assert_eq!(f.received_min, Some(1_393_372_800_000_000));
        assert!(f.ranges.is_empty());
        let bad_received = of(&[("received_max", "x")]);
        assert_eq!(
            message(filters(DbTable::InstanceExists, &bad_received).unwrap_err()),
            "Range filters must be dates."
        );
    }
}
