//! The vocabulary of v2's `/db` API: which usage table a request reads ([`DbTable`]) and the
//! fields of each, named as v2's Django models named them ([`Field`], the allow-list: a field
//! a request names becomes a column only through these tables, never as text).

/// How a field's values are stored, which decides how a range filter compares them and how
/// the field is written in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// UTC microseconds, written as v2's `str(datetime)`.
    Time,
    /// An integer (ids, foreign keys, `send_status`, sizes).
    Int,
    /// Text.
    Text,
}

/// A field of one of v2's usage models: its v2 name, its column and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// v2's model field name, also the JSON key.
    pub name: &'static str,
    /// The column in our table (fixed SQL).
    pub(crate) column: &'static str,
    pub kind: FieldKind,
}

const fn f(name: &'static str, column: &'static str, kind: FieldKind) -> Field {
    Field { name, column, kind }
}

use FieldKind::{Int, Text, Time};

const INSTANCE_USAGE: &[Field] = &[
    f("id", "id", Int),
    f("instance", "instance", Text),
    f("launched_at", "launched_at", Time),
    f("request_id", "request_id", Text),
    f("instance_type_id", "instance_type_id", Text),
    f("instance_flavor_id", "instance_flavor_id", Text),
    f("tenant", "tenant", Text),
    f("os_architecture", "os_architecture", Text),
    f("os_distro", "os_distro", Text),
    f("os_version", "os_version", Text),
    f("rax_options", "rax_options", Text),
];

const INSTANCE_DELETES: &[Field] = &[
    f("id", "id", Int),
    f("instance", "instance", Text),
    f("launched_at", "launched_at", Time),
    f("deleted_at", "deleted_at", Time),
    f("raw", "raw_id", Int),
];

const INSTANCE_EXISTS: &[Field] = &[
    f("id", "id", Int),
    f("instance", "instance", Text),
    f("launched_at", "launched_at", Time),
    f("deleted_at", "deleted_at", Time),
    f("audit_period_beginning", "audit_period_beginning", Time),
    f("audit_period_ending", "audit_period_ending", Time),
    f("message_id", "message_id", Text),
    f("instance_type_id", "instance_type_id", Text),
    f("status", "status", Text),
    f("fail_reason", "fail_reason", Text),
    f("raw", "raw_id", Int),
    f("usage", "usage_id", Int),
    f("delete", "delete_id", Int),
    f("send_status", "send_status", Int),
    f("tenant", "tenant", Text),
    f("os_architecture", "os_architecture", Text),
    f("os_distro", "os_distro", Text),
    f("os_version", "os_version", Text),
    f("rax_options", "rax_options", Text),
    f("bandwidth_public_out", "bandwidth_public_out", Int),
    f("instance_flavor_id", "instance_flavor_id", Text),
    f("event_id", "event_id", Text),
];

const IMAGE_USAGE: &[Field] = &[
    f("id", "id", Int),
    f("uuid", "uuid", Text),
    f("created_at", "created_at", Time),
    f("owner", "owner", Text),
    f("size", "size", Int),
    f("last_raw", "last_raw_id", Int),
];

const IMAGE_DELETES: &[Field] = &[
    f("id", "id", Int),
    f("uuid", "uuid", Text),
    f("deleted_at", "deleted_at", Time),
    f("raw", "raw_id", Int),
];

const IMAGE_EXISTS: &[Field] = &[
    f("id", "id", Int),
    f("uuid", "uuid", Text),
    f("created_at", "created_at", Time),
    f("deleted_at", "deleted_at", Time),
    f("audit_period_beginning", "audit_period_beginning", Time),
    f("audit_period_ending", "audit_period_ending", Time),
    f("status", "status", Text),
    f("fail_reason", "fail_reason", Text),
    f("raw", "raw_id", Int),
    f("usage", "usage_id", Int),
    f("delete", "delete_id", Int),
    f("send_status", "send_status", Int),
    f("owner", "owner", Text),
    f("size", "size", Int),
    f("message_id", "message_id", Text),
    f("event_id", "event_id", Text),
];

/// The exists rows' extra field: the raw event's `when` (v2's `received`).
pub const RECEIVED: Field = f("received", "when_us", Time);

/// One of v2's six usage models, each one of our tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbTable {
    InstanceUsages,
    InstanceDeletes,
    InstanceExists,
    ImageUsages,
    ImageDeletes,
    ImageExists,
}

impl DbTable {
    /// Every field of v2's model, in its declaration order.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Self::InstanceUsages => INSTANCE_USAGE,
            Self::InstanceDeletes => INSTANCE_DELETES,
            Self::InstanceExists => INSTANCE_EXISTS,
            Self::ImageUsages => IMAGE_USAGE,
            Self::ImageDeletes => IMAGE_DELETES,
            Self::ImageExists => IMAGE_EXISTS,
        }
    }

    /// The field called `name` (v2's `get_field_by_name`; `pk` is the id as in Django).
    pub fn field(self, name: &str) -> Option<&'static Field> {
        let name = if name == "pk" { "id" } else { name };
        self.fields().iter().find(|f| f.name == name)
    }

    /// v2's model name, for its "No <Model> matches the given query." 404.
    pub fn model(self) -> &'static str {
        match self {
            Self::InstanceUsages => "InstanceUsage",
            Self::InstanceDeletes => "InstanceDeletes",
            Self::InstanceExists => "InstanceExists",
            Self::ImageUsages => "ImageUsage",
            Self::ImageDeletes => "ImageDeletes",
            Self::ImageExists => "ImageExists",
        }
    }

    /// v2's default `order_by` of the table's list (always descending unless asked).
    pub fn default_order(self) -> &'static Field {
        let name = match self {
            Self::InstanceUsages | Self::InstanceDeletes => "launched_at",
            Self::ImageUsages => "created_at",
            Self::ImageDeletes => "deleted_at",
            Self::InstanceExists | Self::ImageExists => "id",
        };
        self.field(name).unwrap_or(&self.fields()[0])
    }

    /// Exists rows carry `received` and take the `received_min`/`_max` filters.
    pub fn is_exists(self) -> bool {
        matches!(self, Self::InstanceExists | Self::ImageExists)
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            Self::InstanceUsages => "instance_usages",
            Self::InstanceDeletes => "instance_deletes",
            Self::InstanceExists => "instance_exists",
            Self::ImageUsages => "image_usages",
            Self::ImageDeletes => "image_deletes",
            Self::ImageExists => "image_exists",
        }
    }

    /// `SELECT <every field as its v2 name> FROM <table> x` (with the raw event joined for
    /// exists), fixed text built from the allow-list.
    pub(crate) fn select(self) -> String {
        let mut text = String::from("SELECT ");
        for (i, field) in self.fields().iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(&format!("x.{} AS \"{}\"", field.column, field.name));
        }
        if self.is_exists() {
            text.push_str(", r.when_us AS \"received\" FROM ");
            text.push_str(self.table());
            text.push_str(" x LEFT JOIN raw_events r ON r.id = x.raw_id");
        } else {
            text.push_str(" FROM ");
            text.push_str(self.table());
            text.push_str(" x");
        }
        text
    }
}

/// Which service's exists a write touches (v2's `_exists_model_factory`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExistsService {
    /// `InstanceExists`: one row per message id (several is an error v2 skipped).
    Nova,
    /// `ImageExists`: every image of one `image.exists` shares its message id.
    Glance,
}

impl ExistsService {
    /// `nova` or `glance`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "nova" => Some(Self::Nova),
            "glance" => Some(Self::Glance),
            _ => None,
        }
    }

    /// `nova` or `glance`, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Nova => "nova",
            Self::Glance => "glance",
        }
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            Self::Nova => "instance_exists",
            Self::Glance => "image_exists",
        }
    }

    /// The raw events of this service (v2's `RawData` / `GlanceRawData`), fixed SQL.
    pub(crate) fn raw_condition(self) -> &'static str {
        match self {
            Self::Nova => "e.exchange = 'nova'",
            Self::Glance => "e.exchange = 'glance'",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_v2_names_and_defaults_exist() {
        for table in [
            DbTable::InstanceUsages,
            DbTable::InstanceDeletes,
            DbTable::InstanceExists,
            DbTable::ImageUsages,
            DbTable::ImageDeletes,
            DbTable::ImageExists,
        ] {
            assert_eq!(table.field("pk"), table.field("id"));
            assert!(table.field("received").is_none());
            assert!(table.field("raw_id").is_none());
            assert_ne!(table.default_order().name, "");
        }
        assert_eq!(DbTable::ImageDeletes.default_order().name, "deleted_at");
        assert_eq!(
            DbTable::InstanceExists.field("delete").unwrap().column,
            "delete_id"
        );
        assert!(DbTable::ImageUsages.field("instance").is_none());
        let select = DbTable::ImageExists.select();
        assert!(select.contains("x.last_raw_id").eq(&false));
        assert!(select.contains("r.when_us AS \"received\""));
        assert!(select.ends_with("LEFT JOIN raw_events r ON r.id = x.raw_id"));
    }
}
