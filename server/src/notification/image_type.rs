//! Image type bit codes (v2 `stacktach/image_type.py`): what kind of image an instance or a
//! glance image was built from, packed into one integer column.

use super::json::{Json, Object};

/// `image_meta.image_type == "base"`.
pub const BASE_IMAGE: i64 = 0x1;
/// `image_meta.image_type == "snapshot"`.
pub const SNAPSHOT_IMAGE: i64 = 0x2;
/// `image_meta.image_type == "import"`: both bits, so it reads as base and snapshot.
pub const IMPORT_IMAGE: i64 = BASE_IMAGE | SNAPSHOT_IMAGE;
/// `os_type == "linux"` (`image_meta.os_type`, else `payload.os_type`).
pub const LINUX_IMAGE: i64 = 0x10;
/// `os_type == "windows"`.
pub const WINDOWS_IMAGE: i64 = 0x20;
/// `os_type == "freebsd"`.
pub const FREEBSD_IMAGE: i64 = 0x40;
/// `image_meta.os_distro == "ubuntu"`.
pub const OS_UBUNTU: i64 = 0x100;
/// `image_meta.os_distro == "debian"`.
pub const OS_DEBIAN: i64 = 0x200;
/// `image_meta.os_distro == "centos"`.
pub const OS_CENTOS: i64 = 0x400;
/// `image_meta.os_distro == "rhel"`.
pub const OS_RHEL: i64 = 0x800;

/// The named flags, by value (the order `readable` lists them in).
const FLAGS: [(&str, i64); 9] = [
    ("base", BASE_IMAGE),
    ("snapshot", SNAPSHOT_IMAGE),
    ("linux", LINUX_IMAGE),
    ("windows", WINDOWS_IMAGE),
    ("freebsd", FREEBSD_IMAGE),
    ("ubuntu", OS_UBUNTU),
    ("debian", OS_DEBIAN),
    ("centos", OS_CENTOS),
    ("rhel", OS_RHEL),
];

/// v2's `isset`: false for no value or 0, else whether any bit of `flag` is set.
pub fn isset(code: Option<i64>, flag: i64) -> bool {
    code.is_some_and(|c| c & flag > 0)
}

/// v2's `readable`: the names of the set flags, in flag order.
pub fn readable(code: i64) -> Vec<&'static str> {
    FLAGS
        .iter()
        .filter(|(_, flag)| isset(Some(code), *flag))
        .map(|(name, _)| *name)
        .collect()
}

/// v2's `get_numeric_code(payload)`: bits from `payload.image_meta` (`image_type`, `os_type`,
/// `os_distro`); `image_meta.os_type` beats `payload.os_type`, even when it is empty.
/// A non-object `image_meta` counts as empty (v2 raised).
pub(crate) fn numeric_code(payload: &Object<'_>) -> i64 {
    let empty = Object::default();
    let meta = payload
        .get("image_meta")
        .and_then(Json::as_object)
        .unwrap_or(&empty);
    let image = match text(meta.get("image_type")) {
        "base" => BASE_IMAGE,
        "snapshot" => SNAPSHOT_IMAGE,
        "import" => IMPORT_IMAGE,
        _ => 0,
    };
    let os_type = meta.get("os_type").or_else(|| payload.get("os_type"));
    let os = match text(os_type) {
        "linux" => LINUX_IMAGE,
        "windows" => WINDOWS_IMAGE,
        "freebsd" => FREEBSD_IMAGE,
        _ => 0,
    };
    let distro = match text(meta.get("os_distro")) {
        "ubuntu" => OS_UBUNTU,
        "debian" => OS_DEBIAN,
        "centos" => OS_CENTOS,
        "rhel" => OS_RHEL,
        _ => 0,
    };
    image | os | distro
}

fn text<'a>(value: Option<&'a Json<'_>>) -> &'a str {
    value.and_then(Json::as_str).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    fn code(payload: Value) -> i64 {
        let text = payload.to_string();
        numeric_code(Json::parse(&text).unwrap().as_object().unwrap())
    }

    fn meta(image: &str, os_type: &str, os_distro: Option<&str>) -> i64 {
        code(
            json!({"image_meta": {"image_type": image, "os_type": os_type, "os_distro": os_distro}}),
        )
    }

    // v2 test_image_type.py: every base/snapshot x os x distro combination.
    #[test]
    fn get_numeric_code_combinations() {
        let distros = [
            ("ubuntu", 0x100),
            ("debian", 0x200),
            ("centos", 0x400),
            ("rhel", 0x800),
        ];
        for (image, bit) in [("base", 0x1), ("snapshot", 0x2)] {
            for (distro, distro_bit) in distros {
                assert_eq!(meta(image, "linux", Some(distro)), 0x10 | bit | distro_bit);
            }
            assert_eq!(meta(image, "windows", None), 0x20 | bit);
            assert_eq!(meta(image, "freebsd", None), 0x40 | bit);
        }
        assert_eq!(meta("import", "linux", None), 0x13);
    }

    #[test]
    fn empty_payloads() {
        assert_eq!(code(json!({})), 0);
        assert_eq!(code(json!({"image_meta": {}})), 0);
        assert_eq!(code(json!({"image_meta": {}, "os_type": ""})), 0);
        assert_eq!(code(json!({"image_meta": "junk", "os_type": 7})), 0);
    }

    #[test]
    fn os_type_in_meta_beats_payload() {
        let windows = json!({"image_meta": {"os_type": "windows"}, "os_type": ""});
        assert_eq!(code(windows), WINDOWS_IMAGE);
        let linux = json!({"image_meta": {"os_type": "linux"}, "os_type": "windows"});
        assert_eq!(code(linux), LINUX_IMAGE);
        let from_payload = json!({"image_meta": {}, "os_type": "linux"});
        assert_eq!(code(from_payload), LINUX_IMAGE);
    }

    #[test]
    fn readable_lists_names_in_flag_order() {
        assert_eq!(readable(0x111), ["base", "linux", "ubuntu"]);
        assert_eq!(readable(0x812), ["snapshot", "linux", "rhel"]);
        assert_eq!(readable(0x21), ["base", "windows"]);
        assert_eq!(readable(0x22), ["snapshot", "windows"]);
        assert_eq!(readable(0x41), ["base", "freebsd"]);
        assert_eq!(readable(0x42), ["snapshot", "freebsd"]);
        assert_eq!(readable(IMPORT_IMAGE), ["base", "snapshot"]);
    }

    #[test]
    fn isset_truth_table() {
        for (_, flag) in FLAGS {
            assert!(isset(Some(flag), flag));
            for (_, other) in FLAGS.iter().filter(|(_, f)| *f != flag) {
                assert!(!isset(Some(flag), *other));
            }
        }
        assert!(!isset(None, OS_CENTOS));
        assert!(!isset(Some(0), OS_CENTOS));
    }
}
