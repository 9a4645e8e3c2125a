//! The period a report covers. v2's scripts computed it two ways, kept here:
//! - the usage audits, instance hours and bandwidth report the period *before* a time
//!   (`usage_audit.get_previous_period`: `--utcdatetime`, default now): `[start, end)`;
//! - the KPI summary and the error details report the day (or hour) *starting* at a date
//!   (`pretty.py --utcdate`, default yesterday): `[start, start + length - 1 s]`.
//!
//! With no `--date` both give the previous UTC day (or hour).

use app::model::days_from_civil;

use super::error::ReportError;

const US: i64 = 1_000_000;
const HOUR_US: i64 = 3_600 * US;
const DAY_US: i64 = 24 * HOUR_US;

/// v2's `--period_length`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PeriodLength {
    Hour,
    #[default]
    Day,
}

impl PeriodLength {
    /// The length in µs.
    pub fn micros(self) -> i64 {
        match self {
            Self::Hour => HOUR_US,
            Self::Day => DAY_US,
        }
    }

    /// `t` rounded down to the start of its hour or day.
    fn floor(self, t: i64) -> i64 {
        t.div_euclid(self.micros()) * self.micros()
    }
}

/// A report's period, UTC µs, as stored in `json_reports.period_start`/`period_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

impl Period {
    /// v2's `get_previous_period(time, length)`: the whole hour or day before the one `t` is
    /// in, `[start, end)`.
    pub fn before(t: i64, length: PeriodLength) -> Self {
        let end = length.floor(t);
        Self {
            start: end - length.micros(),
            end,
        }
    }

    /// `pretty.py`'s window: `length` from `start` (rounded down to its hour or day), the
    /// end being the last whole second, `[start, start + length - 1 s]`; with no `start`, the
    /// previous hour or day before `now`.
    pub fn starting(start: Option<i64>, now: i64, length: PeriodLength) -> Self {
        let start = match start {
            Some(t) => length.floor(t),
            None => Self::before(now, length).start,
        };
        Self {
            start,
            end: start + length.micros() - US,
        }
    }
}

/// `--date`: `YYYY-MM-DD` (midnight) or `YYYY-MM-DD HH:MM:SS`, UTC, as µs.
///
/// # Errors
/// [`ReportError::BadDate`] for any other text or an impossible date.
pub fn parse_date(text: &str) -> Result<i64, ReportError> {
    let bad = || ReportError::BadDate(text.to_owned());
    let (date, time) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    let mut d = date.split('-').map(number);
    let (Some(Some(y)), Some(Some(m)), Some(Some(day)), None) =
        (d.next(), d.next(), d.next(), d.next())
    else {
        return Err(bad());
    };
    let valid = (1..=12).contains(&m) && day >= 1 && day <= app::model::days_in_month(y, m);
    if !valid || date.len() != 10 {
        return Err(bad());
    }
    let secs = if time.is_empty() {
        0
    } else {
        let mut t = time.split(':').map(number);
        let (Some(Some(h)), Some(Some(mi)), Some(Some(s)), None) =
            (t.next(), t.next(), t.next(), t.next())
        else {
            return Err(bad());
        };
        if h > 23 || mi > 59 || s > 59 || time.len() != 8 {
            return Err(bad());
        }
        h * 3600 + mi * 60 + s
    };
    Ok((days_from_civil(y, m, day) * 86_400 + secs) * US)
}

fn number(text: &str) -> Option<i64> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2014-01-02 00:00:00 UTC.
    const JAN_2: i64 = 1_388_620_800 * US;

    #[test]
    fn previous_period_like_usage_audit() {
        let t = JAN_2 + 9 * HOUR_US + 40 * 60 * US;
        assert_eq!(
            Period::before(t, PeriodLength::Day),
            Period {
                start: JAN_2 - DAY_US,
                end: JAN_2
            }
        );
        assert_eq!(
            Period::before(t, PeriodLength::Hour),
            Period {
                start: JAN_2 + 8 * HOUR_US,
                end: JAN_2 + 9 * HOUR_US
            }
        );
        // Exactly midnight: the day before.
        assert_eq!(
            Period::before(JAN_2, PeriodLength::Day).start,
            JAN_2 - DAY_US
        );
    }

    #[test]
    fn pretty_window_starts_at_the_date() {
        let p = Period::starting(Some(JAN_2), 0, PeriodLength::Day);
        assert_eq!((p.start, p.end), (JAN_2, JAN_2 + DAY_US - US));
        let p = Period::starting(None, JAN_2 + 5 * HOUR_US, PeriodLength::Day);
        assert_eq!((p.start, p.end), (JAN_2 - DAY_US, JAN_2 - US));
        let p = Period::starting(Some(JAN_2 + 5 * HOUR_US + 7), 0, PeriodLength::Hour);
        assert_eq!(p.start, JAN_2 + 5 * HOUR_US);
        assert_eq!(p.end, JAN_2 + 6 * HOUR_US - US);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2014-01-02").ok(), Some(JAN_2));
        assert_eq!(
            parse_date("2014-01-02 09:40:00").ok(),
            Some(JAN_2 + (9 * 3600 + 40 * 60) * US)
        );
        for bad in [
            "2014-1-2",
            "2014-02-30",
            "2014-01-02 9:40",
            "2014-01-02 24:00:00",
            "x",
        ] {
            assert_eq!(
                parse_date(bad).unwrap_err().to_string(),
                format!("'{bad}' is not in YYYY-MM-DD or YYYY-MM-DD HH:MM:SS format.")
            );
        }
    }
}
