//! v2's `test_verification_exception.py` (the exact reason texts), plus the two rules every
//! outcome goes through: the 300-character `fail_reason` and the failed status.

use super::support::NOW;
use crate::verifier::model::ExistsStatus;
use crate::verifier::reasons::{
    ambiguous, field_mismatch, not_found, null_field, plain, wrong_type, Failure, Params, Shown,
};
use crate::verifier::{mark_failed_status, truncate_reason};

#[test]
fn not_found_and_ambiguous_print_their_search_params_as_python_2() {
    assert_eq!(
        not_found("InstanceUsage", Params::Instance("abc")).reason(),
        "Couldn't find InstanceUsage using {'instance': u'abc'}"
    );
    assert_eq!(
        ambiguous(
            "InstanceUsage",
            Params::InstanceLaunchedAt("abc", 1_100_000)
        )
        .reason(),
        "Ambiguous results for InstanceUsage using {'instance': u'abc', 'launched_at': \
         Decimal('1.100000')}"
    );
    assert_eq!(
        not_found("ImageUsage", Params::Uuid(Some("it's"))).reason(),
        "Couldn't find ImageUsage using {'uuid': u\"it's\"}"
    );
    assert!(matches!(
        not_found("X", Params::Uuid(None)),
        Failure::NotFound(_)
    ));
    assert!(matches!(
        ambiguous("X", Params::Uuid(None)),
        Failure::Verification(_)
    ));
}

#[test]
fn formatted_exceptions_carry_the_time_and_uuid() {
    let mismatch = field_mismatch(
        NOW,
        "field_name",
        Shown::Text(Some("expected")),
        ("entity2", Shown::Text(Some("actual"))),
        Some("uuid"),
    );
    assert_eq!(
        mismatch.reason(),
        "Failed at 2014-01-02 03:04:05 UTC for uuid: Data mismatch for 'field_name' - \
         'exists' contains 'expected' but 'entity2' contains 'actual'"
    );
    assert_eq!(
        null_field(NOW, "field_name", 7, Some("uuid")).reason(),
        "Failed at 2014-01-02 03:04:05 UTC for uuid: field_name field was null for exist id 7"
    );
    assert_eq!(
        wrong_type(NOW, "field_name", "value", 7, Some("uuid")).reason(),
        "Failed at 2014-01-02 03:04:05 UTC for uuid: {field_name: value} was of incorrect type \
         for exist id 7"
    );
    // utcnow() prints its microseconds when it has any.
    assert_eq!(
        null_field(NOW + 42, "f", 7, None).reason(),
        "Failed at 2014-01-02 03:04:05.000042 UTC for None: f field was null for exist id 7"
    );
    assert_eq!(plain("test").reason(), "test");
}

#[test]
fn values_print_as_str_format_printed_them() {
    let shown = field_mismatch(
        NOW,
        "x",
        Shown::Time(None),
        ("launches", Shown::Int(Some(42))),
        None,
    );
    assert!(shown
        .reason()
        .ends_with("'exists' contains 'None' but 'launches' contains '42'"));
    let non_ascii = field_mismatch(
        NOW,
        "x",
        Shown::Text(Some("caf\u{e9}")),
        ("launches", Shown::Text(None)),
        None,
    );
    assert_eq!(non_ascii, Failure::Crash("UnicodeEncodeError"));
    assert_eq!(
        null_field(NOW, "f", 1, Some("\u{e9}")),
        Failure::Crash("UnicodeEncodeError")
    );
}

#[test]
fn fail_reasons_are_cut_to_300_characters() {
    let long = "é".repeat(301);
    assert_eq!(truncate_reason(&long).chars().count(), 300);
    assert_eq!(truncate_reason("short"), "short");
}

#[test]
fn a_failure_after_yagi_sent_the_exists_is_sent_failed() {
    for status in ExistsStatus::ALL {
        let expected = if status == ExistsStatus::SentVerifying {
            ExistsStatus::SentFailed
        } else {
            ExistsStatus::Failed
        };
        assert_eq!(mark_failed_status(status), expected);
    }
}
