//! `Authorization: Basic <base64(user:password)>` (RFC 7617), what a browser sends after its
//! own prompt. Decoding only; the password is checked against the users file elsewhere.

/// A user name and password from a Basic header. `Debug` hides the password.
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("user", &self.user)
            .field("password", &"***")
            .finish()
    }
}

/// The credentials of a Basic header value (the scheme in any case); `None` for another
/// scheme, bad base64, text that is not UTF-8 or has no `:`.
#[must_use]
pub fn parse_basic(value: &[u8]) -> Option<BasicCredentials> {
    let space = value.iter().position(|b| *b == b' ')?;
    let (scheme, encoded) = value.split_at(space);
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return None;
    }
    let decoded = String::from_utf8(decode_base64(encoded.trim_ascii())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some(BasicCredentials {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

/// Standard base64 with or without padding; `None` on any other character.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0_u32, 0_u32);
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone sixth character cannot end a valid encoding.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_headers_decode_to_user_and_password() {
        // "alice:pa:ss wörd"
        let c = parse_basic(b"Basic YWxpY2U6cGE6c3Mgd8O2cmQ=").unwrap();
        assert_eq!(
            (c.user.as_str(), c.password.as_str()),
            ("alice", "pa:ss wörd")
        );
        assert!(!format!("{c:?}").contains("pa:ss"));
        // "a:b" without padding, scheme in another case.
        let c = parse_basic(b"basic  YTpi").unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("a", "b"));
        // An empty password is a password.
        let c = parse_basic(b"Basic YTo=").unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("a", ""));
    }

    #[test]
    fn other_schemes_and_garbage_are_not_credentials() {
        assert!(parse_basic(b"Bearer YTpi").is_none());
        assert!(parse_basic(b"Basic").is_none());
        assert!(parse_basic(b"Basic YWJj").is_none(), "no colon in \"abc\"");
        assert!(parse_basic(b"Basic Y*pi").is_none());
        assert!(parse_basic(b"Basic Y").is_none());
        assert!(parse_basic(b"Basic //79").is_none(), "not UTF-8");
    }

    #[test]
    fn base64_round_trips_every_length() {
        let encoded = [
            ("", ""),
            ("Zg==", "f"),
            ("Zm8=", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg", "foob"),
        ];
        for (text, plain) in encoded {
            assert_eq!(
                decode_base64(text.as_bytes()).unwrap(),
                plain.as_bytes(),
                "{text}"
            );
        }
    }
}
