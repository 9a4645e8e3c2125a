//! v2's `glance_usage_audit.py` (version 6): the verifier's figures for the image exists whose
//! event is in the period and whose audit period is one period long, the failed ones, and the
//! images created in the period that have no exists of it. Stored as a list:
//! `[{"summary": …}, ["Object", "ID", "Error Description"], fails…]`.

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use super::status::audit_for_exists;
use crate::store::report_inputs::{ExistsFail, NewImage, StatusCount};

/// What the report reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct GlanceAuditInputs {
    pub exists: Vec<StatusCount>,
    pub exist_fails: Vec<ExistsFail>,
    pub new_images: Vec<NewImage>,
    pub old_images: i64,
    /// The uuids with an exists of the audit period.
    pub exists_uuids: Vec<String>,
}

/// The report's JSON.
pub(crate) fn build(inputs: &GlanceAuditInputs) -> Value {
    let mut images: BTreeMap<String, i64> = BTreeMap::new();
    for image in &inputs.new_images {
        let uuid = image.uuid.clone().unwrap_or_else(|| "None".into());
        images.entry(uuid).or_insert(image.id);
    }
    let with_exists: HashSet<&str> = inputs.exists_uuids.iter().map(String::as_str).collect();
    let image_fails: Vec<Value> = images
        .iter()
        .filter(|(uuid, _)| !with_exists.contains(uuid.as_str()))
        .map(|(uuid, id)| json!(["Usage", id, format!("No exists for usage ({uuid})")]))
        .collect();
    let mut report = vec![
        json!({"summary": {
            "verifier": {"exists": audit_for_exists(&inputs.exists, false)},
            "image_summary": {
                "new_images": inputs.new_images.len(),
                "old_images": inputs.old_images,
                "failures": image_fails.len(),
            },
        }}),
        json!(["Object", "ID", "Error Description"]),
    ];
    report.extend(
        inputs
            .exist_fails
            .iter()
            .map(|f| json!(["Exist", f.id, f.fail_reason])),
    );
    report.extend(image_fails);
    Value::Array(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_images_without_exists() {
        let inputs = GlanceAuditInputs {
            exists: vec![StatusCount {
                status: "verified".into(),
                send_status: 201,
                n: 2,
            }],
            exist_fails: vec![ExistsFail {
                id: 5,
                fail_reason: Some("Failed at x UTC for img: bad".into()),
                cell: None,
                host: None,
            }],
            new_images: vec![
                NewImage {
                    id: 1,
                    uuid: Some("img-b".into()),
                },
                NewImage {
                    id: 2,
                    uuid: Some("img-a".into()),
                },
                NewImage {
                    id: 3,
                    uuid: Some("img-b".into()),
                },
            ],
            old_images: 4,
            exists_uuids: vec!["img-a".into()],
        };
        let v = build(&inputs);
        assert_eq!(
            v[0]["summary"]["image_summary"],
            json!({"new_images": 3, "old_images": 4, "failures": 1})
        );
        assert_eq!(v[0]["summary"]["verifier"]["exists"]["verified"], 2);
        assert_eq!(
            v[0]["summary"]["verifier"]["exists"]["send_status"]["success"],
            2
        );
        assert!(v[0]["summary"]["verifier"]["exists"]
            .get("reconciled")
            .is_none());
        assert_eq!(v[1], json!(["Object", "ID", "Error Description"]));
        assert_eq!(v[2], json!(["Exist", 5, "Failed at x UTC for img: bad"]));
        assert_eq!(v[3], json!(["Usage", 1, "No exists for usage (img-b)"]));
        assert_eq!(v.as_array().map(Vec::len), Some(4));
    }
}
