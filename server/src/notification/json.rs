//! A borrowed JSON tree for parsing notifications fast.
//!
//! `serde_json::Value` allocates a `String` for every key and string and a B-tree node per
//! object; a notification of 3 KB becomes hundreds of allocations, and parsing was the largest
//! CPU cost of ingest after the database. [`Json`] borrows keys and strings from the message
//! text (copying only those with escapes) and keeps objects as vectors. Lookups scan from the
//! end, so a repeated key means its last value, as with `serde_json` and Python's `json`.
//!
//! The deployments file is read with the same tree (`crate::config`): objects keep the file's
//! order and every repeated key, so its warnings follow the file and can name duplicates.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// A JSON value borrowing from the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
}

/// A JSON object: its members in text order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a>(Vec<(Cow<'a, str>, Json<'a>)>);

impl<'a> Object<'a> {
    /// The value of `key` (the last one if the key repeats).
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every member in text order, repeated keys included: for readers that report duplicate
    /// or unknown keys (the config walker), which [`Self::get`] would hide.
    pub fn members(&self) -> impl ExactSizeIterator<Item = (&str, &Json<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'a> Json<'a> {
    /// Parses `text`.
    ///
    /// # Errors
    /// Text that is not one JSON value (or nests deeper than `serde_json` allows).
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// An owned `serde_json::Value`, for values passed on as they are (AMQP queue arguments).
    /// Of a repeated key, the last value is kept.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.as_ref().to_owned()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(object) => Value::Object(
                object
                    .members()
                    .map(|(k, v)| (k.to_owned(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(Json::Object(Object(members)))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(s)))
            }

            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }

            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_strings_and_keeps_the_last_duplicate() {
        let text = r#"{"a": "x", "b\u0041": "y\n", "a": [1, -2, 3.5, true, null], "o": {}}"#;
        let json = Json::parse(text).unwrap();
        let object = json.as_object().unwrap();
        assert!(matches!(object.get("bA"), Some(Json::String(Cow::Owned(s))) if s == "y\n"));
        let Some(Json::Array(items)) = object.get("a") else {
            panic!("the last `a` wins");
        };
        assert_eq!(items.len(), 5);
        assert_eq!(items[1], Json::Number((-2).into()));
        assert!(object.contains_key("o") && !object.contains_key("z"));
        let plain = Json::parse(r#"{"k": "v"}"#).unwrap();
        assert!(matches!(
            plain.as_object().unwrap().get("k"),
            Some(Json::String(Cow::Borrowed("v")))
        ));
    }

    #[test]
    fn members_keep_text_order_and_repeated_keys() {
        let json = Json::parse(r#"{"b": 1, "a": 2, "b": 3}"#).unwrap();
        let members: Vec<_> = json.as_object().unwrap().members().collect();
        let expected = [("b", 1), ("a", 2), ("b", 3)];
        assert_eq!(members.len(), expected.len());
        for ((key, value), (want_key, want)) in members.into_iter().zip(expected) {
            assert_eq!((key, value), (want_key, &Json::Number(want.into())));
        }
    }

    #[test]
    fn to_value_matches_serde_json() {
        let text = r#"{"s": "x\ty", "n": [1, -2, 2.5e3, null, true], "o": {"k": 1, "k": {}}}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(Json::parse(text).unwrap().to_value(), value);
    }

    #[test]
    fn rejects_what_serde_json_rejects() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "nul"] {
            assert!(Json::parse(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(Json::parse(&deep).is_err(), "recursion is bounded");
    }
}
