//! Timestamps: UTC microseconds since the epoch on the wire, formatted in exactly one place.

use serde::{Deserialize, Serialize};

/// UTC microseconds since the Unix epoch (how the store keeps every time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Micros(pub i64);

/// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, the format Nova itself uses.
pub fn format_micros(t: Micros) -> String {
    let secs = t.0.div_euclid(1_000_000);
    let micros = t.0.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{micros:06}",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
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

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
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
        // Leap day.
        assert_eq!(
            format_micros(Micros(951_782_400_000_001)),
            "2000-02-29 00:00:00.000001"
        );
        // Before the epoch.
        assert_eq!(format_micros(Micros(-1)), "1969-12-31 23:59:59.999999");
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
