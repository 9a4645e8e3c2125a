//! v2's `image_events_audit.py` (version 1): the period's glance events counted by kind.

use serde_json::{json, Value};

use crate::store::report_inputs::ImageEventCounts;

/// The report's JSON: `{"image.upload": n, "image.activate": n, "image.delete": n,
/// "image.exists": n, "image.exists.verified": n}`.
pub(crate) fn build(c: &ImageEventCounts) -> Value {
    json!({
        "image.upload": c.upload,
        "image.activate": c.activate,
        "image.delete": c.delete,
        "image.exists": c.exists,
        "image.exists.verified": c.exists_verified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_v2s() {
        let c = ImageEventCounts {
            upload: 1,
            activate: 2,
            delete: 3,
            exists: 4,
            exists_verified: 5,
        };
        assert_eq!(
            build(&c),
            json!({"image.upload": 1, "image.activate": 2, "image.delete": 3,
                   "image.exists": 4, "image.exists.verified": 5})
        );
    }
}
