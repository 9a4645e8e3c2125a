//! Validity checks: is the exists row itself well formed, before (nova) or after (glance) it is
//! compared with what StackTach saw. v2's `_verify_validity` of each verifier, with its order
//! and its quirks:
//!
//! - v2 built `{value: name}` dicts for the "must not be empty/null" checks, so when several
//!   fields are empty the one reported is the **last** of them in the dict's order; its
//!   `{name: value}` dict for the nova basic check iterates in CPython 2's hash order, which is
//!   `<flavor field>`, `launched_at`, `tenant` for both flavor field names.
//! - "must be a Decimal" (`launched_at`, `deleted_at`, glance `created_at`) and "must be a long"
//!   (glance `size`) are type checks of v2's ORM values. Our columns are typed integers, so a
//!   present value always passes; these checks reduce to the presence checks before them.
//! - A `None` where v2 ran a regex or `int()` raised `TypeError`, which v2 stored as the reason
//!   without trying the reconciled data.

use super::checks::{Checks, FlavorField, ValidationLevel};
use super::model::{GlanceExists, NovaExists};
use super::pyfmt::{py_full_match, py_int_parses, py_is_uuid_like};
use super::reasons::{null_field, wrong_type, Failure};

/// v2's `is_image_type_import` mask and value: base|snapshot bits both set.
const IMPORT_MASK: i64 = 0xf;
const IMPORT: i64 = 0x3;

const TYPE_ERROR: Failure = Failure::Crash("TypeError");

/// The exists' value of the configured flavor field.
pub(crate) fn flavor_of(exists: &NovaExists, field: FlavorField) -> Option<&str> {
    match field {
        FlavorField::InstanceTypeId => exists.instance_type_id.as_deref(),
        FlavorField::InstanceFlavorId => exists.instance_flavor_id.as_deref(),
    }
}

fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

fn is_alphanumeric_or_dot(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.'
}

/// Nova's `_verify_validity(exist, validation_level)`.
pub(crate) fn nova_validity(exists: &NovaExists, checks: Checks, now: i64) -> Result<(), Failure> {
    match checks.level {
        ValidationLevel::None => Ok(()),
        ValidationLevel::Basic => nova_basic(exists, checks.flavor, now),
        ValidationLevel::All => {
            nova_basic(exists, checks.flavor, now)?;
            nova_optional(exists, now)
        }
    }
}

/// `basic`: tenant, `launched_at` and the flavor field present; the tenant hex.
fn nova_basic(exists: &NovaExists, flavor: FlavorField, now: i64) -> Result<(), Failure> {
    let uuid = Some(exists.instance.as_str());
    let required = [
        (flavor.as_str(), flavor_of(exists, flavor).is_none()),
        ("launched_at", exists.launched_at.is_none()),
        ("tenant", exists.tenant.is_none()),
    ];
    if let Some((name, _)) = required.iter().find(|(_, missing)| *missing) {
        return Err(null_field(now, name, exists.id, uuid));
    }
    let tenant = exists.tenant.as_deref().unwrap_or_default();
    if !py_full_match(tenant, is_hex) {
        return Err(wrong_type(now, "tenant", tenant, exists.id, uuid));
    }
    Ok(())
}

/// `all` on top of `basic`: `rax_options` an integer, `os_*` alphanumeric (dots allowed), all
/// non-empty; `os_distro` and `os_version` not checked for import images.
fn nova_optional(exists: &NovaExists, now: i64) -> Result<(), Failure> {
    let uuid = Some(exists.instance.as_str());
    let image_type = exists.image_type.ok_or(TYPE_ERROR)?;
    let import = image_type & IMPORT_MASK == IMPORT;
    let mut fields = vec![
        ("rax_options", exists.rax_options.as_deref()),
        ("os_architecture", exists.os_architecture.as_deref()),
    ];
    if !import {
        fields.push(("os_distro", exists.os_distro.as_deref()));
        fields.push(("os_version", exists.os_version.as_deref()));
    }
    if let Some((name, _)) = fields.iter().rev().find(|(_, v)| *v == Some("")) {
        return Err(null_field(now, name, exists.id, uuid));
    }
    let rax_options = exists.rax_options.as_deref().ok_or(TYPE_ERROR)?;
    if !py_int_parses(rax_options) {
        return Err(wrong_type(now, "rax_options", rax_options, exists.id, uuid));
    }
    for (name, value) in &fields[1..] {
        let value = value.ok_or(TYPE_ERROR)?;
        if !py_full_match(value, is_alphanumeric_or_dot) {
            return Err(wrong_type(now, name, value, exists.id, uuid));
        }
    }
    Ok(())
}

/// Glance's `_verify_validity(exist)`, always run (after the usage and delete checks): size,
/// `created_at`, uuid and owner present; the uuid shaped like one; the owner hex.
pub(crate) fn glance_validity(exists: &GlanceExists, now: i64) -> Result<(), Failure> {
    let uuid = exists.uuid.as_deref();
    let required = [
        ("image_size", exists.size.is_none()),
        ("created_at", exists.created_at.is_none()),
        ("uuid", uuid.is_none()),
        ("owner", exists.owner.is_none()),
    ];
    if let Some((name, _)) = required.iter().rev().find(|(_, missing)| *missing) {
        return Err(null_field(now, name, exists.id, uuid));
    }
    let image = uuid.unwrap_or_default();
    if !py_is_uuid_like(image) {
        // v2 passed no uuid to this one: its reason says "for None".
        return Err(wrong_type(now, "uuid", image, exists.id, None));
    }
    let owner = exists.owner.as_deref().unwrap_or_default();
    if !py_full_match(owner, is_hex) {
        return Err(wrong_type(now, "owner", owner, exists.id, uuid));
    }
    Ok(())
}
