//! v2's `NovaVerifierValidityTestCase` and the validity half of `GlanceVerifierTestCase`:
//! every level, every field, every text, and the order in which several problems are reported.

use super::support::{checks, image_exists, nova_exists, AT, IMAGE, INSTANCE, NOW};
use crate::verifier::model::{GlanceExists, NovaExists};
use crate::verifier::reasons::Failure;
use crate::verifier::validity::{glance_validity, nova_validity};
use crate::verifier::{Checks, FlavorField, ValidationLevel};

fn all(e: &NovaExists) -> Result<(), Failure> {
    nova_validity(e, checks(ValidationLevel::All), NOW)
}

fn null(field: &str) -> Result<(), Failure> {
    Err(Failure::Verification(format!(
        "{AT}{INSTANCE}: {field} field was null for exist id 23"
    )))
}

fn wrong(field: &str, value: &str) -> Result<(), Failure> {
    Err(Failure::Verification(format!(
        "{AT}{INSTANCE}: {{{field}: {value}}} was of incorrect type for exist id 23"
    )))
}

#[test]
fn a_well_formed_exists_passes_every_level() {
    let e = nova_exists();
    for level in ValidationLevel::ALL {
        assert_eq!(nova_validity(&e, checks(level), NOW), Ok(()));
    }
    let mut live = e;
    live.deleted_at = None;
    assert_eq!(all(&live), Ok(()));
}

#[test]
fn basic_requires_tenant_launched_at_and_the_flavor_field() {
    let mut e = nova_exists();
    e.tenant = None;
    assert_eq!(all(&e), null("tenant"));
    let mut e = nova_exists();
    e.launched_at = None;
    assert_eq!(all(&e), null("launched_at"));
    let mut e = nova_exists();
    e.instance_type_id = None;
    assert_eq!(all(&e), null("instance_type_id"));
    let by_flavor = Checks {
        level: ValidationLevel::Basic,
        flavor: FlavorField::InstanceFlavorId,
    };
    assert_eq!(nova_validity(&e, by_flavor, NOW), Ok(()));
    e.instance_flavor_id = None;
    assert_eq!(
        nova_validity(&e, by_flavor, NOW),
        null("instance_flavor_id")
    );
}

#[test]
fn several_nulls_are_reported_in_python_2_dict_order() {
    // CPython 2 iterates {'tenant', 'launched_at', <flavor>} as <flavor>, launched_at, tenant.
    let mut e = nova_exists();
    e.tenant = None;
    e.instance_type_id = None;
    assert_eq!(all(&e), null("instance_type_id"));
}

#[test]
fn the_tenant_must_be_hex() {
    let mut e = nova_exists();
    e.tenant = Some("invalid_tenant".to_owned());
    assert_eq!(all(&e), wrong("tenant", "invalid_tenant"));
    // Python's `$` accepts one trailing newline.
    e.tenant = Some("abc123\n".to_owned());
    assert_eq!(all(&e), Ok(()));
}

#[test]
fn basic_does_not_look_at_options_or_os_fields() {
    let mut e = nova_exists();
    e.rax_options = Some("a".to_owned());
    e.os_architecture = Some(String::new());
    e.image_type = None;
    assert_eq!(
        nova_validity(&e, checks(ValidationLevel::Basic), NOW),
        Ok(())
    );
    e.tenant = None;
    assert_eq!(
        nova_validity(&e, checks(ValidationLevel::None), NOW),
        Ok(())
    );
}

#[test]
fn rax_options_must_be_a_non_empty_integer() {
    let mut e = nova_exists();
    e.rax_options = Some("a".to_owned());
    assert_eq!(all(&e), wrong("rax_options", "a"));
    e.rax_options = Some(String::new());
    assert_eq!(all(&e), null("rax_options"));
    e.rax_options = Some(" -12 ".to_owned());
    assert_eq!(all(&e), Ok(()));
}

/// Sets one text field of an exists.
type Setter = fn(&mut NovaExists, &str);

#[test]
fn os_fields_must_be_non_empty_and_alphanumeric() {
    let cases: [(&str, Setter); 3] = [
        ("os_architecture", |e, v| {
            e.os_architecture = Some(v.to_owned())
        }),
        ("os_distro", |e, v| e.os_distro = Some(v.to_owned())),
        ("os_version", |e, v| e.os_version = Some(v.to_owned())),
    ];
    for (field, set) in cases {
        let mut e = nova_exists();
        set(&mut e, "x64,");
        assert_eq!(all(&e), wrong(field, "x64,"));
        set(&mut e, "");
        assert_eq!(all(&e), null(field));
    }
    let mut e = nova_exists();
    e.os_distro = Some("com.microsoft.server,".to_owned());
    assert_eq!(all(&e), wrong("os_distro", "com.microsoft.server,"));
}

#[test]
fn of_several_empty_fields_the_last_is_reported() {
    // v2 built {value: name}: one '' key, holding the last name.
    let mut e = nova_exists();
    e.rax_options = Some(String::new());
    e.os_architecture = Some(String::new());
    assert_eq!(all(&e), null("os_architecture"));
    e.os_version = Some(String::new());
    assert_eq!(all(&e), null("os_version"));
}

#[test]
fn import_images_need_no_os_distro_or_version() {
    let mut e = nova_exists();
    e.os_distro = Some(String::new());
    e.os_version = Some(String::new());
    assert_eq!(all(&e), null("os_version"));
    e.image_type = Some(0x3 | 0x10);
    assert_eq!(all(&e), Ok(()));
    e.os_version = Some("2008.2,".to_owned());
    assert_eq!(all(&e), Ok(()));
    e.os_architecture = Some(String::new());
    assert_eq!(all(&e), null("os_architecture"));
}

#[test]
fn what_crashed_in_v2_crashes_here() {
    let mut e = nova_exists();
    e.image_type = None;
    assert_eq!(all(&e), Err(Failure::Crash("TypeError")));
    let mut e = nova_exists();
    e.rax_options = None;
    assert_eq!(all(&e), Err(Failure::Crash("TypeError")));
    let mut e = nova_exists();
    e.os_architecture = None;
    assert_eq!(all(&e), Err(Failure::Crash("TypeError")));
    // A non-ASCII value could not be formatted into v2's byte-string reason.
    let mut e = nova_exists();
    e.os_distro = Some("ubuntu\u{e9}".to_owned());
    assert_eq!(all(&e), Err(Failure::Crash("UnicodeEncodeError")));
}

fn image_null(uuid: &str, field: &str) -> Result<(), Failure> {
    Err(Failure::Verification(format!(
        "{AT}{uuid}: {field} field was null for exist id 23"
    )))
}

fn image(change: impl FnOnce(&mut GlanceExists)) -> Result<(), Failure> {
    let mut e = image_exists();
    change(&mut e);
    glance_validity(&e, NOW)
}

#[test]
fn image_fields_must_be_present() {
    assert_eq!(image(|_| ()), Ok(()));
    assert_eq!(image(|e| e.size = None), image_null(IMAGE, "image_size"));
    assert_eq!(
        image(|e| e.created_at = None),
        image_null(IMAGE, "created_at")
    );
    assert_eq!(image(|e| e.uuid = None), image_null("None", "uuid"));
    assert_eq!(image(|e| e.owner = None), image_null(IMAGE, "owner"));
    // v2's {value: name} dict: the last null field is the one reported.
    let both = |e: &mut GlanceExists| {
        e.size = None;
        e.owner = None;
    };
    assert_eq!(image(both), image_null(IMAGE, "owner"));
}

#[test]
fn image_uuid_and_owner_must_be_well_formed() {
    assert_eq!(
        image(|e| e.uuid = Some("asdfe-fgh".to_owned())),
        Err(Failure::Verification(format!(
            "{AT}None: {{uuid: asdfe-fgh}} was of incorrect type for exist id 23"
        )))
    );
    assert_eq!(
        image(|e| e.owner = Some("3762854cd6f6435998188d5120e4c271,kl".to_owned())),
        Err(Failure::Verification(format!(
            "{AT}{IMAGE}: {{owner: 3762854cd6f6435998188d5120e4c271,kl}} was of incorrect type \
             for exist id 23"
        )))
    );
}
