//! Civil-date formatting of UTC microseconds in Nova's classic notification format
//! (`%Y-%m-%d %H:%M:%S.%f`), written by hand because the simulator must not depend on a date crate.

const MICROS_PER_SECOND: i64 = 1_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// Formats microseconds since the Unix epoch (UTC) as `YYYY-MM-DD HH:MM:SS.ffffff`.
///
/// Fixed width for years 0..=9999, so the strings sort in time order.
pub(crate) fn format_micros(micros: i64) -> String {
    let seconds = micros.div_euclid(MICROS_PER_SECOND);
    let fraction = micros.rem_euclid(MICROS_PER_SECOND);
    let days = seconds.div_euclid(SECONDS_PER_DAY);
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(26);
    push_digits(&mut out, year, 4);
    out.push('-');
    push_digits(&mut out, month, 2);
    out.push('-');
    push_digits(&mut out, day, 2);
    out.push(' ');
    push_digits(&mut out, second_of_day / 3600, 2);
    out.push(':');
    push_digits(&mut out, second_of_day / 60 % 60, 2);
    out.push(':');
    push_digits(&mut out, second_of_day % 60, 2);
    out.push('.');
    push_digits(&mut out, fraction, 6);
    out
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
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
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Appends `value` zero-padded to `width` digits (values are non-negative here).
fn push_digits(out: &mut String, value: i64, width: u32) {
    let mut divisor = 10_i64.pow(width - 1);
    let mut rest = value.max(0);
    if rest >= divisor * 10 {
        out.push_str(&rest.to_string());
        return;
    }
    while divisor > 0 {
        let digit = (rest / divisor) as u8;
        out.push(char::from(b'0' + digit));
        rest %= divisor;
        divisor /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::format_micros;

    #[test]
    fn formats_the_epoch() {
        assert_eq!(format_micros(0), "1970-01-01 00:00:00.000000");
    }

    #[test]
    fn formats_a_known_instant_with_micros() {
        assert_eq!(
            format_micros(1_700_000_000_123_456),
            "2023-11-14 22:13:20.123456"
        );
    }

    #[test]
    fn handles_leap_days_and_year_ends() {
        // 2024-02-29T12:00:00Z and 1999-12-31T23:59:59.999999Z
        assert_eq!(
            format_micros(1_709_208_000_000_000),
            "2024-02-29 12:00:00.000000"
        );
        assert_eq!(
            format_micros(946_684_799_999_999),
            "1999-12-31 23:59:59.999999"
        );
    }

    #[test]
    fn handles_times_before_the_epoch() {
        assert_eq!(format_micros(-1), "1969-12-31 23:59:59.999999");
        assert_eq!(
            format_micros(-86_400_000_000 * 365),
            "1969-01-01 00:00:00.000000"
        );
    }
}
