//! v2's texts in report bodies: `str(datetime)` times and `datetime_to_decimal.sec_to_str`
//! durations.

use app::model::Civil;

const US: i64 = 1_000_000;

/// Python's `str(datetime)`: `2014-01-01 09:40:00.500000`, or without the fraction on a whole
/// second.
pub(crate) fn py_datetime(us: i64) -> String {
    let c = Civil::from_micros(us);
    let mut text = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    if c.micros != 0 {
        text.push_str(&format!(".{:06}", c.micros));
    }
    text
}

/// v2's `sec_to_str` of a duration in µs: `45s`, `3:05s`, `01:02:03` (whole seconds,
/// truncated towards zero as Python's `int()` does).
pub(crate) fn sec_to_str(us: i64) -> String {
    let sec = us / US;
    if sec < 60 {
        return format!("{sec}s");
    }
    let minutes = sec / 60;
    let sec = sec % 60;
    if minutes < 60 {
        return format!("{minutes}:{sec:02}s");
    }
    format!("{:02}:{:02}:{sec:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_str_datetime() {
        assert_eq!(py_datetime(1_388_569_200_000_000), "2014-01-01 09:40:00");
        assert_eq!(
            py_datetime(1_388_569_200_500_000),
            "2014-01-01 09:40:00.500000"
        );
    }

    #[test]
    fn sec_to_str_like_v2() {
        assert_eq!(sec_to_str(0), "0s");
        assert_eq!(sec_to_str(59_999_999), "59s");
        assert_eq!(sec_to_str(185 * US), "3:05s");
        assert_eq!(sec_to_str(3723 * US + 400_000), "01:02:03");
        assert_eq!(sec_to_str(90_000 * US), "25:00:00");
    }
}
