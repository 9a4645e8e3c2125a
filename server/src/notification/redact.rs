//! Credentials out of notification bodies before they are stored: every OpenStack notification
//! carries the request context, and with it `_context_auth_token` (a live Keystone token) and
//! often a service token or, from Heat, the user's password. Stored verbatim, the event page,
//! `/api/v1`, `/stacky/show` and every export would hand them to anyone who can read the
//! monitor, so ingest replaces the value of each credential-like key with `"***"`.
//!
//! The rewrite works on the text, not on a parsed tree: one pass over the bytes finds each
//! member whose key is on the list (exact name, ASCII case-insensitive, at any depth, in arrays
//! too) and replaces its whole value (a string, a number, an object, an array) with `"***"`.
//! Everything else is kept byte for byte — member order, spacing, escapes — and a body with
//! no such key is returned as it is, without a copy. A string value of `oslo.message` (an
//! oslo.messaging envelope's inner notification, as JSON text) is redacted inside and
//! re-encoded, so raw envelopes (the quarantine keeps bodies as received) lose their tokens too.
//!
//! Text that is not valid JSON is redacted up to where it stops making sense: members read
//! completely before that point are replaced, the rest is left as it is.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// What a redacted value becomes (a JSON string, so the body stays valid JSON).
pub const MASK: &str = "\"***\"";

/// The keys redacted by default: what oslo.context and the services' own request contexts put
/// in a notification (`_context_*` at the top level, the same names inside `context` or
/// `payload` objects), plus the payload fields that carry a secret (`adminPass`, Heat's
/// `password`, keypairs' `private_key`).
pub const DEFAULT_KEYS: &[&str] = &[
    "_context_auth_token",
    "_context_auth_token_info",
    "_context_service_token",
    "_context_password",
    "_context_secret",
    "_context_token",
    "_context_trust_token",
    "auth_token",
    "auth_token_info",
    "auth_tok",
    "service_token",
    "trust_token",
    "token",
    "password",
    "admin_password",
    "adminPass",
    "new_password",
    "secret",
    "private_key",
    "x-auth-token",
    "x_auth_token",
    "x-service-token",
];

/// The key whose string value is a whole notification as JSON text.
const OSLO_MESSAGE: &[u8] = b"oslo.message";

/// Which keys are redacted. `Default` is [`DEFAULT_KEYS`]; [`Redaction::keep`] redacts nothing.
/// Cheap to clone.
#[derive(Clone, PartialEq, Eq)]
pub struct Redaction {
    /// Lower-cased, without duplicates; empty: credentials are kept.
    keys: Arc<[Box<str>]>,
    /// The same keys by length (`by_length[n]`: the keys of `n` bytes), so a body's key is
    /// compared with the one or two listed keys of its length, not with every one.
    by_length: Arc<[Vec<Box<str>>]>,
}

impl std::fmt::Debug for Redaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Redaction").field(&self.keys).finish()
    }
}

impl Default for Redaction {
    fn default() -> Self {
        Self::new(DEFAULT_KEYS)
    }
}

/// One value to replace: its byte range in the text and what it becomes.
#[derive(Debug, PartialEq)]
struct Edit {
    range: Range<usize>,
    with: Cow<'static, str>,
}

impl Redaction {
    /// Redacts exactly `keys` (trimmed; empty names ignored; matched case-insensitively).
    pub fn new<S: AsRef<str>>(keys: impl IntoIterator<Item = S>) -> Self {
        let mut list: Vec<Box<str>> = Vec::new();
        for key in keys {
            let key = key.as_ref().trim().to_ascii_lowercase();
            if !key.is_empty() && !list.iter().any(|k| **k == *key) {
                list.push(key.into());
            }
        }
        let longest = list.iter().map(|k| k.len()).max().unwrap_or(0);
        let mut by_length = vec![Vec::new(); longest + 1];
        for key in &list {
            by_length[key.len()].push(key.clone());
        }
        Self {
            keys: list.into(),
            by_length: by_length.into(),
        }
    }

    /// Redacts nothing: bodies are stored as received (`--keep-credentials`).
    pub fn keep() -> Self {
        Self::new([""; 0])
    }

    /// Whether nothing is redacted.
    pub fn is_keep(&self) -> bool {
        self.keys.is_empty()
    }

    /// The redacted keys, lower-cased.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(AsRef::as_ref)
    }

    /// `text` with every listed key's value replaced by `"***"`; borrowed when nothing was.
    pub fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let edits = self.edits(text.as_bytes());
        if edits.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(to_string(apply(text.as_bytes(), &edits)))
    }

    /// [`Self::text`] for an owned body: the same `String` back when nothing is redacted.
    pub fn string(&self, text: String) -> String {
        let edits = self.edits(text.as_bytes());
        if edits.is_empty() {
            return text;
        }
        to_string(apply(text.as_bytes(), &edits))
    }

    /// [`Self::text`] for bytes that may not be UTF-8 (a quarantined body).
    pub fn bytes<'b>(&self, bytes: &'b [u8]) -> Cow<'b, [u8]> {
        let edits = self.edits(bytes);
        if edits.is_empty() {
            return Cow::Borrowed(bytes);
        }
        Cow::Owned(apply(bytes, &edits))
    }

    /// Whether `key` (its raw text between the quotes, `escaped` if it has a backslash) names
    /// a redacted key.
    fn matches(&self, raw: &[u8], escaped: bool) -> bool {
        if escaped {
            // An escaped key (`"auth\u005ftoken"`) means what it decodes to.
            return decode(raw).is_some_and(|key| self.matches(key.as_bytes(), false));
        }
        self.by_length
            .get(raw.len())
            .is_some_and(|keys| keys.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(raw)))
    }

    /// The replacement of an `oslo.message` string (`quoted`, quotes included) whose inner
    /// notification has something to redact.
    fn nested(&self, quoted: &[u8]) -> Option<Cow<'static, str>> {
        let inner: String = serde_json::from_slice(quoted).ok()?;
        match self.text(&inner) {
            Cow::Borrowed(_) => None,
            Cow::Owned(redacted) => serde_json::to_string(&redacted).ok().map(Cow::Owned),
        }
    }

    /// The values to replace, in text order, found in one pass. Iterative (a stack of open
    /// containers, not recursion), so no nesting depth can overflow the stack.
    fn edits(&self, b: &[u8]) -> Vec<Edit> {
        let mut edits = Vec::new();
        if self.is_keep() {
            return edits;
        }
        let mut s = Scanner { b, i: 0 };
        // `true` for an object: after its `{` or a `,` comes a key.
        let mut open: Vec<bool> = Vec::new();
        let mut expect_key = false;
        loop {
            s.skip_ws();
            let Some(&c) = b.get(s.i) else { break };
            match c {
                b'{' | b'[' => {
                    open.push(c == b'{');
                    expect_key = c == b'{';
                    s.i += 1;
                }
                b'}' | b']' => {
                    open.pop();
                    expect_key = false;
                    s.i += 1;
                }
                b',' => {
                    expect_key = open.last() == Some(&true);
                    s.i += 1;
                }
                b'"' if expect_key => {
                    expect_key = false;
                    match self.member(&mut s) {
                        Some(Some(edit)) => edits.push(edit),
                        Some(None) => {}
                        None => break,
                    }
                }
                b'"' => match s.string_end(s.i) {
                    Some(end) => s.i = end,
                    None => break,
                },
                _ => s.i = s.scalar_end(s.i).max(s.i + 1),
            }
        }
        edits
    }

    /// Reads a member's key and colon at `s.i`; for a redacted key (or an `oslo.message`
    /// string to redact inside) also its value, returning the edit. `None`: the text breaks
    /// off here. Other values are left for the caller's loop to walk into.
    fn member(&self, s: &mut Scanner<'_>) -> Option<Option<Edit>> {
        let (key_end, escaped) = s.string_span(s.i)?;
        let key = &s.b[s.i + 1..key_end - 1];
        s.i = key_end;
        s.skip_ws();
        if s.b.get(s.i) != Some(&b':') {
            return None;
        }
        s.i += 1;
        s.skip_ws();
        let start = s.i;
        if self.matches(key, escaped) {
            s.i = s.value_end(start)?;
            // A value already masked stays as it is, so redacting twice copies nothing.
            let edit = (&s.b[start..s.i] != MASK.as_bytes()).then_some(Edit {
                range: start..s.i,
                with: Cow::Borrowed(MASK),
            });
            return Some(edit);
        }
        if key == OSLO_MESSAGE && s.b.get(start) == Some(&b'"') {
            s.i = s.string_end(start)?;
            let edit = self.nested(&s.b[start..s.i]).map(|with| Edit {
                range: start..s.i,
                with,
            });
            return Some(edit);
        }
        Some(None)
    }
}

/// A position in the text being scanned.
struct Scanner<'b> {
    b: &'b [u8],
    i: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// The index after the closing quote of the string opening at `start`.
    fn string_end(&self, start: usize) -> Option<usize> {
        self.string_span(start).map(|(end, _)| end)
    }

    /// [`Self::string_end`], and whether the string has an escape.
    fn string_span(&self, start: usize) -> Option<(usize, bool)> {
        let mut j = start + 1;
        let mut escaped = false;
        loop {
            j = quote_or_backslash(self.b, j)?;
            if self.b[j] == b'"' {
                return Some((j + 1, escaped));
            }
            escaped = true;
            j += 2;
        }
    }

    /// The index after a number or literal starting at `start` (`start` itself if none).
    fn scalar_end(&self, start: usize) -> usize {
        let rest = self.b.get(start..).unwrap_or_default();
        start
            + rest
                .iter()
                .take_while(|&&c| !DELIMITER[usize::from(c)])
                .count()
    }

    /// The index after the whole value starting at `start`; `None` when it does not end.
    fn value_end(&self, start: usize) -> Option<usize> {
        match self.b.get(start)? {
            b'"' => self.string_end(start),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut j = start;
                while let Some(&c) = self.b.get(j) {
                    match c {
                        b'"' => {
                            j = self.string_end(j)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(j + 1);
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                None
            }
            _ => Some(self.scalar_end(start)).filter(|&end| end > start),
        }
    }
}

/// Bytes that end a number or literal: whitespace, structure, a quote.
const DELIMITER: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    let delimiters = b" \t\r\n,:[]{}\"";
    while i < delimiters.len() {
        table[delimiters[i] as usize] = true;
        i += 1;
    }
    table
};

/// The index of the first `"` or `\\` at or after `from`. Strings are most of a body, so they
/// are skipped eight bytes at a time: a byte of a word equal to `c` is a zero byte of
/// `word ^ (c × 0x01…01)`, and the lowest set bit of the classic zero-byte test marks the first
/// one exactly (the test's false positives only follow a true zero byte).
fn quote_or_backslash(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut j = from;
    while let Some(chunk) = b.get(j..j + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(bytes);
        let hits = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if hits != 0 {
            return Some(j + (hits.trailing_zeros() / 8) as usize);
        }
        j += 8;
    }
    let rest = b.get(j..)?;
    rest.iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|k| j + k)
}

/// A raw key or string (between its quotes) with its escapes decoded.
fn decode(raw: &[u8]) -> Option<String> {
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice(&quoted).ok()
}

/// `b` with `edits` (in text order, not overlapping) applied.
fn apply(b: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut at = 0;
    for edit in edits {
        out.extend_from_slice(&b[at..edit.range.start]);
        out.extend_from_slice(edit.with.as_bytes());
        at = edit.range.end;
    }
    out.extend_from_slice(&b[at..]);
    out
}

/// Edited UTF-8 text as a `String`. Every edit starts and ends next to an ASCII delimiter, so
/// the result is UTF-8 when the input was; the lossy fallback only keeps this total.
fn to_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
