//! The request's query string, decoded once (as `application/x-www-form-urlencoded`, which is
//! what our GET forms send).
//!
//! Pages read their query here rather than from the router's `use_query_map`, which decodes
//! values twice (a literal `%41` in a search value would become `A`). Pages render on the
//! server only, so the request is always at hand.

/// The current request's query parameters, in order.
pub fn query_pairs() -> Vec<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.uri.query().map(parse))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    Vec::new()
}

/// The last value of `key`, if any.
pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Parses `a=1&b=x+y%21` into pairs.
#[cfg(any(feature = "ssr", test))]
pub fn parse(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

#[cfg(any(feature = "ssr", test))]
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', h, l]) => hex(*h).zip(hex(*l)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match (escaped, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
                continue;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(any(feature = "ssr", test))]
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_once() {
        let pairs = parse("field=host&value=a+b%2541%3C&empty=&flag");
        assert_eq!(get(&pairs, "value"), Some("a b%41<"));
        assert_eq!(get(&pairs, "empty"), Some(""));
        assert_eq!(get(&pairs, "flag"), Some(""));
        assert_eq!(get(&pairs, "missing"), None);
        assert_eq!(parse("v=%E2%9C%93%")[0].1, "✓%");
        assert_eq!(parse("v=%zz")[0].1, "%zz");
    }
}
