//! The `--retention` spec (`STACKTACH_RETENTION`): `events=90d,quarantine=30d,…`, a class set
//! to `off`, or the whole spec `off`. Classes the spec leaves out keep their default
//! ([`crate::retention::TableClass::default_horizon`]). Parsed purely: a bad spec is one
//! error naming the key and the reason, before anything starts.

use crate::retention::{Horizon, Policy, TableClass, DAY_US, HOUR_US};

/// The environment variable read when `--retention` is not given.
pub const RETENTION_ENV: &str = "STACKTACH_RETENTION";

/// Why a retention spec was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RetentionSpecError {
    #[error(
        "retention: unknown class {key:?} (expected events, quarantine, timings, lifecycles, \
         usage or reports)"
    )]
    UnknownKey { key: String },
    #[error("retention: {key}: {reason}")]
    BadValue { key: String, reason: String },
    #[error("retention: {part:?} is not key=value (e.g. events=90d)")]
    NotKeyValue { part: String },
    #[error("retention: {key} is given twice")]
    Duplicate { key: String },
}

/// Parses a retention spec. Empty means the defaults; `off` prunes nothing.
///
/// # Errors
/// The first bad part: an unknown key, a value that is not `<n>d`, `<n>h`, `<n>w` or `off`,
/// a part without `=`, or a key given twice.
pub fn parse_retention(spec: &str) -> Result<Policy, RetentionSpecError> {
    let spec = spec.trim();
    if spec.eq_ignore_ascii_case("off") {
        return Ok(Policy::off());
    }
    let mut policy = Policy::default();
    let mut seen = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(RetentionSpecError::NotKeyValue { part: part.into() });
        };
        let key = key.trim();
        let class = TableClass::from_key(key)
            .ok_or_else(|| RetentionSpecError::UnknownKey { key: key.into() })?;
        if seen.contains(&class) {
            return Err(RetentionSpecError::Duplicate { key: key.into() });
        }
        seen.push(class);
        let horizon =
            parse_horizon(value.trim()).map_err(|reason| RetentionSpecError::BadValue {
                key: key.into(),
                reason,
            })?;
        policy.set(class, horizon);
    }
    Ok(policy)
}

/// The policy of `--retention`, else `STACKTACH_RETENTION`, else the defaults.
///
/// # Errors
/// As [`parse_retention`].
pub fn resolve_retention(flag: Option<&str>) -> Result<Policy, RetentionSpecError> {
    match flag {
        Some(spec) => parse_retention(spec),
        None => match std::env::var(RETENTION_ENV) {
            Ok(spec) => parse_retention(&spec),
            Err(_) => Ok(Policy::default()),
        },
    }
}

/// `90d`, `36h`, `2w` or `off`.
fn parse_horizon(value: &str) -> Result<Horizon, String> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(Horizon::Off);
    }
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &value[digits.len()..];
    if digits.is_empty() {
        return Err(format!(
            "{value:?} has no number (e.g. 90d, 36h, 2w or off)"
        ));
    }
    // Unsigned: `-5d` would put the cutoff in the future and delete everything.
    let n: u32 = digits
        .parse()
        .map_err(|_| format!("{digits:?} is not a whole number of at most 10 digits"))?;
    let n = i64::from(n);
    let per = match unit {
        "d" => DAY_US,
        "h" => HOUR_US,
        "w" => 7 * DAY_US,
        "" => return Err(format!("{value:?} has no unit (d, h or w)")),
        other => return Err(format!("unknown unit {other:?} (expected d, h or w)")),
    };
    if n == 0 {
        return Err("a horizon of 0 would delete everything; use off to keep all".into());
    }
    n.checked_mul(per)
        .map(Horizon::Keep)
        .ok_or_else(|| format!("{value:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_overrides_the_named_classes_only() {
        let p = parse_retention("events=30d, timings=36h,usage=off").unwrap();
        assert_eq!(p.horizon(TableClass::Events), Horizon::Keep(30 * DAY_US));
        assert_eq!(p.horizon(TableClass::Timings), Horizon::Keep(36 * HOUR_US));
        assert_eq!(p.horizon(TableClass::Usage), Horizon::Off);
        assert_eq!(
            p.horizon(TableClass::Quarantine),
            TableClass::Quarantine.default_horizon()
        );
        assert_eq!(parse_retention("").unwrap(), Policy::default());
        let weeks = parse_retention("reports=2w").unwrap();
        assert_eq!(weeks.horizon(TableClass::Reports).to_string(), "14d");
    }

    #[test]
    fn off_alone_prunes_nothing() {
        assert_eq!(parse_retention(" OFF ").unwrap(), Policy::off());
    }

    #[test]
    fn a_printed_policy_parses_back() {
        let p = parse_retention("events=7d,lifecycles=off").unwrap();
        assert_eq!(parse_retention(&p.to_string()).unwrap(), p);
    }

    #[test]
    fn bad_specs_name_the_key_and_the_reason() {
        let e = parse_retention("events=90d,evnts=3d").unwrap_err();
        assert_eq!(
            e,
            RetentionSpecError::UnknownKey {
                key: "evnts".into()
            }
        );
        assert!(e.to_string().contains("\"evnts\""), "{e}");
        let e = parse_retention("events=90m").unwrap_err().to_string();
        assert_eq!(
            e,
            "retention: events: unknown unit \"m\" (expected d, h or w)"
        );
        let e = parse_retention("quarantine=90").unwrap_err().to_string();
        assert!(
            e.starts_with("retention: quarantine: ") && e.contains("no unit"),
            "{e}"
        );
        let e = parse_retention("usage=d").unwrap_err().to_string();
        assert!(e.contains("usage") && e.contains("no number"), "{e}");
        let e = parse_retention("timings=0d").unwrap_err().to_string();
        assert!(e.contains("timings") && e.contains("use off"), "{e}");
        assert!(matches!(
            parse_retention("events").unwrap_err(),
            RetentionSpecError::NotKeyValue { .. }
        ));
        assert!(matches!(
            parse_retention("events=1d,events=2d").unwrap_err(),
            RetentionSpecError::Duplicate { .. }
        ));
        let e = parse_retention("events=99999999999999999d")
            .unwrap_err()
            .to_string();
        assert!(e.contains("events"), "{e}");
        let e = parse_retention("events=-5d").unwrap_err().to_string();
        assert!(e.contains("\"-5\" is not a whole number"), "{e}");
    }
}
