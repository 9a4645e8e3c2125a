//! Identifier shapes (v2 `stacktach/utils.py`): what the APIs accept as an instance uuid or a
//! request id before they query anything.

/// v2's `is_uuid_like`: the canonical lowercase form of a UUID, with dashes (`8-4-4-4-12`) or
/// without (32 hex digits). Upper case, braces or `urn:uuid:` prefixes are not "like" a uuid,
/// because v2 compared the input with `str(uuid.UUID(val))`.
pub fn is_uuid_like(value: &str) -> bool {
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let bytes = value.as_bytes();
    match bytes.len() {
        32 => bytes.iter().all(|&b| lower_hex(b)),
        36 => bytes.iter().enumerate().all(|(i, &b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                lower_hex(b)
            }
        }),
        _ => false,
    }
}

/// v2's `is_request_id_like`: a uuid, optionally prefixed with `req-`.
pub fn is_request_id_like(value: &str) -> bool {
    is_uuid_like(value.strip_prefix("req-").unwrap_or(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The cases of v2's test_stacktach_utils.py, plus the canonical-form edges.
    #[test]
    fn uuid_like() {
        assert!(is_uuid_like("2222bbbb-6352-4dbc-8271-96cc54bf14cd"));
        assert!(is_uuid_like("08f685d963524dbc827196cc54bf14cd"));
        assert!(!is_uuid_like("$-^&#$"));
        assert!(!is_uuid_like("2222BBBB-6352-4dbc-8271-96cc54bf14cd"));
        assert!(!is_uuid_like("{2222bbbb-6352-4dbc-8271-96cc54bf14cd}"));
        assert!(!is_uuid_like("2222bbbb6352-4dbc-8271-96cc54bf14cd-"));
        assert!(!is_uuid_like(""));
    }

    #[test]
    fn request_id_like() {
        assert!(is_request_id_like("4444dddd-29a2-43f2-9ba1-ccb3e53ab6c8"));
        assert!(is_request_id_like(
            "req-8888bbbb-9e47-4b27-a95e-27996cc40c06"
        ));
        assert!(!is_request_id_like("req-$-^&#$"));
        assert!(!is_request_id_like("$-^&#$"));
    }
}
