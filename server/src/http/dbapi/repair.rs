//! `POST /db/repair/` (form-encoded `message_ids`, repeated, and `service`, nova by default):
//! exists the billing feed sent while StackTach was down go from `pending` to
//! `sent_unverified`; the answer lists the ids that were absent or not pending.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use serde_json::json;

use super::body::Write;
use super::error::{ok, Answer, DbApiError};
use crate::http::state::AppState;
use crate::store::dbapi::ExistsService;

/// `application/x-www-form-urlencoded` pairs (`+` is a space, `%XX` a byte; a malformed
/// escape stays as it is, as Python's `unquote` left it). `None` when not UTF-8.
fn form_pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    let decode = |part: &[u8]| {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            let hex = |b: u8| char::from(b).to_digit(16);
            match part[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < part.len() => match (hex(part[i + 1]), hex(part[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).ok()
    };
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let at = pair.iter().position(|b| *b == b'=').unwrap_or(pair.len());
            let value = pair.get(at + 1..).unwrap_or_default();
            Some((decode(&pair[..at])?, decode(value)?))
        })
        .collect()
}

/// The repair endpoint.
pub(super) async fn repair(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let write = Write {
        method: &method,
        headers: &headers,
        body: &body,
    };
    write.admit(&state, &[Method::POST])?;
    let pairs = form_pairs(&body)
        .ok_or_else(|| DbApiError::BadRequest("Request body is not valid UTF-8.".into()))?;
    let values = |name: &str| -> Vec<String> {
        let named = pairs.iter().filter(|(k, _)| k == name);
        named.map(|(_, v)| v.clone()).collect()
    };
    let message_ids = values("message_ids");
    if message_ids.is_empty() {
        return Err(DbApiError::BadRequest(
            "'message_ids' missing from request body".into(),
        ));
    }
    let service = match values("service").first() {
        None => ExistsService::Nova,
        Some(s) => ExistsService::parse(s)
            .ok_or_else(|| DbApiError::BadRequest("Invalid service".into()))?,
    };
    let outcome = state.store.db_repair_exists(service, &message_ids).await?;
    Ok(ok(&json!(outcome)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_like_django() {
        let pairs =
            form_pairs(b"message_ids=a%2Db&message_ids=c+d&service=glance&x&bad=%zz%4").unwrap();
        let texts: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("message_ids", "a-b"),
                ("message_ids", "c d"),
                ("service", "glance"),
                ("x", ""),
                ("bad", "%zz%4")
            ]
        );
        assert!(form_pairs(b"message_ids=%ff").is_none());
        assert_eq!(form_pairs(b"").unwrap(), []);
    }
}
