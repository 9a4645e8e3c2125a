//! The event and host names of v2's three raw tables (nova, glance, generic), each with the
//! newest notification time stored with it. `/stacky/events/` and `/stacky/hosts/` list them,
//! and the watch and summary answers read the nova event names: a few rows instead of a loose
//! index scan of `raw_events` that tested each name's first rows for the service (300 ms for
//! `/stacky/events/` at a million events, 16 ms for every watch poll). Retention drops a name
//! whose newest time is past the events' horizon, as it drops those events.

use std::collections::BTreeMap;

use super::batch::Input;
use super::rows::{NameKind, StackyName};

/// v2's raw table of an exchange: `nova`, `glance`, or `generic` for any other.
pub fn stacky_service(exchange: &str) -> &'static str {
    match exchange {
        "nova" => "nova",
        "glance" => "glance",
        _ => "generic",
    }
}

/// The names of `inputs` per service with their newest time, sorted by key (so concurrent
/// batches upsert shared rows in the same order). Every event has a name; an event without a
/// host counts as [`NameKind::NoHost`].
pub(super) fn stacky_names(inputs: &[Input<'_>]) -> Vec<StackyName> {
    let mut names: BTreeMap<(NameKind, &'static str, &str), i64> = BTreeMap::new();
    for input in inputs {
        let service = stacky_service(input.exchange);
        let host = match input.host {
            Some(host) => (NameKind::Host, host),
            None => (NameKind::NoHost, ""),
        };
        for (kind, name) in [(NameKind::Event, input.event), host] {
            let last = names.entry((kind, service, name)).or_insert(input.when);
            *last = (*last).max(input.when);
        }
    }
    names
        .into_iter()
        .map(|((kind, service, name), last_when)| StackyName {
            kind,
            service,
            name: name.to_owned(),
            last_when,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::Detail;

    fn input(
        exchange: &'static str,
        event: &'static str,
        host: Option<&'static str>,
        when: i64,
    ) -> Input<'static> {
        Input {
            raw_id: 1,
            deployment_id: 1,
            exchange,
            event,
            service: "compute",
            routing_key: "monitor.info",
            when,
            request_id: "",
            instance: None,
            host,
            tenant: None,
            message_id: None,
            detail: &Detail::Generic,
        }
    }

    #[test]
    fn names_per_service_keep_their_newest_time() {
        let inputs = [
            input("nova", "compute.instance.update", Some("c1"), 30),
            input("nova", "compute.instance.update", Some("c2"), i64::MIN),
            input("nova", "compute.instance.update", None, 10),
            input("glance", "image.upload", Some("c1"), 5),
            input("neutron", "port.create.end", Some(""), i64::MAX),
            input("heat", "port.create.end", None, 7),
        ];
        let names = stacky_names(&inputs);
        let got: Vec<(NameKind, &str, &str, i64)> = names
            .iter()
            .map(|n| (n.kind, n.service, n.name.as_str(), n.last_when))
            .collect();
        assert_eq!(
            got,
            [
                (NameKind::Event, "generic", "port.create.end", i64::MAX),
                (NameKind::Event, "glance", "image.upload", 5),
                (NameKind::Event, "nova", "compute.instance.update", 30),
                (NameKind::Host, "generic", "", i64::MAX),
                (NameKind::Host, "glance", "c1", 5),
                (NameKind::Host, "nova", "c1", 30),
                (NameKind::Host, "nova", "c2", i64::MIN),
                (NameKind::NoHost, "generic", "", 7),
                (NameKind::NoHost, "nova", "", 10),
            ]
        );
        assert!(stacky_names(&[]).is_empty());
    }
}
