//! Times as StackTach handles them: UTC microseconds inside, v2's decimal seconds at the edges.
//!
//! v2 stored every time as `DECIMAL(20,6)` unix seconds and its APIs (stacky, the DB API) accept
//! and return them that way; we store `i64` microseconds and convert with
//! [`micros_to_decimal_string`] / [`decimal_to_micros`]. [`PayloadTime`] keeps a payload time
//! (`launched_at`, `deleted_at`, audit periods, ...) the way v2's aggregation rules look at it:
//! absent, a valid time, or present but unparseable.

use super::json::Json;

pub use super::timestamp::parse_timestamp;

const MICROS_PER_SECOND: i128 = 1_000_000;

/// A time field of a payload, as v2's rules see it.
///
/// v2 kept these as strings and parsed them only while aggregating: `x and parse(x)` where a
/// missing value is allowed, a bare `parse(x)` where it is required (raising on `None` or `''`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadTime {
    /// Absent, or a value Python finds false (`null`, `""`, `0`, `false`, `[]`, `{}`).
    #[default]
    Missing,
    /// One of the six timestamp formats, as UTC microseconds.
    Valid(i64),
    /// Present but not a parseable time string; v2 raised when it parsed it.
    Invalid,
}

impl PayloadTime {
    /// Classifies a payload value.
    pub(crate) fn from_value(value: Option<&Json<'_>>) -> Self {
        match value {
            None => Self::Missing,
            Some(v) if !super::fields::truthy(v) => Self::Missing,
            Some(Json::String(s)) => parse_timestamp(s).map_or(Self::Invalid, Self::Valid),
            Some(_) => Self::Invalid,
        }
    }

    /// Python truthiness of the original value (`if notification.launched_at:`).
    pub fn is_set(self) -> bool {
        !matches!(self, Self::Missing)
    }

    /// `parse(x)`: the time when valid; `None` where v2 raised (missing or invalid).
    pub fn required(self) -> Option<i64> {
        match self {
            Self::Valid(us) => Some(us),
            Self::Missing | Self::Invalid => None,
        }
    }

    /// `x and parse(x)`: `Ok(None)` when missing, `Err(())` where v2 raised (invalid).
    #[allow(clippy::result_unit_err)]
    pub fn optional(self) -> Result<Option<i64>, ()> {
        match self {
            Self::Missing => Ok(None),
            Self::Valid(us) => Ok(Some(us)),
            Self::Invalid => Err(()),
        }
    }
}

/// UTC microseconds as v2's decimal seconds with six places: `1356093296123000` →
/// `"1356093296.123000"`.
pub fn micros_to_decimal_string(micros: i64) -> String {
    let value = i128::from(micros);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.abs();
    format!(
        "{sign}{}.{:06}",
        abs / MICROS_PER_SECOND,
        abs % MICROS_PER_SECOND
    )
}

/// Decimal unix seconds (`"1356093296.123"`, `"-1.5"`, `"42"`) to UTC microseconds.
///
/// Digits beyond the sixth decimal place are truncated, as v2's `DECIMAL(20,6)` columns did.
/// `None` for anything else (exponents, spaces inside, overflow).
pub fn decimal_to_micros(text: &str) -> Option<i64> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let seconds: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let kept = &fraction[..fraction.len().min(6)];
    let micros: i128 = if kept.is_empty() {
        0
    } else {
        kept.parse::<i128>().ok()? * 10_i128.pow(6 - kept.len() as u32)
    };
    let total = seconds.checked_mul(MICROS_PER_SECOND)? + micros;
    i64::try_from(if negative { -total } else { total }).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    // v2 test_datetime_to_decimal.py: 1356093296.123 <-> 2012-12-21 12:34:56.123 UTC.
    #[test]
    fn datetime_to_decimal() {
        let from_time = parse_timestamp("2012-12-21 12:34:56.123").unwrap();
        assert_eq!(decimal_to_micros("1356093296.123"), Some(from_time));
    }

    #[test]
    fn decimal_to_datetime_round_trip() {
        let micros = decimal_to_micros("1356093296.123").unwrap();
        assert_eq!(micros, 1_356_093_296_123_000);
        assert_eq!(micros_to_decimal_string(micros), "1356093296.123000");
        assert_eq!(
            decimal_to_micros(&micros_to_decimal_string(micros)),
            Some(micros)
        );
        for us in [0, 1, 999_999, -1, -1_500_000, i64::MAX, i64::MIN + 1] {
            assert_eq!(decimal_to_micros(&micros_to_decimal_string(us)), Some(us));
        }
    }

    // v2 test_stacktach_utils.py test_str_time_to_unix: the six formats, and garbage fails.
    #[test]
    fn str_time_to_unix() {
        let second = 1_368_618_671_000_000;
        for (text, micros) in [
            ("2013-05-15T11:51:11Z", second),
            ("2013-05-15T11:51:11.123Z", second + 123_000),
            ("2013-05-15T11:51:11", second),
            ("2013-05-15T11:51:11.123", second + 123_000),
            ("2013-05-15 11:51:11", second),
            ("2013-05-15 11:51:11.123", second + 123_000),
        ] {
            assert_eq!(parse_timestamp(text), Some(micros), "{text}");
        }
        assert_eq!(parse_timestamp("invalid date"), None);
    }

    #[test]
    fn decimal_forms() {
        assert_eq!(decimal_to_micros("42"), Some(42_000_000));
        assert_eq!(decimal_to_micros(".5"), Some(500_000));
        assert_eq!(decimal_to_micros("-1.5"), Some(-1_500_000));
        assert_eq!(decimal_to_micros("1.1234569"), Some(1_123_456));
        assert_eq!(micros_to_decimal_string(-1_500_000), "-1.500000");
        for bad in [
            "",
            ".",
            "-",
            "1e5",
            "1.2.3",
            "abc",
            "1 2",
            "99999999999999999999",
        ] {
            assert_eq!(decimal_to_micros(bad), None, "{bad}");
        }
    }

    #[test]
    fn payload_time_classes() {
        let t = |v: Value| {
            let text = v.to_string();
            PayloadTime::from_value(Some(&Json::parse(&text).unwrap()))
        };
        assert_eq!(PayloadTime::from_value(None), PayloadTime::Missing);
        for falsy in [
            json!(null),
            json!(""),
            json!(0),
            json!(false),
            json!([]),
            json!({}),
        ] {
            assert_eq!(t(falsy), PayloadTime::Missing);
        }
        assert_eq!(
            t(json!("2013-05-15T11:51:11Z")),
            PayloadTime::Valid(1_368_618_671_000_000)
        );
        assert_eq!(t(json!("not a time")), PayloadTime::Invalid);
        assert_eq!(t(json!(5)), PayloadTime::Invalid);
        assert_eq!(PayloadTime::Invalid.optional(), Err(()));
        assert_eq!(PayloadTime::Missing.optional(), Ok(None));
        assert_eq!(PayloadTime::Missing.required(), None);
        assert!(PayloadTime::Invalid.is_set());
    }
}
