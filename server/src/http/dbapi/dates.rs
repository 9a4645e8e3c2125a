//! v2's text formats on the `/db` API: the dates its filters take (`str_time_to_unix`), the
//! instance ids they accept (`is_uuid_like`) and how it writes times (`str(datetime)`).

use app::model::{days_from_civil, days_in_month, format_micros, Micros};

const US: i64 = 1_000_000;

/// v2's `utils.str_time_to_unix`: `YYYY-M-D H:M:S[.f]`, `YYYY-M-DTH:M:S[.f]` or the same
/// with a trailing `Z`, as UTC microseconds; `None` where v2's `strptime` failed.
pub(super) fn str_time_to_unix(text: &str) -> Option<i64> {
    let (date, clock) = if text.contains('Z') {
        text.strip_suffix('Z')?.split_once('T')?
    } else if text.contains('T') {
        text.split_once('T')?
    } else {
        // strptime's space matches any run of whitespace.
        let at = text.find(char::is_whitespace)?;
        (&text[..at], text[at..].trim_start())
    };
    Some(parse_date(date)? + parse_clock(clock)?)
}

/// `digits` of `min..=max` ASCII digits with a value of at most `limit`.
fn number(digits: &str, min: usize, max: usize, limit: i64) -> Option<i64> {
    let ok = (min..=max).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| digits.parse().ok())
        .flatten()
        .filter(|n| *n <= limit)
}

/// `%Y-%m-%d` as the microseconds of that midnight.
fn parse_date(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y = number(parts.next()?, 4, 4, 9999).filter(|y| *y >= 1)?;
    let m = number(parts.next()?, 1, 2, 12).filter(|m| *m >= 1)?;
    let d = number(parts.next()?, 1, 2, 31).filter(|d| *d >= 1)?;
    if parts.next().is_some() || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 * US)
}

/// `%H:%M:%S[.%f]` as microseconds since midnight.
fn parse_clock(clock: &str) -> Option<i64> {
    let mut parts = clock.split(':');
    let h = number(parts.next()?, 1, 2, 23)?;
    let mi = number(parts.next()?, 1, 2, 59)?;
    let seconds = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let (whole, fraction) = match seconds.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (seconds, None),
    };
    let s = number(whole, 1, 2, 59)?;
    let micros = match fraction {
        None => 0,
        Some(f) => {
            let digits = number(f, 1, 6, 999_999)?;
            let scale = 10_i64.pow(6 - u32::try_from(f.len()).ok()?);
            digits * scale
        }
    };
    Some(((h * 60 + mi) * 60 + s) * US + micros)
}

/// v2's `utils.is_uuid_like`: what `str(uuid.UUID(v))` gives back unchanged — lowercase
/// hex, hyphenated 8-4-4-4-12 or without hyphens.
pub(super) fn is_uuid_like(text: &str) -> bool {
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let bytes = text.as_bytes();
    match bytes.len() {
        32 => bytes.iter().all(|b| hex(*b)),
        36 => bytes.iter().enumerate().all(|(i, b)| {
            if [8, 13, 18, 23].contains(&i) {
                *b == b'-'
            } else {
                hex(*b)
            }
        }),
        _ => false,
    }
}

/// v2's `str(dt_from_decimal(v))`: `YYYY-MM-DD HH:MM:SS`, with `.ffffff` only when the
/// microseconds are not zero.
pub(super) fn v2_time(us: i64) -> String {
    let text = format_micros(Micros(us));
    match text.strip_suffix(".000000") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_as_strptime_did() {
        let day = 1_393_372_800 * US; // 2014-02-26
        assert_eq!(str_time_to_unix("2014-02-26 00:00:00"), Some(day));
        assert_eq!(str_time_to_unix("2014-2-26 00:00:00"), Some(day));
        assert_eq!(str_time_to_unix("2014-02-26T00:00:00"), Some(day));
        assert_eq!(str_time_to_unix("2014-02-26T00:00:00Z"), Some(day));
        assert_eq!(
            str_time_to_unix("2014-02-26T00:00:01.5Z"),
            Some(day + 1_500_000)
        );
        assert_eq!(
            str_time_to_unix("2014-02-26 0:0:1.000001"),
            Some(day + 1_000_001)
        );
        assert_eq!(str_time_to_unix("2014-02-26  00:00:00"), Some(day));
        for bad in [
            "2014-020-26",
            "2014-02-26",
            "obviouslybaddatetime",
            "2014-02-30 00:00:00",
            "2014-02-26 24:00:00",
            "2014-02-26 00:00:60",
            "2014-02-26 00:00:00.1234567",
            "2014-02-26 00:00:00Z",
            "2014-02-26T00:00:00é",
            "",
            "0000-01-01 00:00:00",
        ] {
            assert_eq!(str_time_to_unix(bad), None, "{bad}");
        }
    }

    #[test]
    fn uuid_like_is_the_canonical_text() {
        assert!(is_uuid_like("08f685d9-6352-4dbc-8271-96cc54bf14cd"));
        assert!(is_uuid_like("08f685d963524dbc827196cc54bf14cd"));
        assert!(!is_uuid_like("08F685D9-6352-4DBC-8271-96CC54BF14CD"));
        assert!(!is_uuid_like("{08f685d9-6352-4dbc-8271-96cc54bf14cd}"));
        assert!(!is_uuid_like("obviouslybaduuid"));
        assert!(!is_uuid_like("08f685d96-352-4dbc-8271-96cc54bf14cd"));
    }

    #[test]
    fn times_are_written_as_python_str_datetime() {
        assert_eq!(v2_time(1_393_372_800 * US), "2014-02-26 00:00:00");
        assert_eq!(
            v2_time(1_393_372_800 * US + 120),
            "2014-02-26 00:00:00.000120"
        );
    }
}
