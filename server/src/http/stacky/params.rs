//! The request side every `/stacky` handler shares: the query string read as v2's
//! `request.GET` ([`Params`]), v2's page limits, and its `\d+` path parameters.

use axum::extract::Query;

use super::answer::StackyError;
use super::format;
use crate::notification::time::decimal_to_micros;
use crate::store::stacky::StackyService;

/// v2's `DEFAULT_LIMIT`: rows per page when `limit` is not given.
const DEFAULT_LIMIT: i64 = 50;
/// v2's `HARD_LIMIT`: the most rows one page may ask for.
pub(super) const HARD_LIMIT: i64 = 1000;

/// The most distinct names `events`, `hosts` and the watch widths look at.
pub(super) const NAMES_MAX: i64 = 10_000;

/// The query string as v2's `request.GET`: `get` answers the last value of a name.
#[derive(Debug, Default)]
pub(super) struct Params(pub(super) Vec<(String, String)>);

impl Params {
    /// Query parameters from `(name, value)` pairs, for tests.
    #[cfg(test)]
    pub(super) fn of(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The last value of `name`, as Django's `QueryDict.get` answered it.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A value, where v2 treated an empty one like a missing one (`if x:`).
    pub(super) fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// A parameter v2 required (`request.GET[name]`).
    pub(super) fn required(&self, name: &str) -> Result<&str, StackyError> {
        self.get(name)
            .ok_or_else(|| StackyError::BadRequest(format!("Missing parameter '{name}'.")))
    }

    /// `service`, defaulting to `default`.
    pub(super) fn service(&self, default: StackyService) -> Result<StackyService, StackyError> {
        match self.get("service") {
            None => Ok(default),
            Some(s) => StackyService::parse(s).ok_or_else(|| unknown_service(s)),
        }
    }

    /// Decimal unix seconds (`when_min=1389892207.5`) as microseconds.
    pub(super) fn decimal(&self, name: &str) -> Result<Option<i64>, StackyError> {
        self.non_empty(name)
            .map(|v| {
                decimal_to_micros(v).ok_or_else(|| {
                    StackyError::BadRequest(format!("'{v}' value must be a decimal number."))
                })
            })
            .transpose()
    }

    /// v2's `_get_query_range`: `(limit, offset)`; limit 50 by default and at most 1000.
    pub(super) fn page(&self) -> Result<(i64, i64), StackyError> {
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

/// v2's answer to a `service` it does not know.
pub(super) fn unknown_service(s: &str) -> StackyError {
    StackyError::BadRequest(format!(
        "Unknown service '{s}'. Use nova, glance or generic."
    ))
}

/// v2's `\d+` path parameter; anything else is not a route (404).
pub(super) fn path_id(text: &str) -> Result<i64, StackyError> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse().ok())
        .flatten()
        .ok_or_else(|| StackyError::NotFound(format!("No such path parameter '{text}'.")))
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

    #[test]
    fn path_ids_are_digits() {
        assert_eq!(path_id("12").unwrap(), 12);
        assert!(path_id("-1").is_err());
        assert!(path_id("abc").is_err());
        assert!(path_id("").is_err());
    }
}
