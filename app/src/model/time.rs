//! Time, in one place for the server and the browser: UTC microseconds since the epoch on the
//! wire ([`Micros`]), the proleptic Gregorian calendar, and the formats people read.
//!
//! The store keeps every time as UTC microseconds and the wire carries them typed; components
//! format them with [`format_micros`] and [`format_duration`]. The server's parsers and its v2
//! text formats (notification timestamps, `/stacky` dates) and the simulator's timestamps use
//! the same calendar ([`Civil`], [`civil_from_days`], [`days_from_civil`], [`days_in_month`],
//! [`is_leap_year`]), so there is one implementation to get right. Integer arithmetic only and
//! no clock, so it is wasm-safe; [`now_micros`] (server only) is the one exception.

use serde::{Deserialize, Serialize};

const MICROS_PER_SECOND: i64 = 1_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// UTC microseconds since the Unix epoch (how the store keeps every time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Micros(pub i64);

/// A UTC instant split into calendar and clock fields, so formatters need not repeat the
/// arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1–12.
    pub month: i64,
    /// 1–31.
    pub day: i64,
    /// 0–23.
    pub hour: i64,
    /// 0–59.
    pub minute: i64,
    /// 0–59.
    pub second: i64,
    /// 0–999,999.
    pub micros: i64,
}

impl Civil {
    /// Splits UTC microseconds since the epoch; times before 1970 count back correctly.
    #[inline]
    pub fn from_micros(t: i64) -> Self {
        let seconds = t.div_euclid(MICROS_PER_SECOND);
        let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
        Self {
            year,
            month,
            day,
            hour: second_of_day / 3600,
            minute: second_of_day % 3600 / 60,
            second: second_of_day % 60,
            micros: t.rem_euclid(MICROS_PER_SECOND),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the format Nova itself uses.
///
/// Fixed width for years 0–9999, so the strings sort in time order. Written digit by digit
/// rather than with `format!`: the simulator prints millions of these.
pub fn format_micros(t: Micros) -> String {
    let c = Civil::from_micros(t.0);
    let mut out = String::with_capacity(26);
    if c.year < 0 {
        // As `{:04}` prints it: the sign counts in the width.
        out.push('-');
        push_digits(&mut out, -c.year, 3);
    } else {
        push_digits(&mut out, c.year, 4);
    }
    for (separator, value, width) in [
        ('-', c.month, 2),
        ('-', c.day, 2),
        (' ', c.hour, 2),
        (':', c.minute, 2),
        (':', c.second, 2),
        ('.', c.micros, 6),
    ] {
        out.push(separator);
        push_digits(&mut out, value, width);
    }
    out
}

/// Appends non-negative `value` zero-padded to `width` digits (all of them when it has more).
fn push_digits(out: &mut String, value: i64, width: u32) {
    let mut divisor = 10_i64.pow(width - 1);
    if value >= divisor * 10 {
        out.push_str(&value.to_string());
        return;
    }
    let mut rest = value;
    while divisor > 0 {
        out.push(char::from(b'0' + (rest / divisor) as u8));
        rest %= divisor;
        divisor /= 10;
    }
}

/// Now, in UTC microseconds. Server side only: the browser's wasm has no system clock.
#[cfg(feature = "ssr")]
pub fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A duration in microseconds as operators read it: `850 ms`, `12.345 s`, `4m 05s`,
/// `2h 03m 10s`. Integer arithmetic only (no float formatting code in the wasm bundle).
pub fn format_duration(us: i64) -> String {
    let sign = if us < 0 { "-" } else { "" };
    let us = us.unsigned_abs();
    let ms = us / 1_000;
    let secs = us / 1_000_000;
    if secs == 0 {
        return format!("{sign}{ms} ms");
    }
    if secs < 60 {
        return format!("{sign}{secs}.{:03} s", ms % 1_000);
    }
    let (h, m, s) = (secs / 3_600, (secs % 3_600) / 60, secs % 60);
    if h == 0 {
        format!("{sign}{m}m {s:02}s")
    } else {
        format!("{sign}{h}h {m:02}m {s:02}s")
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian `(year, month, day)` (Howard Hinnant's
/// `civil_from_days`).
#[inline]
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// A proleptic Gregorian date (month 1–12) to days since 1970-01-01 (Howard Hinnant's
/// `days_from_civil`). The date is not checked: see [`days_in_month`].
#[inline]
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Whether `year` has a 29 February.
#[inline]
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1–12) of `year`: what a parser checks a day against.
#[inline]
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_and_known_dates() {
        assert_eq!(format_micros(Micros(0)), "1970-01-01 00:00:00.000000");
        // 2013-01-25 13:38:23.123456 UTC
        assert_eq!(
            format_micros(Micros(1_359_121_103_123_456)),
            "2013-01-25 13:38:23.123456"
        );
        assert_eq!(
            format_micros(Micros(1_700_000_000_123_456)),
            "2023-11-14 22:13:20.123456"
        );
        // Leap day.
        assert_eq!(
            format_micros(Micros(951_782_400_000_001)),
            "2000-02-29 00:00:00.000001"
        );
        assert_eq!(
            format_micros(Micros(1_709_208_000_000_000)),
            "2024-02-29 12:00:00.000000"
        );
        // Year end.
        assert_eq!(
            format_micros(Micros(946_684_799_999_999)),
            "1999-12-31 23:59:59.999999"
        );
    }

    #[test]
    fn formats_times_before_the_epoch() {
        assert_eq!(format_micros(Micros(-1)), "1969-12-31 23:59:59.999999");
        assert_eq!(
            format_micros(Micros(-86_400_000_000 * 365)),
            "1969-01-01 00:00:00.000000"
        );
    }

    #[test]
    fn years_print_as_format_would() {
        for days in [
            -800_000, -719_528, -719_162, -1, 0, 2_932_896, 2_932_897, 5_000_000,
        ] {
            let t = days * SECONDS_PER_DAY * MICROS_PER_SECOND;
            let (y, m, d) = civil_from_days(days);
            let expected = format!("{y:04}-{m:02}-{d:02} 00:00:00.000000");
            assert_eq!(format_micros(Micros(t)), expected, "{days}");
        }
    }

    #[test]
    fn civil_days_round_trip() {
        for days in (-1_000_000..1_000_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2013, 1, 25), 15_730);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn leap_years_and_month_lengths() {
        assert!(is_leap_year(2000) && is_leap_year(2024) && is_leap_year(-4));
        assert!(!is_leap_year(1900) && !is_leap_year(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2023, 4), 30);
        assert_eq!(days_in_month(2023, 12), 31);
    }

    #[test]
    fn splits_into_fields() {
        let c = Civil::from_micros(1_374_056_170_717_219);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.minute, c.second, c.micros),
            (2013, 7, 17, 10, 16, 10, 717_219)
        );
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_duration(0), "0 ms");
        assert_eq!(format_duration(850_400), "850 ms");
        assert_eq!(format_duration(12_345_678), "12.345 s");
        assert_eq!(format_duration(245_000_000), "4m 05s");
        assert_eq!(format_duration(7_390_000_000), "2h 03m 10s");
        assert_eq!(format_duration(-1_500_000), "-1.500 s");
    }
}
