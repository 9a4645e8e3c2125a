//! Query-string parsing for the API: known parameters only, typed values, and 400 answers
//! that name the parameter at fault.

use super::error::ApiError;

/// Rows per page when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest page; larger `limit`s are clamped to it.
pub const MAX_LIMIT: u32 = 1_000;

/// A request's query parameters, checked against the endpoint's allow-list.
#[derive(Debug)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Refuses parameters the endpoint does not know (a typo must not silently widen a query).
    ///
    /// # Errors
    /// [`ApiError::BadRequest`] naming the first unknown parameter.
    pub fn new(pairs: Vec<(String, String)>, known: &[&str]) -> Result<Self, ApiError> {
        if let Some((key, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(ApiError::BadRequest(format!(
                "unknown parameter {key:?}; this endpoint takes: {}",
                known.join(", ")
            )));
        }
        Ok(Self(pairs))
    }

    /// The last non-blank value of `key`.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// An integer parameter.
    ///
    /// # Errors
    /// [`ApiError::BadRequest`] when present but not an integer.
    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.text(key)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::BadRequest(format!("{key} must be an integer, not {v:?}"))
                })
            })
            .transpose()
    }

    /// A boolean flag: `1`, `true`, `on` or `0`, `false`, `off`.
    ///
    /// # Errors
    /// [`ApiError::BadRequest`] for any other value.
    pub fn flag(&self, key: &str) -> Result<bool, ApiError> {
        match self.text(key) {
            None | Some("0" | "false" | "off") => Ok(false),
            Some("1" | "true" | "on") => Ok(true),
            Some(v) => Err(ApiError::BadRequest(format!(
                "{key} must be true or false, not {v:?}"
            ))),
        }
    }

    /// The `after` cursor (default 0: from the start).
    ///
    /// # Errors
    /// [`ApiError::BadRequest`] when not a non-negative integer.
    pub fn after(&self) -> Result<i64, ApiError> {
        match self.int("after")? {
            Some(a) if a < 0 => Err(ApiError::BadRequest("after must be ≥ 0".into())),
            a => Ok(a.unwrap_or(0)),
        }
    }

    /// `limit`, clamped to 1..=[`MAX_LIMIT`], [`DEFAULT_LIMIT`] when absent.
    ///
    /// # Errors
    /// [`ApiError::BadRequest`] when not an integer.
    pub fn limit(&self) -> Result<u32, ApiError> {
        Ok(self.int("limit")?.map_or(DEFAULT_LIMIT, |l| {
            u32::try_from(l.clamp(1, i64::from(MAX_LIMIT))).unwrap_or(MAX_LIMIT)
        }))
    }
}

/// Parses a path segment that must be an id.
///
/// # Errors
/// [`ApiError::BadRequest`] when it is not an integer.
pub fn id(what: &str, raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::BadRequest(format!("{what} id must be an integer, not {raw:?}")))
}

/// One page of a keyset-paginated list: fetch `limit + 1` rows, keep `limit`, and the id of
/// the last kept row is the next page's `after` when there were more.
pub fn page<T>(mut rows: Vec<T>, limit: u32, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(&id)).flatten();
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Result<Params, ApiError> {
        let pairs = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Params::new(pairs, &["after", "limit", "host", "errors"])
    }

    #[test]
    fn limits_are_clamped_and_typed() {
        assert_eq!(params(&[]).unwrap().limit().unwrap(), DEFAULT_LIMIT);
        assert_eq!(params(&[("limit", "0")]).unwrap().limit().unwrap(), 1);
        assert_eq!(
            params(&[("limit", "99999")]).unwrap().limit().unwrap(),
            MAX_LIMIT
        );
        assert_eq!(params(&[("limit", "-5")]).unwrap().limit().unwrap(), 1);
        assert!(params(&[("limit", "ten")]).unwrap().limit().is_err());
        assert!(params(&[("after", "-1")]).unwrap().after().is_err());
        assert_eq!(params(&[("after", " ")]).unwrap().after().unwrap(), 0);
    }

    #[test]
    fn unknown_parameters_and_bad_flags_are_refused() {
        let e = params(&[("hots", "x")]).unwrap_err();
        assert!(e.to_string().contains("\"hots\""), "{e}");
        assert!(params(&[("errors", "yes")])
            .unwrap()
            .flag("errors")
            .is_err());
        assert!(params(&[("errors", "true")])
            .unwrap()
            .flag("errors")
            .unwrap());
    }

    #[test]
    fn pages_say_where_the_next_one_starts() {
        assert_eq!(page(vec![1, 2, 3], 2, |r| *r), (vec![1, 2], Some(2)));
        assert_eq!(page(vec![1, 2], 2, |r| *r), (vec![1, 2], None));
        assert_eq!(page(Vec::<i64>::new(), 2, |r| *r), (vec![], None));
    }
}
