//! The redaction rules: which keys, where, what the rest of the body keeps.

use std::borrow::Cow;

use serde_json::{json, Value};

use super::{Redaction, DEFAULT_KEYS, MASK};

fn redact(text: &str) -> String {
    Redaction::default().text(text).into_owned()
}

fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("redacted text is JSON")
}

#[test]
fn every_default_key_is_redacted_in_any_case() {
    for key in DEFAULT_KEYS {
        for spelling in [key.to_string(), key.to_uppercase(), key.to_lowercase()] {
            let body = json!({"event_type": "x", spelling.as_str(): "gAAAAABk-secret"});
            let out = redact(&body.to_string());
            assert!(!out.contains("gAAAAABk-secret"), "{spelling}: {out}");
            assert_eq!(value(&out)[spelling.as_str()], "***", "{spelling}");
            assert_eq!(value(&out)["event_type"], "x");
        }
    }
}

#[test]
fn keeps_the_rest_byte_for_byte() {
    let text =
        "{ \"b\" : 1 ,\n  \"_context_auth_token\" :  \"tok\\\"en\" , \"a\":[ 2.50e1 ,\"é\"]}";
    assert_eq!(
        redact(text),
        "{ \"b\" : 1 ,\n  \"_context_auth_token\" :  \"***\" , \"a\":[ 2.50e1 ,\"é\"]}"
    );
}

#[test]
fn nested_objects_and_arrays_at_any_depth() {
    let body = json!({
        "_context_service_token": "s1",
        "payload": {
            "context": {"auth_token": "s2", "user": "u"},
            "servers": [{"adminPass": "s3", "name": "vm"}, [{"password": "s4"}]],
            "deep": {"a": {"b": {"c": [[{"secret": "s5"}]]}}}
        },
        "context": {"token": "s6", "is_admin": false}
    });
    let out = redact(&body.to_string());
    for secret in ["s1", "s2", "s3", "s4", "s5", "s6"] {
        assert!(!out.contains(&format!("\"{secret}\"")), "{secret}: {out}");
    }
    let v = value(&out);
    assert_eq!(
        v["payload"]["context"],
        json!({"auth_token": "***", "user": "u"})
    );
    assert_eq!(
        v["payload"]["servers"][0],
        json!({"adminPass": "***", "name": "vm"})
    );
    assert_eq!(v["payload"]["servers"][1], json!([{"password": "***"}]));
    assert_eq!(
        v["payload"]["deep"]["a"]["b"]["c"],
        json!([[{"secret": "***"}]])
    );
    assert_eq!(v["context"], json!({"token": "***", "is_admin": false}));
}

#[test]
fn non_string_values_are_replaced_whole() {
    let text = r#"{"token": 12345, "password": null, "secret": true, "auth_token_info": {"token": {"catalog": [1, "}"]}}, "service_token": ["a", {"b": "]"}], "n": -1}"#;
    assert_eq!(
        redact(text),
        r#"{"token": "***", "password": "***", "secret": "***", "auth_token_info": "***", "service_token": "***", "n": -1}"#
    );
}

#[test]
fn keys_that_merely_contain_the_word_are_kept() {
    let text = r#"{"token_id": "t", "tokens": 2, "auth_token_expires": "x", "password_expires_at": "p", "my_secret_sauce": "s", "event_type": "token", "note": "password: hunter2", "_context_auth_tokens": "z"}"#;
    let out = Redaction::default().text(text);
    assert!(matches!(out, Cow::Borrowed(_)), "{out}");
    let values = json!({"k": "token", "password": ["token"]}).to_string();
    assert_eq!(
        redact(&values),
        r#"{"k":"token","password":"***"}"#,
        "a value naming a key is no key"
    );
}

#[test]
fn a_body_without_credentials_is_returned_without_a_copy() {
    let text = "{\"event_type\": \"compute.instance.exists\",\n \"payload\": {\"a\": [1, {}, [], \"\\u00e9\\\\\"]}, \"x\": {}}";
    assert!(matches!(Redaction::default().text(text), Cow::Borrowed(t) if t == text));
    assert!(
        matches!(Redaction::default().bytes(text.as_bytes()), Cow::Borrowed(t) if t == text.as_bytes())
    );
    assert_eq!(Redaction::default().string(text.to_string()), text);
}

#[test]
fn escaped_keys_mean_what_they_decode_to() {
    let text = r#"{"auth\u005ftoken": "s", "pass\"word": "kept"}"#;
    assert_eq!(
        redact(text),
        r#"{"auth\u005ftoken": "***", "pass\"word": "kept"}"#
    );
}

#[test]
fn repeated_keys_are_all_redacted() {
    let text = r#"{"token": "a", "x": 1, "token": "b"}"#;
    assert_eq!(redact(text), r#"{"token": "***", "x": 1, "token": "***"}"#);
}

#[test]
fn oslo_envelopes_are_redacted_inside() {
    let inner = json!({"event_type": "e", "_context_auth_token": "s1", "payload": {"é": "\"q\""}});
    let outer = json!({"oslo.version": "2.0", "oslo.message": inner.to_string()}).to_string();
    let out = redact(&outer);
    assert!(!out.contains("s1"), "{out}");
    let v = value(&out);
    assert_eq!(v["oslo.version"], "2.0");
    let inner_out = value(v["oslo.message"].as_str().expect("a string"));
    assert_eq!(inner_out["_context_auth_token"], "***");
    assert_eq!(inner_out["payload"], json!({"é": "\"q\""}));
    let clean = json!({"oslo.version": "2.0", "oslo.message": "{\"a\": 1}"}).to_string();
    assert!(matches!(
        Redaction::default().text(&clean),
        Cow::Borrowed(_)
    ));
}

#[test]
fn invalid_json_is_redacted_up_to_where_it_breaks() {
    for text in [
        "",
        "{",
        "not json",
        "{\"a\": [1, 2",
        "\"token\"",
        "[\"token\", \"x\"]",
        "{\"a\" 1, \"token\": \"s\"}",
        "{\"token\"",
        "{\"token\": ",
        "{\"token\": \"unterminated",
        "{\"token\": {\"a\": 1",
    ] {
        assert!(
            matches!(Redaction::default().text(text), Cow::Borrowed(t) if t == text),
            "{text}"
        );
    }
    assert_eq!(
        redact("{\"_context_auth_token\": \"s\", \"payload\": {\"a\": [1, "),
        "{\"_context_auth_token\": \"***\", \"payload\": {\"a\": [1, "
    );
    assert_eq!(
        redact("{\"token\": \"s\"}}}]garbage"),
        "{\"token\": \"***\"}}}]garbage"
    );
}

#[test]
fn bytes_that_are_not_utf8_keep_their_bytes() {
    let mut body = b"{\"k\": \"\xff\xfe\", \"password\": \"p\xc3\", \"x\": \"".to_vec();
    body.extend_from_slice(b"\xe9\"}");
    let out = Redaction::default().bytes(&body).into_owned();
    assert_eq!(
        out,
        b"{\"k\": \"\xff\xfe\", \"password\": \"***\", \"x\": \"\xe9\"}".to_vec()
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = "[".repeat(200_000) + "{\"token\": 1}" + &"]".repeat(200_000);
    let out = redact(&deep);
    assert!(out.contains("{\"token\": \"***\"}"));
    assert_eq!(out.len(), deep.len() + MASK.len() - 1);
}

#[test]
fn the_key_list_is_configurable() {
    let custom = Redaction::new([" X-Api-Key ", "", "x-api-key", "TOKEN"]);
    assert_eq!(custom.keys().collect::<Vec<_>>(), ["x-api-key", "token"]);
    assert_eq!(
        custom.text(r#"{"x-api-key": "k", "password": "p", "Token": "t"}"#),
        r#"{"x-api-key": "***", "password": "p", "Token": "***"}"#
    );
    let keep = Redaction::keep();
    assert!(keep.is_keep() && !Redaction::default().is_keep());
    let text = r#"{"_context_auth_token": "s"}"#;
    assert!(matches!(keep.text(text), Cow::Borrowed(t) if t == text));
    assert!(Redaction::new(["", " "]).is_keep());
}

#[test]
fn redacting_twice_copies_nothing() {
    let once = redact(r#"{"token": "s", "payload": {"password": {"a": 1}}}"#);
    assert_eq!(once, r#"{"token": "***", "payload": {"password": "***"}}"#);
    assert!(matches!(Redaction::default().text(&once), Cow::Borrowed(_)));
}

#[test]
fn long_strings_with_escapes_are_skipped_exactly() {
    // Quotes and backslashes at every offset of the eight-byte words the scanner reads.
    for pad in 0..17 {
        let filler = "é".repeat(pad) + &"x".repeat(pad);
        let text = format!(
            r#"{{"a{filler}": "{filler}\\\"{filler}\\\\", "token": "{filler}\"{filler}", "b": "{filler}"}}"#
        );
        let out = redact(&text);
        let want = format!(
            r#"{{"a{filler}": "{filler}\\\"{filler}\\\\", "token": "***", "b": "{filler}"}}"#
        );
        assert_eq!(out, want, "{pad}");
        assert_eq!(value(&out)["b"], filler.as_str());
    }
}
