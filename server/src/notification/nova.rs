//! The `nova` exchange's columns (v2 `NovaNotification`): instance state and task, image type
//! and image meta, and the payload attributes aggregation needs.

use super::error::ParseError;
use super::fields::{integer, optional_str, path, str_or_empty, truthy_str};
use super::image_type;
use super::json::{Json, Object};
use super::time::PayloadTime;

/// What v2 stored in `RawDataImageMeta`, from `payload.image_meta`; each `""` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageMeta {
    /// `org.openstack__1__architecture`.
    pub os_architecture: Option<String>,
    /// `org.openstack__1__os_distro`.
    pub os_distro: Option<String>,
    /// `org.openstack__1__os_version`.
    pub os_version: Option<String>,
    /// `com.rackspace__1__options`.
    pub rax_options: Option<String>,
}

impl ImageMeta {
    /// True when every value is empty or null: there is nothing worth a row.
    pub fn is_empty(&self) -> bool {
        [
            &self.os_architecture,
            &self.os_distro,
            &self.os_version,
            &self.rax_options,
        ]
        .iter()
        .all(|v| v.as_deref().unwrap_or("").is_empty())
    }
}

/// The nova-specific columns and attributes of a notification.
///
/// Text values follow v2's `payload.get(key, '')`: `""` when absent, `None` when null.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NovaDetail {
    /// `payload.state`.
    pub state: Option<String>,
    /// `payload.old_state`.
    pub old_state: Option<String>,
    /// `payload.old_task_state`.
    pub old_task: Option<String>,
    /// `payload.new_task_state`.
    pub task: Option<String>,
    /// Bit code of the image (see [`image_type`]).
    pub image_type: i64,
    pub image_meta: ImageMeta,
    /// `payload.instance_type_id` (numbers become text, as v2's CharField did).
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    pub new_instance_type_id: Option<String>,
    pub launched_at: PayloadTime,
    pub deleted_at: PayloadTime,
    pub terminated_at: PayloadTime,
    pub audit_period_beginning: PayloadTime,
    pub audit_period_ending: PayloadTime,
    /// `payload.message` when truthy (`create.end` carries `"Success"` or an error).
    pub message: Option<String>,
    /// `payload.bandwidth.public.bw_out`; 0 when missing or `bandwidth` is null.
    pub bandwidth_public_out: i64,
}

/// Extracts the nova columns.
///
/// # Errors
/// A payload that is present but not an object: v2 raised on it before storing anything, so
/// the message is quarantined. An absent payload counts as `{}` as in v2.
pub(super) fn parse(payload: Option<&Json<'_>>) -> Result<NovaDetail, ParseError> {
    let empty = Object::default();
    let p = match payload {
        None => &empty,
        Some(Json::Object(map)) => map,
        Some(_) => {
            return Err(ParseError::WrongType {
                field: "payload",
                expected: "an object",
            })
        }
    };
    let meta = p.get("image_meta").and_then(Json::as_object);
    let meta_str = |key: &str| meta.map_or(Some(String::new()), |m| str_or_empty(m, key));
    let time = |key: &str| PayloadTime::from_value(p.get(key));
    Ok(NovaDetail {
        state: str_or_empty(p, "state"),
        old_state: str_or_empty(p, "old_state"),
        old_task: str_or_empty(p, "old_task_state"),
        task: str_or_empty(p, "new_task_state"),
        image_type: image_type::numeric_code(p),
        image_meta: ImageMeta {
            os_architecture: meta_str("org.openstack__1__architecture"),
            os_distro: meta_str("org.openstack__1__os_distro"),
            os_version: meta_str("org.openstack__1__os_version"),
            rax_options: meta_str("com.rackspace__1__options"),
        },
        instance_type_id: optional_str(p, "instance_type_id"),
        instance_flavor_id: optional_str(p, "instance_flavor_id"),
        new_instance_type_id: optional_str(p, "new_instance_type_id"),
        launched_at: time("launched_at"),
        deleted_at: time("deleted_at"),
        terminated_at: time("terminated_at"),
        audit_period_beginning: time("audit_period_beginning"),
        audit_period_ending: time("audit_period_ending"),
        message: truthy_str(p, "message"),
        bandwidth_public_out: integer(path(payload, &["bandwidth", "public", "bw_out"]))
            .unwrap_or(0),
    })
}
