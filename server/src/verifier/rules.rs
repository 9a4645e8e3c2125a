//! The small rules nova and glance checks share: what Python took for "no value", v2's
//! same-second comparisons, and how a check's result becomes an [`Outcome`].
//!
//! v2 stored times as `Decimal` seconds; we store integer microseconds, so "the same second"
//! keeps v2's two slightly different meanings: lookups by `launched_at` search
//! `[s, s + 0.999999]` where `s` is the time with its microseconds dropped (a `datetime`,
//! floored), and field comparisons compare `int(Decimal)` (truncated toward zero).

use super::model::Outcome;
use super::reasons::{truncate_reason, Failure};

const MICROS_PER_SECOND: i64 = 1_000_000;

/// A stored time as Python's truthiness saw it: `None` and `Decimal(0)` are both "no value".
pub(crate) fn truthy(t: Option<i64>) -> Option<i64> {
    t.filter(|t| *t != 0)
}

/// v2's `find(instance, launched_at)` window: `t` lies in the second of `anchor`, i.e. in
/// `[anchor with its microseconds dropped, that + 999999 µs]`.
pub(crate) fn in_same_second(anchor: i64, t: i64) -> bool {
    let start = anchor - anchor.rem_euclid(MICROS_PER_SECOND);
    (start..=start + (MICROS_PER_SECOND - 1)).contains(&t)
}

/// v2's `_verify_date_field(d1, d2, same_second=True)`: both present and non-zero, and equal
/// or equal once truncated to whole seconds.
pub(crate) fn same_date(d1: Option<i64>, d2: Option<i64>) -> bool {
    match (truthy(d1), truthy(d2)) {
        (Some(a), Some(b)) => a == b || a / MICROS_PER_SECOND == b / MICROS_PER_SECOND,
        _ => false,
    }
}

/// An exists row marked failed with `reason`, cut to the column's 300 characters.
pub(crate) fn failed(reason: &str) -> Outcome {
    Outcome::Failed(truncate_reason(reason))
}

/// A glance check's result as an outcome: every failure kind stores its reason.
pub(crate) fn outcome_of(result: Result<(), Failure>) -> Outcome {
    match result {
        Ok(()) => Outcome::Verified,
        Err(failure) => failed(failure.reason()),
    }
}

/// v2's "the ORM found no row for this foreign key" (`<Model>.DoesNotExist`): the runner
/// loads the rows an exists' `usage_id`/`delete_id` name, so this means one was deleted.
pub(crate) const DOES_NOT_EXIST: Failure = Failure::Crash("DoesNotExist");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_second_windows_floor_the_anchor() {
        assert!(in_same_second(1_100_000, 1_000_000));
        assert!(in_same_second(1_100_000, 1_999_999));
        assert!(!in_same_second(1_100_000, 2_000_000));
        assert!(!in_same_second(1_100_000, 999_999));
    }

    #[test]
    fn dates_compare_to_the_second_and_zero_is_no_value() {
        assert!(same_date(Some(1_000_000), Some(1_400_000)));
        assert!(!same_date(Some(1_100_000), Some(2_100_000)));
        assert!(!same_date(None, Some(1)));
        assert!(!same_date(Some(0), Some(0)));
    }
}
