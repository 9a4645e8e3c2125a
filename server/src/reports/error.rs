//! [`ReportError`]: why a report could not be built.

use crate::store::StoreError;

/// A report that could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// v2's `pretty.py`: "No regions found for '<region>'".
    #[error("No regions found for '{0}'")]
    NoRegion(String),
    /// A `--date` that is neither `YYYY-MM-DD` nor `YYYY-MM-DD HH:MM:SS`.
    #[error("'{0}' is not in YYYY-MM-DD or YYYY-MM-DD HH:MM:SS format.")]
    BadDate(String),
    /// An unknown report name.
    #[error("unknown report '{0}' (stacktach report --list names them)")]
    UnknownReport(String),
}
