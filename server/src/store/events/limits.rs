//! The sizes a stored value may have, the same on every backend, and the size of an event's
//! row (for MySQL's bytes per statement).
//!
//! Why uniform limits: MySQL's identifier columns are `VARCHAR(255)` (an index key part holds
//! at most 1,020 bytes) and its free-text columns `TEXT` (65,535 bytes); in strict mode a longer
//! value is an error, so the batch would fail and be redelivered forever. Ingest quarantines
//! such a notification instead, on all three backends, so parsing stays backend-free and the
//! backends store the same rows.

use super::write::NewEvent;
use super::write_mysql::text_bytes;
use crate::notification::{Detail, GlanceDetail, Images, NovaDetail};

/// Characters an identifier column holds (`VARCHAR(255)` on MySQL).
pub(crate) const KEY_CHARS: usize = 255;

/// Bytes a free-text column holds (`TEXT` on MySQL).
pub(crate) const TEXT_BYTES: usize = 65_535;

/// Why `value` of the identifier `field` cannot be stored, if it is too long.
pub(crate) fn key_over(field: &str, value: Option<&str>) -> Option<String> {
    let value = value?;
    // A byte count at most KEY_CHARS is at most as many characters: no count needed.
    (value.len() > KEY_CHARS && value.chars().count() > KEY_CHARS)
        .then(|| format!("{field} is longer than {KEY_CHARS} characters"))
}

/// Why `value` of the free-text `field` cannot be stored, if it is too long.
pub(crate) fn text_over(field: &str, value: Option<&str>) -> Option<String> {
    (value?.len() > TEXT_BYTES).then(|| format!("{field} is longer than {TEXT_BYTES} bytes"))
}

impl NewEvent {
    /// Why this event cannot be stored, if a value is longer than its column holds on MySQL:
    /// ingest quarantines it with that reason, on every backend (the first such value named
    /// as in the notification).
    pub fn over_limit(&self) -> Option<String> {
        let envelope = [
            ("exchange", Some(self.exchange.as_str())),
            ("routing_key", Some(self.routing_key.as_str())),
            ("event_type", Some(self.event.as_str())),
            ("publisher_id", Some(self.publisher.as_str())),
            ("request_id", Some(self.request_id.as_str())),
            ("instance_id", self.instance.as_deref()),
            ("tenant_id", self.tenant.as_deref()),
            ("message_id", self.message_id.as_deref()),
        ];
        let over = |values: &[(&str, Option<&str>)]| {
            values
                .iter()
                .find_map(|(field, value)| key_over(field, *value))
        };
        match &self.detail {
            Detail::Nova(nova) => over(&envelope).or_else(|| nova_over(nova)),
            Detail::Glance(glance) => over(&envelope).or_else(|| glance_over(glance)),
            Detail::Generic => over(&envelope),
        }
    }
}

/// Why a nova event's stored payload values cannot be stored, if one is too long.
fn nova_over(nova: &NovaDetail) -> Option<String> {
    let keys = [
        ("payload.state", &nova.state),
        ("payload.old_state", &nova.old_state),
        ("payload.old_task_state", &nova.old_task),
        ("payload.new_task_state", &nova.task),
        ("payload.instance_type_id", &nova.instance_type_id),
        ("payload.instance_flavor_id", &nova.instance_flavor_id),
    ];
    let meta = &nova.image_meta;
    let texts = [
        ("org.openstack__1__architecture", &meta.os_architecture),
        ("org.openstack__1__os_distro", &meta.os_distro),
        ("org.openstack__1__os_version", &meta.os_version),
        ("com.rackspace__1__options", &meta.rax_options),
    ];
    keys.iter()
        .find_map(|(field, value)| key_over(field, value.as_deref()))
        .or_else(|| {
            let mut texts = texts.iter();
            texts.find_map(|(field, value)| text_over(field, value.as_deref()))
        })
}

/// Why a glance event's stored payload values cannot be stored, if one is too long.
fn glance_over(glance: &GlanceDetail) -> Option<String> {
    let images = match &glance.images {
        Images::List(list) => list.as_slice(),
        _ => &[],
    };
    key_over("payload.status", glance.status.as_deref())
        .or_else(|| key_over("payload.id", glance.uuid.as_deref()))
        .or_else(|| {
            let mut ids = images.iter();
            ids.find_map(|i| key_over("payload.images id", i.uuid.as_deref()))
        })
}

impl NewEvent {
    /// About the bytes this event's row takes in an INSERT, for MySQL's byte budget per
    /// statement (its text values, plus slack for the numbers and short detail columns).
    pub(super) fn row_bytes(&self) -> usize {
        let texts = [
            &self.exchange,
            &self.routing_key,
            &self.event,
            &self.publisher,
        ];
        let more = [
            &self.service,
            &self.request_id,
            &self.dedupe_key,
            &self.json,
        ];
        let optional = [&self.host, &self.instance, &self.tenant, &self.message_id];
        let optional: usize = optional.iter().map(|t| text_bytes(t.as_deref())).sum();
        texts.iter().chain(&more).map(|t| t.len()).sum::<usize>() + optional + 256
    }
}

/// `value` cut to at most [`KEY_CHARS`] characters (a quarantine row's exchange and routing
/// key, which must be stored whatever their length).
pub(crate) fn clip_key(value: &str) -> &str {
    match value.char_indices().nth(KEY_CHARS) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::time::PayloadTime;
    use crate::notification::ImageEntry;

    #[test]
    fn keys_are_limited_in_characters_not_bytes() {
        let ascii = "a".repeat(KEY_CHARS);
        assert_eq!(key_over("instance", Some(&ascii)), None);
        let wide = "é".repeat(KEY_CHARS);
        assert_eq!(
            key_over("instance", Some(&wide)),
            None,
            "255 chars, 510 bytes"
        );
        let long = "é".repeat(KEY_CHARS + 1);
        assert_eq!(
            key_over("instance", Some(&long)).as_deref(),
            Some("instance is longer than 255 characters")
        );
        assert_eq!(key_over("instance", None), None);
    }

    #[test]
    fn free_text_is_limited_in_bytes() {
        let fits = "a".repeat(TEXT_BYTES);
        assert_eq!(text_over("rax_options", Some(&fits)), None);
        let long = "é".repeat(TEXT_BYTES / 2 + 1);
        assert_eq!(
            text_over("rax_options", Some(&long)).as_deref(),
            Some("rax_options is longer than 65535 bytes")
        );
    }

    #[test]
    fn clip_key_cuts_on_a_character_boundary() {
        assert_eq!(clip_key("short"), "short");
        let long = "é".repeat(KEY_CHARS + 10);
        let clipped = clip_key(&long);
        assert_eq!(clipped.chars().count(), KEY_CHARS);
        assert_eq!(clipped.len(), KEY_CHARS * 2);
    }

    fn event(detail: Detail) -> NewEvent {
        NewEvent {
            deployment_id: 1,
            exchange: "nova".into(),
            routing_key: "monitor.info".into(),
            event: "compute.instance.create.end".into(),
            publisher: "compute.host1".into(),
            service: "compute".into(),
            host: Some("host1".into()),
            when_us: 1,
            request_id: "req-1".into(),
            instance: Some("i-1".into()),
            tenant: None,
            message_id: Some("m-1".into()),
            dedupe_key: "m-1".into(),
            received_us: 2,
            json: "{}".into(),
            detail,
        }
    }

    #[test]
    fn an_event_within_the_limits_passes() {
        let nova = NovaDetail {
            state: Some("active".into()),
            ..NovaDetail::default()
        };
        assert_eq!(event(Detail::Nova(Box::new(nova))).over_limit(), None);
        assert_eq!(event(Detail::Generic).over_limit(), None);
    }

    #[test]
    fn the_first_over_long_value_is_named() {
        let mut e = event(Detail::Generic);
        e.instance = Some("i".repeat(KEY_CHARS + 1));
        e.tenant = Some("t".repeat(KEY_CHARS + 1));
        assert_eq!(
            e.over_limit().as_deref(),
            Some("instance_id is longer than 255 characters")
        );
        let mut nova = NovaDetail::default();
        nova.image_meta.rax_options = Some("o".repeat(TEXT_BYTES + 1));
        assert_eq!(
            event(Detail::Nova(Box::new(nova))).over_limit().as_deref(),
            Some("com.rackspace__1__options is longer than 65535 bytes")
        );
    }

    #[test]
    fn glance_image_ids_are_identifiers() {
        let entry = ImageEntry {
            uuid: Some("u".repeat(KEY_CHARS + 1)),
            size: None,
            created_at: PayloadTime::default(),
            deleted_at: PayloadTime::default(),
        };
        let glance = GlanceDetail {
            images: Images::List(vec![entry]),
            ..GlanceDetail::default()
        };
        assert_eq!(
            event(Detail::Glance(Box::new(glance)))
                .over_limit()
                .as_deref(),
            Some("payload.images id is longer than 255 characters")
        );
    }
}
