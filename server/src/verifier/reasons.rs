//! v2's `VerificationException` family (`verifier/__init__.py`) as the `fail_reason` texts it
//! produced, exactly: NotFound, AmbiguousResults, FieldMismatch, NullFieldException,
//! WrongTypeException and the plain `VerificationException(reason)`. Python interpolated the
//! values with `str.format` into a byte string, so a non-ASCII value made the exception itself
//! fail with `UnicodeEncodeError`; v2 then stored that class name, and so do we.
//!
//! Also the two things every outcome goes through: the 300-character limit of the
//! `fail_reason` column and the status a failure moves an exists row to.

use super::model::ExistsStatus;
use super::pyfmt::{py_datetime, py_decimal, py_decimal_repr, py_opt_repr, py_unicode_repr};

/// v2's `fail_reason` column is `CharField(max_length=300)`.
pub const FAIL_REASON_MAX_CHARS: usize = 300;

/// Why a check failed, as v2 raised it. The kind matters to the nova reconcile fallback:
/// a `NotFound` there keeps the original reason, any other verification failure replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `NotFound`: "Couldn't find <type> using <params>".
    NotFound(String),
    /// Any other `VerificationException`, with its reason text.
    Verification(String),
    /// Any other Python exception: v2 stored only the class name (`TypeError`, …) and did not
    /// try the reconciled data.
    Crash(&'static str),
}

impl Failure {
    /// The text v2 stored as `fail_reason` (before the 300-character limit).
    #[must_use]
    pub fn reason(&self) -> &str {
        match self {
            Self::NotFound(reason) | Self::Verification(reason) => reason,
            Self::Crash(class) => class,
        }
    }
}

/// v2's `search_params` of a NotFound / AmbiguousResults, printed as Python 2 printed the dict
/// (key order is CPython 2's hash order, which puts `instance` before `launched_at`).
#[derive(Debug, Clone, Copy)]
pub enum Params<'a> {
    /// `{'instance': u'…'}`.
    Instance(&'a str),
    /// `{'instance': u'…', 'launched_at': Decimal('…')}`.
    InstanceLaunchedAt(&'a str, i64),
    /// `{'uuid': u'…'}` or `{'uuid': None}`.
    Uuid(Option<&'a str>),
}

impl Params<'_> {
    fn repr(self) -> String {
        match self {
            Self::Instance(instance) => format!("{{'instance': {}}}", py_unicode_repr(instance)),
            Self::InstanceLaunchedAt(instance, launched_at) => format!(
                "{{'instance': {}, 'launched_at': {}}}",
                py_unicode_repr(instance),
                py_decimal_repr(launched_at)
            ),
            Self::Uuid(uuid) => format!("{{'uuid': {}}}", py_opt_repr(uuid)),
        }
    }
}

/// A value as `str.format` printed it into a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown<'a> {
    /// A text column (unicode in v2); `None` prints `None`.
    Text(Option<&'a str>),
    /// A stored time (a `Decimal` in v2); `None` prints `None`.
    Time(Option<i64>),
    /// An integer column (a `long` in v2); `None` prints `None`.
    Int(Option<i64>),
}

impl Shown<'_> {
    /// The printed value, or `None` when Python 2 could not print it into a byte string.
    fn text(self) -> Option<String> {
        match self {
            Self::Text(Some(s)) => s.is_ascii().then(|| s.to_owned()),
            Self::Time(Some(t)) => Some(py_decimal(t)),
            Self::Int(Some(n)) => Some(n.to_string()),
            Self::Text(None) | Self::Time(None) | Self::Int(None) => Some("None".to_owned()),
        }
    }
}

/// What `UnicodeEncodeError` looks like as an outcome.
const UNICODE_ENCODE_ERROR: Failure = Failure::Crash("UnicodeEncodeError");

/// `VerificationException(reason)`.
pub fn plain(reason: impl Into<String>) -> Failure {
    Failure::Verification(reason.into())
}

/// `NotFound(object_type, search_params)`.
pub fn not_found(object_type: &str, params: Params<'_>) -> Failure {
    Failure::NotFound(format!(
        "Couldn't find {object_type} using {}",
        params.repr()
    ))
}

/// `AmbiguousResults(object_type, search_params)`.
pub fn ambiguous(object_type: &str, params: Params<'_>) -> Failure {
    Failure::Verification(format!(
        "Ambiguous results for {object_type} using {}",
        params.repr()
    ))
}

/// The "Failed at <utcnow> UTC for <uuid>: " prefix of the three formatted exceptions, or
/// `None` when the uuid is not printable (see the module docs).
fn failed_at(now: i64, uuid: Option<&str>) -> Option<String> {
    let uuid = Shown::Text(uuid).text()?;
    Some(format!("Failed at {} UTC for {uuid}: ", py_datetime(now)))
}

/// `FieldMismatch(field, {'name': 'exists', 'value': …}, {'name': other, 'value': …}, uuid)`.
pub fn field_mismatch(
    now: i64,
    field: &str,
    exists_value: Shown<'_>,
    other: (&str, Shown<'_>),
    uuid: Option<&str>,
) -> Failure {
    let (other_name, other_value) = other;
    let parts = (
        failed_at(now, uuid),
        exists_value.text(),
        other_value.text(),
    );
    let (Some(prefix), Some(value_1), Some(value_2)) = parts else {
        return UNICODE_ENCODE_ERROR;
    };
    Failure::Verification(format!(
        "{prefix}Data mismatch for '{field}' - 'exists' contains '{value_1}' but \
         '{other_name}' contains '{value_2}'"
    ))
}

/// `NullFieldException(field, exist_id, uuid)`.
pub fn null_field(now: i64, field: &str, exist_id: i64, uuid: Option<&str>) -> Failure {
    match failed_at(now, uuid) {
        Some(prefix) => Failure::Verification(format!(
            "{prefix}{field} field was null for exist id {exist_id}"
        )),
        None => UNICODE_ENCODE_ERROR,
    }
}

/// `WrongTypeException(field, value, exist_id, uuid)`.
pub fn wrong_type(
    now: i64,
    field: &str,
    value: &str,
    exist_id: i64,
    uuid: Option<&str>,
) -> Failure {
    match (failed_at(now, uuid), Shown::Text(Some(value)).text()) {
        (Some(prefix), Some(value)) => Failure::Verification(format!(
            "{prefix}{{{field}: {value}}} was of incorrect type for exist id {exist_id}"
        )),
        _ => UNICODE_ENCODE_ERROR,
    }
}

/// A reason cut to the column's 300 characters (characters, not bytes, as the column counts).
#[must_use]
pub fn truncate_reason(reason: &str) -> String {
    reason.chars().take(FAIL_REASON_MAX_CHARS).collect()
}

/// v2's `mark_failed`: an exists Yagi already sent (`sent_verifying`) becomes `sent_failed`,
/// anything else `failed`. (`mark_verified` always gives `verified`/`reconciled`, even from
/// `sent_verifying`.)
#[must_use]
pub fn mark_failed_status(from: ExistsStatus) -> ExistsStatus {
    if from == ExistsStatus::SentVerifying {
        ExistsStatus::SentFailed
    } else {
        ExistsStatus::Failed
    }
}
