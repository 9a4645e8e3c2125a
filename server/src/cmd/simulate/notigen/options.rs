//! [`GeneratorOptions`]: how fast and how densely the generator starts operations, and the
//! mean size of an operation that turns a wanted notification rate into a start rate.

use super::{extras, templates};

/// How fast and how densely the generator produces operations.
#[derive(Debug, Clone)]
pub struct GeneratorOptions {
    /// How often a new operation starts, on average (starts are randomly spaced).
    pub operations_per_minute: f64,
    /// Multiplies the template time offsets: 1.0 = real durations, 0.01 = 100x faster.
    pub time_scale: f64,
    /// At most this many operations in progress at once; further starts wait for one to end.
    pub max_in_flight: usize,
}

impl Default for GeneratorOptions {
    /// Demo-friendly: about two operations a second, each running 50 times faster than in a
    /// real cloud, so a fresh install shows a moving feed with complete lifecycles.
    fn default() -> Self {
        Self {
            operations_per_minute: 120.0,
            time_scale: 0.02,
            max_in_flight: 50,
        }
    }
}

impl GeneratorOptions {
    /// Options for about `per_second` notifications a second once operations are under way,
    /// each operation running `time_scale` times its real duration, with no limit on how many
    /// run at once (so the rate holds whatever the durations).
    pub fn for_rate(per_second: f64, time_scale: f64) -> Self {
        let per_operation = mean_notifications_per_operation();
        Self {
            operations_per_minute: per_second.max(0.0) * 60.0 / per_operation,
            time_scale,
            max_in_flight: 1_000_000,
        }
    }
}

/// The mean number of notifications of one operation started at random.
pub fn mean_notifications_per_operation() -> f64 {
    extras::mean_notifications(templates::mean_notifications())
}
