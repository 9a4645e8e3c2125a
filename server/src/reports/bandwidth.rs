//! v2's `public_outbound_bandwidth.py` (version 1): the sum of `bandwidth_public_out` over the
//! exists of the period.

use serde_json::{json, Value};

/// The report's JSON.
pub(crate) fn build(total: i64) -> Value {
    json!({"total_public_outbound_bandwidth": total})
}

#[cfg(test)]
mod tests {
    #[test]
    fn layout() {
        assert_eq!(
            super::build(42),
            serde_json::json!({"total_public_outbound_bandwidth": 42})
        );
    }
}
