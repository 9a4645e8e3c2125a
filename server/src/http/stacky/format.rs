//! v2's text formats, byte for byte: `str(datetime)` times, `sec_to_time` durations (whose
//! fraction depends on whether v2 held a `Decimal`, a `float` or an `int`), and the date
//! formats `/stacky/reports/search/` accepts, with Django's error texts. The calendar
//! arithmetic is the shared one in [`app::model`]'s time module.

use app::model::{days_from_civil, days_in_month, Civil};

const US: i64 = 1_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// `(str(dt.date()), str(dt.time()))` of UTC microseconds: `2013-07-17`, `10:16:10.717219`
/// (the fraction only when it is not zero, as Python prints it).
pub fn date_and_time(us: i64) -> (String, String) {
    let c = Civil::from_micros(us);
    let mut time = format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second);
    if c.micros != 0 {
        time.push_str(&format!(".{:06}", c.micros));
    }
    (format!("{:04}-{:02}-{:02}", c.year, c.month, c.day), time)
}

/// `str(datetime)`: `2013-07-17 10:16:10.717219`, or `2013-07-17 10:16:10` on a whole second.
pub fn when(us: i64) -> String {
    let (date, time) = date_and_time(us);
    format!("{date} {time}")
}

/// `strftime('%Y-%m-%d %H:%M:%S')`: [`when`] without the fraction.
pub fn when_seconds(us: i64) -> String {
    when(us.div_euclid(US) * US)
}

/// Unix seconds as v2's `float(decimal)`.
pub fn float_seconds(us: i64) -> f64 {
    us as f64 / US as f64
}

/// v2's `"%dd %02d:%02d:%02d%s"` of whole seconds (Python 2 floor division for the days).
fn days_hms(seconds: i64, suffix: &str) -> String {
    let days = seconds.div_euclid(SECS_PER_DAY);
    let rest = seconds - days * SECS_PER_DAY;
    format!(
        "{days}d {:02}:{:02}:{:02}{suffix}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `sec_to_time(diff)` of a v2 `DECIMAL(20,6)` column (timings, trackers): the suffix is
/// `str(Decimal fraction)[1:4]`, two digits, e.g. `0d 00:00:55.50`, `0d 00:00:20.00`.
pub fn sec_to_time_decimal(us: i64) -> String {
    let fraction = us % US;
    let suffix = if fraction >= 0 {
        format!(".{}", &format!("{fraction:06}")[..2])
    } else {
        // str(Decimal('-0.500000')) is '-0.500000'; [1:4] keeps '0.5'.
        format!("0.{}", &format!("{:06}", -fraction)[..1])
    };
    days_hms(us / US, &suffix)
}

/// `sec_to_time(x)` of a Python `float` (summary's min and max): the suffix is
/// `str(float fraction)[1:4]`, e.g. `0d 00:00:10.0`, `0d 00:00:55.5`.
pub fn sec_to_time_float(seconds: f64) -> String {
    let whole = seconds.trunc();
    let suffix: String = py2_float_str(seconds - whole)
        .chars()
        .skip(1)
        .take(3)
        .collect();
    days_hms(whole as i64, &suffix)
}

/// `sec_to_time(n)` of a Python `int` (summary's average): no fraction, `0d 00:00:20`.
pub fn sec_to_time_int(seconds: i64) -> String {
    days_hms(seconds, "")
}

/// Python 2's `str(float)`: 12 significant digits (`%.12g`), with `.0` on whole numbers.
fn py2_float_str(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{x:.11e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..12).contains(&exp) {
        let decimals = usize::try_from(11 - exp).unwrap_or(0);
        let fixed = format!("{x:.decimals$}");
        let trimmed = if fixed.contains('.') {
            fixed.trim_end_matches('0').trim_end_matches('.')
        } else {
            &fixed
        };
        if trimmed.contains('.') {
            trimmed.to_string()
        } else {
            format!("{trimmed}.0")
        }
    } else {
        let m = mantissa.trim_end_matches('0').trim_end_matches('.');
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    }
}

/// Python's `int(text)`: optional spaces and sign around decimal digits.
pub fn py_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn number(text: &str, min_len: usize, max_len: usize) -> Option<i64> {
    let ok = (min_len..=max_len).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok()).flatten()
}

/// `datetime.strptime(text, '%Y-%m-%d')` as UTC microseconds of midnight.
pub fn parse_ymd(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let y = number(parts.next()?, 4, 4)?;
    let m = number(parts.next()?, 1, 2)?;
    let day_text = parts.next()?;
    let d = number(day_text.strip_prefix(' ').unwrap_or(day_text), 1, 2)?;
    valid_date(y, m, d).then(|| days_from_civil(y, m, d) * SECS_PER_DAY * US)
}

fn valid_date(y: i64, m: i64, d: i64) -> bool {
    (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m) && y >= 1
}

/// The value of a Django `DateTimeField` lookup (`YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]`, or a
/// bare date) as UTC microseconds; the error is Django's `ValidationError` text.
pub fn parse_django_datetime(text: &str) -> Result<i64, String> {
    match django_datetime(text) {
        Some(Some(us)) => return Ok(us),
        Some(None) => {
            return Err(format!(
                "'{text}' value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) \
                 but it is an invalid date/time."
            ))
        }
        None => {}
    }
    match django_date(text) {
        Some(Some(us)) => Ok(us),
        Some(None) => Err(format!(
            "'{text}' value has the correct format (YYYY-MM-DD) but it is an invalid date."
        )),
        None => Err(format!(
            "'{text}' value has an invalid format. It must be in \
             YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."
        )),
    }
}

/// `YYYY-M[M]-D[D]`: `None` if the shape differs, `Some(None)` if it is no real date.
fn django_date(text: &str) -> Option<Option<i64>> {
    let mut parts = text.splitn(3, '-');
    let y = number(parts.next()?, 4, 4)?;
    let m = number(parts.next()?, 1, 2)?;
    let d = number(parts.next()?, 1, 2)?;
    Some(valid_date(y, m, d).then(|| days_from_civil(y, m, d) * SECS_PER_DAY * US))
}

/// Django's `datetime_re`: date `[T ]` H:M[:S[.f]] [Z|±HH[:]MM].
fn django_datetime(text: &str) -> Option<Option<i64>> {
    let split = text.find(['T', ' '])?;
    let (date, rest) = (&text[..split], &text[split + 1..]);
    let date_us = django_date(date)?;
    let tz_at = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let (clock, tz) = rest.split_at(tz_at);
    let offset = tz_offset_secs(tz)?;
    let mut hms = clock.splitn(3, ':');
    let h = number(hms.next()?, 1, 2)?;
    let mi = number(hms.next()?, 1, 2)?;
    let (s, micros) = match hms.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let s = number(whole, 1, 2)?;
            if !sec.contains('.') {
                (s, 0)
            } else {
                // Digits only before any slicing: a byte index into other text may fall
                // inside a UTF-8 character (`00:00:00.12345é` once panicked here).
                if !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let kept = number(&frac[..frac.len().min(6)], 1, 6)?;
                let extra = &frac[frac.len().min(6)..];
                if extra.len() > 6 {
                    return None;
                }
                let scale = 10_i64.pow(6 - u32::try_from(frac.len().min(6)).ok()?);
                (s, kept * scale)
            }
        }
    };
    let Some(date_us) = date_us else {
        return Some(None);
    };
    if h > 23 || mi > 59 || s > 59 {
        return Some(None);
    }
    Some(Some(
        date_us + ((h * 3600 + mi * 60 + s - offset) * US) + micros,
    ))
}

/// `""` → 0, `Z` → 0, `±HH[:]MM` → seconds east of UTC.
fn tz_offset_secs(tz: &str) -> Option<i64> {
    match tz {
        "" | "Z" => Some(0),
        _ => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let body = tz[1..].replace(':', "");
            let hh = number(body.get(..2)?, 2, 2)?;
            let mm = number(body.get(2..)?, 2, 2)?;
            (tz.len() == 5 || (tz.len() == 6 && tz.as_bytes()[3] == b':'))
                .then_some(sign * (hh * 3600 + mm * 60))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2013-07-17 10:16:10.717219 UTC, the time of v2's test raw.
    const RAW_WHEN: i64 = 1_374_056_170_717_219;

    #[test]
    fn when_strings_are_python_str_datetime() {
        assert_eq!(when(RAW_WHEN), "2013-07-17 10:16:10.717219");
        assert_eq!(when(1_374_056_170_000_000), "2013-07-17 10:16:10");
        assert_eq!(
            date_and_time(RAW_WHEN),
            ("2013-07-17".into(), "10:16:10.717219".into())
        );
        assert_eq!(when(0), "1970-01-01 00:00:00");
        assert_eq!(when_seconds(1_388_569_200_123_456), "2014-01-01 09:40:00");
    }

    #[test]
    fn sec_to_time_like_v2() {
        // v2 tests: Decimal 55.5 from a DECIMAL(20,6) column, float 10.0, int 20.
        assert_eq!(sec_to_time_decimal(55_500_000), "0d 00:00:55.50");
        assert_eq!(sec_to_time_decimal(20_000_000), "0d 00:00:20.00");
        assert_eq!(sec_to_time_float(10.0), "0d 00:00:10.0");
        assert_eq!(sec_to_time_float(20.0), "0d 00:00:20.0");
        assert_eq!(sec_to_time_float(55.7), "0d 00:00:55.7");
        assert_eq!(sec_to_time_int(20), "0d 00:00:20");
        assert_eq!(sec_to_time_int(15), "0d 00:00:15");
        assert_eq!(sec_to_time_decimal(90_061_250_000), "1d 01:01:01.25");
        // Python 2 floor division on a negative duration.
        assert_eq!(sec_to_time_decimal(-5_500_000), "-1d 23:59:550.5");
    }

    #[test]
    fn python_float_str() {
        assert_eq!(py2_float_str(0.5), "0.5");
        assert_eq!(py2_float_str(0.123456789012345), "0.123456789012");
        assert_eq!(py2_float_str(1e-6), "1e-06");
        assert_eq!(py2_float_str(0.0), "0.0");
    }

    #[test]
    fn report_search_dates() {
        assert_eq!(parse_ymd("2014-01-01"), Some(1_388_534_400 * US));
        assert_eq!(parse_ymd("2014-1-1"), Some(1_388_534_400 * US));
        assert_eq!(parse_ymd("2014-01-01 00:00:00"), None);
        assert_eq!(parse_ymd("1234"), None);
        assert_eq!(parse_ymd("2014-02-30"), None);
        assert_eq!(
            parse_django_datetime("2014-01-01 09:40:00"),
            Ok(1_388_569_200 * US)
        );
        assert_eq!(
            parse_django_datetime("2014-01-01 09:40"),
            Ok(1_388_569_200 * US)
        );
        assert_eq!(
            parse_django_datetime("2014-01-01T09:40:00.5Z"),
            Ok(1_388_569_200 * US + 500_000)
        );
        assert_eq!(
            parse_django_datetime("2014-01-01 10:40:00+01:00"),
            Ok(1_388_569_200 * US)
        );
        assert_eq!(parse_django_datetime("2014-01-01"), Ok(1_388_534_400 * US));
        assert_eq!(
            parse_django_datetime("1234").unwrap_err(),
            "'1234' value has an invalid format. It must be in \
             YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."
        );
        assert!(parse_django_datetime("2014-13-01 00:00")
            .unwrap_err()
            .contains("but it is an invalid date/time."));
        assert!(parse_django_datetime("2014-02-30")
            .unwrap_err()
            .contains("but it is an invalid date."));
    }

    /// Multi-byte characters anywhere in a date never panic (a byte slice once fell inside
    /// `é` in `2014-01-01 00:00:00.12345é`); they are Django's invalid-format error.
    #[test]
    fn non_ascii_dates_are_errors_not_panics() {
        assert!(parse_django_datetime("2014-01-01 00:00:00.12345é")
            .unwrap_err()
            .contains("has an invalid format"));
        for base in [
            "2014-01-01 00:00:00.123456",
            "2014-01-01T09:40+01:00",
            "2014-1-1",
        ] {
            for (at, _) in base.char_indices().chain([(base.len(), ' ')]) {
                for odd in ["é", "€", "𝟘", "٣"] {
                    let text = format!("{}{odd}{}", &base[..at], &base[at..]);
                    assert!(parse_django_datetime(&text).is_err(), "{text}");
                    assert_eq!(parse_ymd(&text), None, "{text}");
                }
            }
        }
    }

    #[test]
    fn python_int() {
        assert_eq!(py_int(" 12 "), Some(12));
        assert_eq!(py_int("-3"), Some(-3));
        assert_eq!(py_int("abcd"), None);
        assert_eq!(py_int("1.5"), None);
        assert_eq!(py_int(""), None);
    }
}
