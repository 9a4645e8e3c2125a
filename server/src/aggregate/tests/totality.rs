//! Property-style totality checks: random bytes, truncated and mutated real notifications
//! (from `server/fixtures/notigen`) always give a notification or a typed error, never a panic;
//! whatever parses also aggregates without panicking. Here rather than beside the parser
//! because it drives both, and `aggregate` depends on `notification`, not the reverse.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use crate::aggregate::{self, Input, Stored};
use crate::notification::parse;

const EXCHANGES: [&str; 3] = ["nova", "glance", "neutron"];

/// Every notification body of the fixtures, with placeholders filled in.
fn fixture_bodies() -> Vec<Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/notigen");
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixtures dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = fill_placeholders(&std::fs::read_to_string(&path).expect("fixture"));
            let items: Vec<Value> = serde_json::from_str(&text).expect("fixture is JSON");
            bodies.extend(items.into_iter().skip(1));
        }
    }
    assert!(bodies.len() > 100, "fixtures found");
    bodies
}

/// `[[[[DT_3]]]]` → a timestamp, any other `[[[[name]]]]` → `x-name`.
fn fill_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("[[[[") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 4..];
        let Some(close) = after.find("]]]]") else {
            break;
        };
        let name = &after[..close];
        if name.starts_with("DT_") {
            out.push_str("2013-01-25 13:38:23.123456");
        } else {
            out.push_str("x-");
            out.push_str(name);
        }
        rest = &after[close + 4..];
    }
    out.push_str(rest);
    out
}

fn random_value(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..if depth > 2 { 7 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.random::<bool>()),
        2 => json!(rng.random_range(-5_i64..5)),
        3 => json!(rng.random::<f64>() * 1e20),
        4 => json!(""),
        5 => json!(
            [
                "2013-01-25T13:38:23Z",
                "2013-1-5 1:2:3.1",
                "Success",
                "api",
                "0",
                "é\u{0}"
            ][rng.random_range(0..6)]
        ),
        6 => json!("9999-99-99 99:99:99.9999999"),
        7 => Value::Array(
            (0..rng.random_range(0..3))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let keys = [
                "images",
                "created_at",
                "id",
                "deleted_at",
                "size",
                "public",
                "bw_out",
                "uuid",
            ];
            let map: Map<String, Value> = (0..rng.random_range(0..4))
                .map(|_| {
                    (
                        keys[rng.random_range(0..keys.len())].to_string(),
                        random_value(rng, depth + 1),
                    )
                })
                .collect();
            Value::Object(map)
        }
    }
}

/// Replaces each node with a random value with probability `p`, recursively.
fn mutate(value: &mut Value, rng: &mut StdRng, p: f64) {
    if rng.random_bool(p) {
        *value = random_value(rng, 0);
        return;
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| mutate(v, rng, p)),
        Value::Array(list) => list.iter_mut().for_each(|v| mutate(v, rng, p)),
        _ => {}
    }
}

/// Parses on every exchange; aggregates whatever parses.
fn check(bytes: &[u8]) -> usize {
    let mut parsed = 0;
    for exchange in EXCHANGES {
        if let Ok(n) = parse(exchange, bytes) {
            parsed += 1;
            let input = Input {
                raw_id: 1,
                deployment_id: 1,
                exchange,
                event: &n.event,
                service: &n.service,
                routing_key: "",
                when: n.when,
                request_id: &n.request_id,
                instance: n.instance.as_deref(),
                host: n.host.as_deref(),
                tenant: n.tenant.as_deref(),
                message_id: n.message_id.as_deref(),
                detail: &n.detail,
            };
            let _ = aggregate::keys(&[input]);
            let _ = aggregate::aggregate(&[input], Stored::default());
        }
    }
    parsed
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..3_000 {
        let len = rng.random_range(0..64);
        let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        check(&bytes);
    }
}

#[test]
fn every_fixture_parses_on_every_exchange() {
    for body in fixture_bodies() {
        assert_eq!(
            check(body.to_string().as_bytes()),
            EXCHANGES.len(),
            "{body}"
        );
    }
}

#[test]
fn truncated_and_flipped_fixtures_never_panic() {
    let mut rng = StdRng::seed_from_u64(2);
    let bodies = fixture_bodies();
    for _ in 0..1_500 {
        let mut bytes = bodies[rng.random_range(0..bodies.len())]
            .to_string()
            .into_bytes();
        if rng.random_bool(0.5) {
            bytes.truncate(rng.random_range(0..bytes.len()));
        } else {
            for _ in 0..rng.random_range(1..4) {
                let at = rng.random_range(0..bytes.len());
                bytes[at] = rng.random();
            }
        }
        check(&bytes);
    }
}

#[test]
fn structurally_mutated_fixtures_never_panic() {
    let mut rng = StdRng::seed_from_u64(3);
    let bodies = fixture_bodies();
    let mut parsed = 0;
    for round in 0..3_000 {
        let mut body = bodies[rng.random_range(0..bodies.len())].clone();
        mutate(&mut body, &mut rng, 0.08);
        let mut text = body.to_string();
        if round % 5 == 0 {
            text = json!({"oslo.version": "2.0", "oslo.message": text}).to_string();
        }
        parsed += check(text.as_bytes());
    }
    assert!(
        parsed > 1_000,
        "mutations still exercise the parsers ({parsed})"
    );
}
