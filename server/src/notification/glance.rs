//! The `glance` exchange's columns (v2 `GlanceNotification`): image status, uuid, size and
//! creation time, and the image list of `image.exists`.
//!
//! Error notifications carry a string payload: then every image column is `None`.

use super::error::ParseError;
use super::fields::{integer, optional_str, truthy};
use super::image_type;
use super::json::{Json, Object};
use super::time::PayloadTime;

/// The glance-specific columns and attributes of a notification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GlanceDetail {
    /// Bit code from `payload.image_meta` (0 for most glance payloads); `None` for a string
    /// payload.
    pub image_type: Option<i64>,
    /// `payload.status`.
    pub status: Option<String>,
    /// `payload.id`: the image uuid.
    pub uuid: Option<String>,
    /// `payload.size` in bytes.
    pub size: Option<i64>,
    /// `payload.created_at`, parsed.
    pub created_at: Option<i64>,
    /// `body.deleted_at`, else `payload.deleted_at`.
    pub deleted_at: PayloadTime,
    pub audit_period_beginning: PayloadTime,
    pub audit_period_ending: PayloadTime,
    /// `payload.images` of `image.exists`.
    pub images: Images,
}

/// The image list of an `image.exists` payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Images {
    /// The payload is not an object (v2 warned "Received exists with invalid payload").
    InvalidPayload,
    /// `images` is not a list of objects with `created_at`, `id`, `deleted_at` and `size`
    /// (v2 raised on it).
    Malformed,
    /// The entries, in payload order (`[]` when absent).
    List(Vec<ImageEntry>),
}

impl Default for Images {
    fn default() -> Self {
        Self::List(Vec::new())
    }
}

/// One entry of `payload.images`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageEntry {
    /// `id`.
    pub uuid: Option<String>,
    pub size: Option<i64>,
    pub created_at: PayloadTime,
    pub deleted_at: PayloadTime,
}

/// Extracts the glance columns.
///
/// # Errors
/// A truthy `payload.created_at` that is not a timestamp: v2 parsed it before storing the
/// message and failed, so the message is quarantined.
pub(super) fn parse(
    body: &Object<'_>,
    payload: Option<&Json<'_>>,
) -> Result<GlanceDetail, ParseError> {
    let payload_map = payload.and_then(Json::as_object);
    let body_deleted = body.get("deleted_at").filter(|v| truthy(v));
    let deleted_at = PayloadTime::from_value(
        body_deleted.or_else(|| payload_map.and_then(|p| p.get("deleted_at"))),
    );
    let Some(p) = payload_map else {
        return Ok(GlanceDetail {
            deleted_at,
            images: Images::InvalidPayload,
            ..GlanceDetail::default()
        });
    };
    let created_at = match PayloadTime::from_value(p.get("created_at")) {
        PayloadTime::Missing => None,
        PayloadTime::Valid(us) => Some(us),
        PayloadTime::Invalid => {
            return Err(ParseError::BadPayloadTime {
                field: "payload.created_at",
                value: p
                    .get("created_at")
                    .and_then(Json::as_str)
                    .map_or_else(|| "(not a string)".to_string(), |s| format!("{s:?}")),
            })
        }
    };
    Ok(GlanceDetail {
        image_type: Some(image_type::numeric_code(p)),
        status: optional_str(p, "status"),
        uuid: optional_str(p, "id"),
        size: integer(p.get("size")),
        created_at,
        deleted_at,
        audit_period_beginning: PayloadTime::from_value(p.get("audit_period_beginning")),
        audit_period_ending: PayloadTime::from_value(p.get("audit_period_ending")),
        images: images(p.get("images")),
    })
}

fn images(value: Option<&Json<'_>>) -> Images {
    let list = match value {
        None => return Images::default(),
        Some(Json::Array(list)) => list,
        Some(_) => return Images::Malformed,
    };
    let mut entries = Vec::with_capacity(list.len());
    for item in list {
        let Some(image) = item.as_object() else {
            return Images::Malformed;
        };
        if !["created_at", "id", "deleted_at", "size"]
            .iter()
            .all(|k| image.contains_key(k))
        {
            return Images::Malformed;
        }
        entries.push(ImageEntry {
            uuid: optional_str(image, "id"),
            size: integer(image.get("size")),
            created_at: PayloadTime::from_value(image.get("created_at")),
            deleted_at: PayloadTime::from_value(image.get("deleted_at")),
        });
    }
    Images::List(entries)
}
