//! A consumer's throughput over the last minute, in one-second buckets, for the status board.

/// Messages stored per second over a sliding minute.
#[derive(Debug, Clone)]
pub(crate) struct RateMeter {
    /// `(second, count)` per bucket; the bucket of second `s` is `s % 60`.
    buckets: [(i64, u64); WINDOW_SECONDS],
}

const WINDOW_SECONDS: usize = 60;

impl Default for RateMeter {
    fn default() -> Self {
        Self {
            buckets: [(i64::MIN, 0); WINDOW_SECONDS],
        }
    }
}

impl RateMeter {
    /// Counts `n` messages stored during `second` (Unix seconds).
    pub(crate) fn record(&mut self, second: i64, n: u64) {
        let bucket = &mut self.buckets[bucket_of(second)];
        if bucket.0 != second {
            *bucket = (second, 0);
        }
        bucket.1 += n;
    }

    /// Messages stored in the 60 seconds ending with `second`.
    pub(crate) fn last_minute(&self, second: i64) -> u64 {
        let oldest = second - WINDOW_SECONDS as i64;
        self.buckets
            .iter()
            .filter(|(s, _)| *s > oldest && *s <= second)
            .map(|(_, n)| n)
            .sum()
    }
}

fn bucket_of(second: i64) -> usize {
    second.rem_euclid(WINDOW_SECONDS as i64) as usize
}

#[cfg(test)]
mod tests {
    use super::RateMeter;

    #[test]
    fn counts_the_last_sixty_seconds_only() {
        let mut meter = RateMeter::default();
        meter.record(1_000, 10);
        meter.record(1_000, 5);
        meter.record(1_030, 20);
        assert_eq!(meter.last_minute(1_030), 35);
        assert_eq!(meter.last_minute(1_059), 35);
        assert_eq!(meter.last_minute(1_060), 20, "second 1000 left the window");
        meter.record(1_060, 1);
        assert_eq!(meter.last_minute(1_060), 21);
        assert_eq!(meter.last_minute(1_200), 0);
    }
}
