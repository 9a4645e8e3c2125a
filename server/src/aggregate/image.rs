//! Glance image usage, deletes and exists (v2 `aggregate_glance_usage` and
//! `GlanceNotification.save_usage` / `save_delete` / `save_exists`).

use super::batch::{Input, Skip, Writes};
use super::rows::{resolve, ImageDelete, ImageExists, ImageUsage, RowRef, Rows};
use crate::notification::time::PayloadTime;
use crate::notification::{GlanceDetail, ImageEntry, Images as ImageList};

const ACTIVATE: &str = "image.activate";
const DELETE: &str = "image.delete";
pub(super) const EXISTS: &str = "image.exists";

/// The uuids an `image.exists` looks up.
pub(super) fn entry_uuids(glance: &GlanceDetail) -> impl Iterator<Item = &str> {
    let entries: &[ImageEntry] = match &glance.images {
        ImageList::List(entries) => entries,
        ImageList::InvalidPayload | ImageList::Malformed => &[],
    };
    entries.iter().filter_map(|e| e.uuid.as_deref())
}

fn optional(time: PayloadTime, field: &'static str) -> Result<Option<i64>, Skip> {
    time.optional().map_err(|()| Skip::BadPayloadTime(field))
}

/// The image usage, delete and exists tables as a batch sees them.
pub(super) struct Images {
    usages: Rows<ImageUsage>,
    deletes: Rows<ImageDelete>,
    exists: Vec<ImageExists>,
}

impl Images {
    pub fn new(usages: Vec<(i64, String)>, deletes: Vec<(i64, String)>) -> Self {
        let usage = |(id, uuid)| {
            let row = ImageUsage {
                uuid: Some(uuid),
                ..ImageUsage::default()
            };
            (id, row)
        };
        let delete = |(id, uuid)| {
            let row = ImageDelete {
                uuid: Some(uuid),
                ..ImageDelete::default()
            };
            (id, row)
        };
        Self {
            usages: Rows::stored(usages.into_iter().map(usage)),
            deletes: Rows::stored(deletes.into_iter().map(delete)),
            exists: Vec::new(),
        }
    }

    /// Dispatches a glance event; `notes` collects per-image warnings of `image.exists`.
    pub fn apply(
        &mut self,
        input: &Input<'_>,
        glance: &GlanceDetail,
        notes: &mut Vec<(i64, Skip)>,
    ) -> Result<(), Skip> {
        match input.event {
            ACTIVATE => {
                self.usages.push(ImageUsage {
                    uuid: glance.uuid.clone(),
                    created_at: glance.created_at,
                    owner: input.tenant.map(str::to_string),
                    size: glance.size,
                    last_raw_id: input.raw_id,
                });
            }
            DELETE => {
                let deleted_at = optional(glance.deleted_at, "deleted_at")?;
                self.deletes.push(ImageDelete {
                    uuid: glance.uuid.clone(),
                    deleted_at,
                    raw_id: input.raw_id,
                });
            }
            EXISTS => self.exists(input, glance, notes)?,
            _ => {}
        }
        Ok(())
    }

    /// One `ImageExists` per listed image that has a `created_at` (they share the message id).
    fn exists(
        &mut self,
        input: &Input<'_>,
        glance: &GlanceDetail,
        notes: &mut Vec<(i64, Skip)>,
    ) -> Result<(), Skip> {
        let entries = match &glance.images {
            ImageList::List(entries) => entries,
            ImageList::InvalidPayload => return Err(Skip::InvalidImageExistsPayload),
            ImageList::Malformed => return Err(Skip::MalformedImages),
        };
        let beginning = optional(glance.audit_period_beginning, "audit_period_beginning")?;
        let ending = optional(glance.audit_period_ending, "audit_period_ending")?;
        let mut rows = Vec::with_capacity(entries.len());
        for entry in entries {
            let created_at = optional(entry.created_at, "created_at")?;
            let deleted_at = optional(entry.deleted_at, "deleted_at")?;
            let Some(created_at) = created_at else {
                notes.push((input.raw_id, Skip::ImageWithoutCreatedAt));
                continue;
            };
            let same_uuid = |uuid: &Option<String>| uuid.is_some() && *uuid == entry.uuid;
            let usage = self.usages.first(|u| same_uuid(&u.uuid));
            let delete = deleted_at.and_then(|_| self.deletes.first(|d| same_uuid(&d.uuid)));
            rows.push(ImageExists {
                message_id: input.message_id.map(str::to_string),
                uuid: entry.uuid.clone(),
                created_at,
                deleted_at,
                audit_period_beginning: beginning,
                audit_period_ending: ending,
                owner: input.tenant.map(str::to_string),
                size: entry.size,
                raw_id: input.raw_id,
                usage: usage.map(RowRef::New),
                delete: delete.map(RowRef::New),
            });
        }
        self.exists.extend(rows);
        Ok(())
    }

    pub fn finish(self, writes: &mut Writes) {
        let usages = self.usages.finish();
        let deletes = self.deletes.finish();
        writes.image_usages = usages.new;
        writes.image_deletes = deletes.new;
        writes.image_exists = self
            .exists
            .into_iter()
            .map(|e| ImageExists {
                usage: resolve(e.usage, &usages.refs),
                delete: resolve(e.delete, &deletes.refs),
                ..e
            })
            .collect();
    }
}
