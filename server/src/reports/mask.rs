//! v2's `error_details.py` message helpers: `build_exc_msg` (an exception object of a
//! notification → one line of its known parts) and `mask_msg` (request ids, uuids, IPv4
//! addresses and large numbers replaced by `$REQ_ID`, `$UUID`, `$HOST_ADDRESS`, `$LG_NUM`, so
//! messages that differ only in those group together). The four regular expressions of v2 are
//! matched by hand, with Python 2's byte-string `\b` and `\d` semantics.

use serde_json::{Map, Value};

/// Python truthiness of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python 2's `repr` of a value decoded by `json.loads` (strings are `unicode`).
fn py_repr(v: &Value) -> String {
    match v {
        Value::String(s) => format!("u'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        _ => py_str(v),
    }
}

/// Python 2's `str()` / `%s` of a decoded JSON value.
pub(crate) fn py_str(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("u'{k}': {}", py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn kwargs_parts(kwargs: &Map<String, Value>, message: &mut Vec<String>) {
    if let Some(value) = kwargs.get("value").filter(|v| truthy(v)) {
        let mut text = py_str(value);
        if let Some(at) = text.rfind("Traceback").filter(|at| *at > 0) {
            text = format!("{}$TRACEBACK", &text[..at]);
        }
        message.push(format!("value: {text}"));
    }
    for key in ["reason", "method", "topic", "exc_type", "actual", "code"] {
        if let Some(v) = kwargs.get(key).filter(|v| truthy(v)) {
            message.push(format!("{key}: {}", py_str(v)));
        }
    }
    if let Some(expected) = kwargs.get("expected").filter(|v| truthy(v)) {
        let first = match expected {
            Value::Array(a) => a.first().map(py_str).unwrap_or_default(),
            Value::String(s) => s.chars().next().map(String::from).unwrap_or_default(),
            other => py_str(other),
        };
        message.push(format!("expected: {first}"));
    }
}

/// v2's `build_exc_msg(exc)`, joined with `", "`. A `details` string is skipped, as in v2
/// (it tested `type(details) is str`, which a decoded JSON string never is).
pub(crate) fn build_exc_msg(exc: &Map<String, Value>) -> String {
    let mut message = Vec::new();
    if let Some(Value::Object(kwargs)) = exc.get("kwargs").filter(|v| truthy(v)) {
        kwargs_parts(kwargs, &mut message);
    }
    match exc.get("details") {
        Some(Value::Array(items)) => message.extend(items.iter().map(py_str)),
        Some(Value::Object(d)) => {
            message.extend(d.iter().map(|(k, v)| format!("{k}: {}", py_str(v))));
        }
        _ => {}
    }
    for key in [
        "message",
        "cmd",
        "stderr",
        "exit_code",
        "code",
        "description",
    ] {
        if let Some(v) = exc.get(key).filter(|v| truthy(v)) {
            message.push(format!("{key}: {}", py_str(v)));
        }
    }
    if let Some(v) = exc.get("stdout").filter(|v| truthy(v)) {
        message.push(format!("stdout: {}", py_str(v)));
    }
    if message.is_empty() {
        message.extend(exc.iter().map(|(k, v)| format!("{k}: {}", py_str(v))));
    }
    message.join(", ")
}

fn is_hex(c: char) -> bool {
    matches!(c, 'a'..='f' | '0'..='9')
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}` at `at`.
fn uuid_at(s: &[char], at: usize) -> bool {
    let groups = [8, 4, 4, 4, 12];
    let mut i = at;
    for (n, len) in groups.iter().enumerate() {
        if n > 0 {
            if s.get(i) != Some(&'-') {
                return false;
            }
            i += 1;
        }
        if i + len > s.len() || !s[i..i + len].iter().all(|c| is_hex(*c)) {
            return false;
        }
        i += len;
    }
    true
}

fn req_id_at(s: &[char], at: usize) -> Option<usize> {
    let prefix = ['r', 'e', 'q', '-'];
    (s.get(at..at + 4) == Some(&prefix[..]) && uuid_at(s, at + 4)).then_some(40)
}

fn digits(s: &[char], at: usize) -> usize {
    s[at..].iter().take_while(|c| c.is_ascii_digit()).count()
}

fn boundary_before(s: &[char], at: usize) -> bool {
    at == 0 || !is_word(s[at - 1])
}

fn boundary_after(s: &[char], end: usize) -> bool {
    end >= s.len() || !is_word(s[end])
}

/// `\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b` at `at`: its length.
fn address_at(s: &[char], at: usize) -> Option<usize> {
    if !boundary_before(s, at) {
        return None;
    }
    let mut i = at;
    for n in 0..4 {
        if n > 0 {
            if s.get(i) != Some(&'.') {
                return None;
            }
            i += 1;
        }
        let run = digits(s, i);
        if !(1..=3).contains(&run) {
            return None;
        }
        i += run;
    }
    boundary_after(s, i).then_some(i - at)
}

/// `\b\d{3}\d+\b` at `at`: its length.
fn large_number_at(s: &[char], at: usize) -> Option<usize> {
    let run = digits(s, at);
    (run >= 4 && boundary_before(s, at) && boundary_after(s, at + run)).then_some(run)
}

/// `re.sub(pattern, replacement, text)` for a pattern matched by `at`.
fn substitute(
    text: &str,
    replacement: &str,
    at: impl Fn(&[char], usize) -> Option<usize>,
) -> String {
    let s: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < s.len() {
        match at(&s, i) {
            Some(len) if len > 0 => {
                out.push_str(replacement);
                i += len;
            }
            _ => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    out
}

/// v2's `mask_msg`.
pub(crate) fn mask_msg(text: &str) -> String {
    let masked = substitute(text, "$REQ_ID", req_id_at);
    let masked = substitute(&masked, "$UUID", |s, at| uuid_at(s, at).then_some(36));
    let masked = substitute(&masked, "$HOST_ADDRESS", address_at);
    substitute(&masked, "$LG_NUM", large_number_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_in_v2_order() {
        let text = "req-5e5b3a3c-1c07-4bd3-93b5-3b5b1f3c0c11 on \
                    2222bbbb-6352-4dbc-8271-96cc54bf14cd at 10.0.0.12: 2048 MB, 512, \
                    x1234 1.2.3.4567 id_12345";
        assert_eq!(
            mask_msg(text),
            "$REQ_ID on $UUID at $HOST_ADDRESS: $LG_NUM MB, 512, x1234 1.2.3.$LG_NUM id_12345"
        );
        assert_eq!(mask_msg("1234.5678"), "$LG_NUM.$LG_NUM");
        // Upper-case hex is no uuid to v2's pattern; its 4-digit groups are large numbers.
        assert_eq!(
            mask_msg("2222BBBB-6352-4dbc-8271-96cc54bf14cd"),
            "2222BBBB-$LG_NUM-4dbc-$LG_NUM-96cc54bf14cd"
        );
    }

    #[test]
    fn exception_message_parts() {
        let exc = json!({
            "kwargs": {"value": "No valid host Traceback (most recent call last)",
                       "code": 500, "reason": "", "expected": ["a", "b"]},
            "message": "boom",
            "details": {"k": 1},
            "stdout": "",
        });
        let Value::Object(exc) = exc else {
            unreachable!()
        };
        assert_eq!(
            build_exc_msg(&exc),
            "value: No valid host $TRACEBACK, code: 500, expected: a, k: 1, message: boom"
        );
        let Value::Object(other) = json!({"foo": [1, "x"], "bar": null}) else {
            unreachable!()
        };
        assert_eq!(build_exc_msg(&other), "bar: None, foo: [1, u'x']");
    }
}
