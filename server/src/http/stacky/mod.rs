//! StackTach v2's `stacky` REST API (`/stacky/*`), the one the `stacky` command-line client
//! speaks: the same endpoints, parameters, defaults, limits, JSON shapes, status codes and
//! messages (inventory §1.e), with SPEC §7's fixes: `watch` never fails and its `since` is
//! our own cursor (the last event id it covered), so events that commit late are not missed;
//! `search` fields come from an allow-list; `summary` covers every timing.
//!
//! Answers are v2's tables, `[[header...], [row...]...]`, and errors are
//! `[["Error", "Message"], ["Bad Request" | "Not Found", message]]`.
//!
//! # Layout
//! - here: the router, parameters (service, limit/offset, decimals) and the error type;
//! - `events`: deployments, event and host names, uuid, request, search, show, watch;
//! - `timings`: timings of an instance or an operation, summary, KPIs;
//! - `reports`: the stored JSON reports (list, one, search);
//! - `format`: v2's text formats (times, `sec_to_time`, Django date parsing).

mod events;
mod format;
mod reports;
mod timings;

use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use serde_json::{json, Value};

use super::AppState;
use crate::notification::time::decimal_to_micros;
use crate::store::stacky::StackyService;
use crate::store::StoreError;

/// v2's `DEFAULT_LIMIT`: rows per page when `limit` is not given.
const DEFAULT_LIMIT: i64 = 50;
/// v2's `HARD_LIMIT`: the most rows one page may ask for.
const HARD_LIMIT: i64 = 1000;

/// The routes of this API. v2 answered every path with a trailing slash and (Django's
/// `APPEND_SLASH`) redirected those without; the client asks for `/stacky/reports?…` and
/// `/stacky/report/<id>` without one, so both forms are served.
pub fn router() -> Router<AppState> {
    let routes: [(&str, MethodRouter<AppState>); 16] = [
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
        ("/stacky/watch/{deployment_id}", get(events::watch)),
        ("/stacky/search", get(events::search)),
        ("/stacky/kpi", get(timings::kpi)),
        ("/stacky/kpi/{tenant_id}", get(timings::kpi_of_tenant)),
    ];
    routes
        .into_iter()
        .fold(Router::new(), |router, (path, method)| {
            router
                .route(&format!("{path}/"), method.clone())
                .route(path, method)
        })
}

/// The query string as v2's `request.GET`: `get` answers the last value of a name.
#[derive(Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Query parameters from `(name, value)` pairs, for tests.
    #[cfg(test)]
    pub(crate) fn of(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A value, where v2 treated an empty one like a missing one (`if x:`).
    fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// A parameter v2 required (`request.GET[name]`).
    fn required(&self, name: &str) -> Result<&str, StackyError> {
        self.get(name)
            .ok_or_else(|| StackyError::BadRequest(format!("Missing parameter '{name}'.")))
    }

    /// `service`, defaulting to `default`.
    fn service(&self, default: StackyService) -> Result<StackyService, StackyError> {
        match self.get("service") {
            None => Ok(default),
            Some(s) => StackyService::parse(s).ok_or_else(|| unknown_service(s)),
        }
    }

    /// Decimal unix seconds (`when_min=1389892207.5`) as microseconds.
    fn decimal(&self, name: &str) -> Result<Option<i64>, StackyError> {
        self.non_empty(name)
            .map(|v| {
                decimal_to_micros(v).ok_or_else(|| {
                    StackyError::BadRequest(format!("'{v}' value must be a decimal number."))
                })
            })
            .transpose()
    }

    /// v2's `_get_query_range`: `(limit, offset)`; limit 50 by default and at most 1000.
    fn page(&self) -> Result<(i64, i64), StackyError> {
        let int = |name: &str, v: &str| {
            format::py_int(v).filter(|n| *n >= 0).ok_or_else(|| {
                StackyError::BadRequest(format!(
                    "'{v}' value for {name} must be a non-negative integer."
                ))
            })
        };
        let limit = match self.get("limit") {
            None => DEFAULT_LIMIT,
            // Python 2 compared '' > 1000 as true: an empty limit is the hard limit.
            Some("") => HARD_LIMIT,
            Some(v) => int("limit", v)?.min(HARD_LIMIT),
        };
        let offset = match self.non_empty("offset") {
            None => 0,
            Some(v) => int("offset", v)?,
        };
        Ok((limit, offset))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Params {
    type Rejection = StackyError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|Query(pairs)| Params(pairs))
            .map_err(|_| StackyError::BadRequest("Malformed query string.".into()))
    }
}

fn unknown_service(s: &str) -> StackyError {
    StackyError::BadRequest(format!(
        "Unknown service '{s}'. Use nova, glance or generic."
    ))
}

/// Why a `/stacky` request failed; answered in v2's error shape.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StackyError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for StackyError {
    fn into_response(self) -> Response {
        let (status, kind, message) = match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "Bad Request", json!(m)),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, "Not Found", json!(m)),
            Self::Store(e) => {
                tracing::warn!(error = %e, "A /stacky query failed.");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    json!("The database could not answer; see the server log."),
                )
            }
        };
        json_response(status, &json!([["Error", "Message"], [kind, message]]))
    }
}

/// An `application/json` answer.
fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A 200 `application/json` answer.
fn ok(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

/// What every handler returns.
type Answer = Result<Response, StackyError>;

/// v2's `?` column: `E` when the routing key ends with `error`, else a space.
fn routing_key_type(routing_key: &str) -> &'static str {
    if routing_key.ends_with("error") {
        "E"
    } else {
        " "
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // v2 test_model_search_*: [None:50], [1:51], [None:1], [10:15]; the hard limit 1000.
    #[test]
    fn limit_and_offset_like_model_search() {
        assert_eq!(Params::of(&[]).page().unwrap(), (50, 0));
        assert_eq!(Params::of(&[("offset", "1")]).page().unwrap(), (50, 1));
        assert_eq!(Params::of(&[("limit", "1")]).page().unwrap(), (1, 0));
        assert_eq!(
            Params::of(&[("limit", "5"), ("offset", "10")])
                .page()
                .unwrap(),
            (5, 10)
        );
        assert_eq!(Params::of(&[("limit", "5000")]).page().unwrap(), (1000, 0));
        assert_eq!(Params::of(&[("limit", "0")]).page().unwrap(), (0, 0));
        assert_eq!(Params::of(&[("limit", "")]).page().unwrap(), (1000, 0));
        assert!(Params::of(&[("limit", "x")]).page().is_err());
        assert!(Params::of(&[("offset", "-1")]).page().is_err());
    }

    #[test]
    fn question_mark_column() {
        assert_eq!(routing_key_type("monitor.error"), "E");
        assert_eq!(routing_key_type("notifications.error"), "E");
        assert_eq!(routing_key_type("monitor.info"), " ");
        assert_eq!(routing_key_type("error.info"), " ");
    }

    #[test]
    fn last_value_wins_and_services_are_checked() {
        let p = Params::of(&[("service", "nova"), ("service", "glance")]);
        assert_eq!(
            p.service(StackyService::Nova).unwrap(),
            StackyService::Glance
        );
        assert!(Params::of(&[("service", "cinder")])
            .service(StackyService::Nova)
            .is_err());
        assert_eq!(
            Params::of(&[("when_min", "1.1")])
                .decimal("when_min")
                .unwrap(),
            Some(1_100_000)
        );
        assert!(Params::of(&[("when_min", "abc")])
            .decimal("when_min")
            .is_err());
        assert_eq!(
            Params::of(&[("when_min", "")]).decimal("when_min").unwrap(),
            None
        );
    }
}
