//! Which slots of a template carry the identity of the instance an operation acts on (uuid,
//! image, access addresses, user, launch and creation times), found from the payload keys they
//! appear under, so an operation on an existing instance can substitute that instance's values.

use serde_json::Value;

use super::slots::{split, whole, Slot};

/// Slots that hold the identity of the instance the operation acts on.
#[derive(Default)]
pub(crate) struct Binding {
    pub instance_uuids: Vec<u16>,
    pub image_uuids: Vec<u16>,
    pub user_xuuids: Vec<u16>,
    pub access_v4: Vec<u16>,
    pub access_v6: Vec<u16>,
    /// `payload.launched_at` times (never a `timestamp` slot).
    pub launched_dts: Vec<u16>,
    /// `payload.created_at` times (never a `timestamp` slot).
    pub created_dts: Vec<u16>,
}

/// Records the instance-identity slots of one notification (top-level payload keys, and user ids
/// written as XUUIDs anywhere).
pub(crate) fn collect_binding(item: &Value, binding: &mut Binding) {
    let payload = &item["payload"];
    let field = |key: &str, wanted: fn(Slot) -> Option<u16>, into: &mut Vec<u16>| {
        let text = payload.get(key).and_then(Value::as_str).unwrap_or("");
        let slots = split(text).map(|(parts, _)| parts).unwrap_or_default();
        for index in slots.into_iter().filter_map(|(_, slot)| wanted(slot)) {
            if !into.contains(&index) {
                into.push(index);
            }
        }
    };
    field("instance_id", Slot::uuid, &mut binding.instance_uuids);
    field("image_ref_url", Slot::uuid, &mut binding.image_uuids);
    field("access_ip_v4", Slot::v4, &mut binding.access_v4);
    field("access_ip_v6", Slot::v6, &mut binding.access_v6);
    field("launched_at", Slot::dt, &mut binding.launched_dts);
    field("created_at", Slot::dt, &mut binding.created_dts);
    collect_user_xuuids(item, &mut binding.user_xuuids);
}

fn collect_user_xuuids(value: &Value, into: &mut Vec<u16>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let user_key = matches!(
                    key.as_str(),
                    "user_id" | "_context_user_id" | "_context_user"
                );
                if let (true, Some(Slot::Xuuid(i))) = (user_key, child.as_str().and_then(whole)) {
                    if !into.contains(&i) {
                        into.push(i);
                    }
                }
                collect_user_xuuids(child, into);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|child| collect_user_xuuids(child, into)),
        _ => {}
    }
}
