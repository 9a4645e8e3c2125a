//! Reading the verifier config's JSON tree with the deployments file's [`Walker`], so errors
//! and warnings have the same shape (`<file>: <key path>: <reason>`): which keys each object
//! may have, and the getters v2's keys need beyond the walker's own (required values, seconds,
//! positive integers, one of a set of names, a port, the `topics` object).

use std::time::Duration;

use crate::config::error::ConfigError;
use crate::config::message::quote;
use crate::config::schema::Schema;
use crate::config::walker::{Obj, Walker};
use crate::notification::json::Json;
use crate::verifier::model::Service;

use super::file::ServiceTopics;

/// The top-level object (every key v2's `verifier/config.py` reads).
pub(super) const TOP_KEYS: Schema = Schema {
    known: &[
        "tick_time",
        "settle_time",
        "settle_units",
        "pool_size",
        "enable_notifications",
        "validation_level",
        "flavor_field_name",
        "batchsize",
        "exponential_backoff_limit",
        "process_timeout",
        "reconcile",
        "reconciler_config",
        "nova_event_type",
        "glance_event_type",
        "rabbit",
    ],
    ignored: &[],
};

/// The `rabbit` object.
pub(super) const RABBIT_KEYS: Schema = Schema {
    known: &[
        "durable_queue",
        "host",
        "port",
        "userid",
        "password",
        "virtual_host",
        "topics",
    ],
    ignored: &[],
};

/// `settle_units`: the keyword arguments of Python's `timedelta`, in microseconds each.
const SETTLE_UNITS: [(&str, u64); 7] = [
    ("microseconds", 1),
    ("milliseconds", 1_000),
    ("seconds", 1_000_000),
    ("minutes", 60_000_000),
    ("hours", 3_600_000_000),
    ("days", 86_400_000_000),
    ("weeks", 604_800_000_000),
];

/// The value at `name`, which must be present.
pub(super) fn required<'n>(
    walker: &Walker<'_>,
    obj: &Obj<'n>,
    name: &str,
) -> Result<&'n Json<'n>, ConfigError> {
    obj.get(name).ok_or_else(|| {
        walker.error(
            &obj.path(name),
            format!("missing required key {}", quote(name)),
        )
    })
}

/// A non-negative, finite number.
fn number(
    walker: &Walker<'_>,
    key: &str,
    node: &Json<'_>,
    expected: &str,
) -> Result<f64, ConfigError> {
    let value = match node {
        Json::Number(n) => n.as_f64().filter(|v| v.is_finite() && *v >= 0.0),
        _ => None,
    };
    value.ok_or_else(|| walker.expected(key, expected, node))
}

/// A non-negative number of seconds (fractions allowed, as Python's `time.sleep` takes them).
pub(super) fn seconds(
    walker: &Walker<'_>,
    key: &str,
    node: &Json<'_>,
) -> Result<Duration, ConfigError> {
    let secs = number(walker, key, node, "a number of seconds, 0 or more")?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| walker.expected(key, "a number of seconds that fits in a duration", node))
}

/// An integer of at least `min`.
pub(super) fn integer_at_least(
    walker: &Walker<'_>,
    key: &str,
    node: &Json<'_>,
    min: u64,
) -> Result<u64, ConfigError> {
    let value = match node {
        Json::Number(n) => n.as_u64().filter(|v| *v >= min),
        _ => None,
    };
    value.ok_or_else(|| walker.expected(key, &format!("an integer of at least {min}"), node))
}

/// One of `choices` (a string); the error lists them.
pub(super) fn choice<T: Copy>(
    walker: &Walker<'_>,
    key: &str,
    node: &Json<'_>,
    choices: &[(&str, T)],
) -> Result<T, ConfigError> {
    let found = node
        .as_str()
        .and_then(|s| choices.iter().find(|(name, _)| *name == s));
    found.map(|(_, value)| *value).ok_or_else(|| {
        let names: Vec<String> = choices.iter().map(|(name, _)| quote(name)).collect();
        walker.expected(key, &format!("one of {}", names.join(", ")), node)
    })
}

/// `settle_time` × `settle_units` (`timedelta(**{settle_units: settle_time})`).
pub(super) fn settle(walker: &Walker<'_>, root: &Obj<'_>) -> Result<Duration, ConfigError> {
    let units = required(walker, root, "settle_units")?;
    let per_unit = choice(walker, "settle_units", units, &SETTLE_UNITS)?;
    let time = required(walker, root, "settle_time")?;
    let amount = number(
        walker,
        "settle_time",
        time,
        "a number of settle_units, 0 or more",
    )?;
    #[allow(clippy::cast_precision_loss)] // at most 6.048e11, exact in an f64
    let micros = amount * per_unit as f64;
    Duration::try_from_secs_f64(micros / 1e6)
        .map_err(|_| walker.expected("settle_time", "a settle time that fits in a duration", time))
}

/// A broker port: an integer 1-65535, or a string holding one (v2's tests used `'5672'`).
pub(super) fn port(walker: &Walker<'_>, key: &str, node: &Json<'_>) -> Result<u16, ConfigError> {
    let port = match node {
        Json::Number(n) => n.as_u64().and_then(|p| u16::try_from(p).ok()),
        Json::String(s) => s.trim().parse::<u16>().ok(),
        _ => None,
    };
    port.filter(|p| *p > 0)
        .ok_or_else(|| walker.expected(key, "a port number 1-65535", node))
}

/// `rabbit.topics`: `{"nova": [routing keys], "glance": [...]}`. Its keys decide which services
/// are verified; other keys warn and are ignored (v2 started a verifier that crashed).
pub(super) fn topics(
    walker: &mut Walker<'_>,
    rabbit: &Obj<'_>,
) -> Result<Vec<ServiceTopics>, ConfigError> {
    let key = rabbit.path("topics");
    let node = required(walker, rabbit, "topics")?;
    let expected = r#"an object mapping "nova" and "glance" to lists of routing keys"#;
    let topics = walker.object(&key, node, expected, None)?;
    let mut services = Vec::new();
    for (name, value) in topics.entries() {
        let service_key = topics.path(name);
        let Some(service) = [Service::Nova, Service::Glance]
            .into_iter()
            .find(|s| s.as_str() == *name)
        else {
            walker.warn(
                &service_key,
                r#"not a verified service (only "nova" and "glance" are); ignored"#,
            );
            continue;
        };
        let routing_keys = routing_keys(walker, &service_key, value)?;
        if routing_keys.as_ref().is_some_and(Vec::is_empty) {
            walker.warn(
                &service_key,
                format!("no routing keys: {name} exists are verified but no verified notification is published"),
            );
        }
        services.push(ServiceTopics {
            service,
            routing_keys,
        });
    }
    if services.is_empty() {
        walker.warn(&key, "no nova or glance key: nothing will be verified");
    }
    Ok(services)
}

/// A service's routing keys: a list of strings, or `null` (the exists' own routing key).
fn routing_keys(
    walker: &Walker<'_>,
    key: &str,
    node: &Json<'_>,
) -> Result<Option<Vec<String>>, ConfigError> {
    let items = match node {
        Json::Null => return Ok(None),
        Json::Array(items) => items,
        _ => return Err(walker.expected(key, "a list of routing keys", node)),
    };
    let mut keys = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(routing_key) => keys.push(routing_key.to_owned()),
            None => {
                return Err(walker.expected(
                    &format!("{key}[{index}]"),
                    "a routing key (a string)",
                    item,
                ))
            }
        }
    }
    Ok(Some(keys))
}
