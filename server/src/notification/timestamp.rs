//! v2's six timestamp formats (`stacktach/utils.py` `str_time_to_unix`).
//!
//! The format list is chosen by content: with `Z`: `%Y-%m-%dT%H:%M:%SZ`, `…%S.%fZ`; else with
//! `T`: `%Y-%m-%dT%H:%M:%S.%f`, `…%S`; else `%Y-%m-%d %H:%M:%S.%f`, `…%S`. Like strptime,
//! fields need not be zero-padded. No UTC offsets: every time is naive UTC. The calendar is
//! the one in [`app::model`]'s time module, shared with the web app.

use app::model::{days_from_civil, days_in_month};

/// Parses a notification timestamp to UTC microseconds since the epoch.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let (rest, sep) = if s.contains('Z') {
        (s.strip_suffix('Z')?, 'T')
    } else if s.contains('T') {
        (s, 'T')
    } else {
        (s, ' ')
    };
    let (date, time) = rest.split_once(sep)?;
    let mut d = date.split('-');
    let year = number(d.next()?, 1, 4)?;
    let month = number(d.next()?, 1, 2)?;
    let day = number(d.next()?, 1, 2)?;
    if d.next().is_some()
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
    {
        return None;
    }
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    let mut t = hms.split(':');
    let hour = number(t.next()?, 1, 2)?;
    let minute = number(t.next()?, 1, 2)?;
    let second = number(t.next()?, 1, 2)?;
    if t.next().is_some() || hour > 23 || minute > 59 || second > 61 {
        return None;
    }
    let micros = match fraction {
        None => 0,
        Some(f) => number(f, 1, 6)? * 10_i64.pow(6 - f.len() as u32),
    };
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros)
}

/// An unsigned decimal of `min..=max` digits.
fn number(s: &str, min: usize, max: usize) -> Option<i64> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_359_121_103; // 2013-01-25 13:38:23 UTC

    #[test]
    fn the_six_formats() {
        assert_eq!(parse_timestamp("2013-01-25T13:38:23Z"), Some(T * 1_000_000));
        assert_eq!(
            parse_timestamp("2013-01-25T13:38:23.123Z"),
            Some(T * 1_000_000 + 123_000)
        );
        assert_eq!(
            parse_timestamp("2013-01-25T13:38:23.123456"),
            Some(T * 1_000_000 + 123_456)
        );
        assert_eq!(parse_timestamp("2013-01-25T13:38:23"), Some(T * 1_000_000));
        assert_eq!(
            parse_timestamp("2013-01-25 13:38:23.123456"),
            Some(T * 1_000_000 + 123_456)
        );
        assert_eq!(parse_timestamp("2013-01-25 13:38:23"), Some(T * 1_000_000));
    }

    #[test]
    fn not_zero_padded_like_strptime() {
        assert_eq!(
            parse_timestamp("2013-1-25 13:38:23.123"),
            Some(T * 1_000_000 + 123_000)
        );
    }

    #[test]
    fn garbage_and_offsets_are_rejected() {
        for bad in [
            "",
            "garbage",
            "2013-01-25",
            "2013-13-25 13:38:23",
            "2013-02-30 13:38:23",
            "2013-01-25 24:00:00",
            "2013-01-25T13:38:23+00:00",
            "2013-01-25 13:38:23.1234567",
            "2013-01-25T13:38:23Zjunk",
            "2013-01-25 13:38:-3",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
