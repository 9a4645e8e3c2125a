//! v2's table layout of raw events (`search_results`): the header and row of each raw table
//! (nova, glance, generic), shared by the search endpoints and `show`/`watch`.

use serde_json::{json, Value};

use super::format::when;
use crate::store::stacky::{StackyRaw, StackyService};

/// v2's `?` column: `E` when the routing key ends with `error`, else a space.
pub(super) fn routing_key_type(routing_key: &str) -> &'static str {
    if routing_key.ends_with("error") {
        "E"
    } else {
        " "
    }
}

/// v2's `search_results` header of each raw table.
pub(super) fn header_of(service: StackyService) -> Value {
    match service {
        StackyService::Nova => json!([
            "#",
            "?",
            "When",
            "Deployment",
            "Event",
            "Host",
            "State",
            "State'",
            "Task'"
        ]),
        StackyService::Glance => {
            json!(["#", "?", "When", "Deployment", "Event", "Host", "Status"])
        }
        StackyService::Generic => json!([
            "#",
            "?",
            "When",
            "Deployment",
            "Event",
            "Host",
            "Instance",
            "Request id"
        ]),
    }
}

/// v2's `search_results` row of each raw table.
pub(super) fn row_of(service: StackyService, r: &StackyRaw) -> Value {
    let head = json!([
        r.id,
        routing_key_type(&r.routing_key),
        when(r.when_us),
        r.deployment,
        r.event,
        r.host
    ]);
    let tail = match service {
        StackyService::Nova => json!([r.state, r.old_state, r.old_task]),
        StackyService::Glance => json!([r.image_status]),
        StackyService::Generic => json!([r.instance, r.request_id]),
    };
    let mut row = head.as_array().cloned().unwrap_or_default();
    row.extend(tail.as_array().cloned().unwrap_or_default());
    Value::Array(row)
}

/// v2's `uuid` property: the image id for glance, the instance otherwise.
pub(super) fn uuid_of(service: StackyService, r: &StackyRaw) -> Option<&str> {
    match service {
        StackyService::Glance => r.image_uuid.as_deref(),
        _ => r.instance.as_deref(),
    }
}

/// Rows as `search_results` built them: `[]` when empty, else the header and the rows.
pub(super) fn search_results(service: StackyService, raws: &[StackyRaw]) -> Value {
    if raws.is_empty() {
        return json!([]);
    }
    let mut out = vec![header_of(service)];
    out.extend(raws.iter().map(|r| row_of(service, r)));
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_mark_column() {
        assert_eq!(routing_key_type("monitor.error"), "E");
        assert_eq!(routing_key_type("notifications.error"), "E");
        assert_eq!(routing_key_type("monitor.info"), " ");
        assert_eq!(routing_key_type("error.info"), " ");
    }

    fn raw() -> StackyRaw {
        StackyRaw {
            id: 1,
            deployment: "deployment".into(),
            routing_key: "monitor.info".into(),
            when_us: 1_374_056_170_717_219,
            event: "test.start".into(),
            publisher: "api.example.com".into(),
            service: "api".into(),
            host: Some("example.com".into()),
            instance: Some("inst".into()),
            request_id: "req-1".into(),
            state: Some("active".into()),
            old_state: None,
            old_task: None,
            image_status: Some("state".into()),
            image_uuid: Some("uuid".into()),
        }
    }

    // v2 test_do_uuid / test_do_uuid_for_glance / the generic search_results layout.
    #[test]
    fn search_result_rows_per_raw_table() {
        let r = raw();
        assert_eq!(
            search_results(StackyService::Nova, std::slice::from_ref(&r)),
            json!([
                [
                    "#",
                    "?",
                    "When",
                    "Deployment",
                    "Event",
                    "Host",
                    "State",
                    "State'",
                    "Task'"
                ],
                [
                    1,
                    " ",
                    "2013-07-17 10:16:10.717219",
                    "deployment",
                    "test.start",
                    "example.com",
                    "active",
                    null,
                    null
                ]
            ])
        );
        assert_eq!(
            row_of(StackyService::Glance, &r),
            json!([
                1,
                " ",
                "2013-07-17 10:16:10.717219",
                "deployment",
                "test.start",
                "example.com",
                "state"
            ])
        );
        assert_eq!(
            row_of(StackyService::Generic, &r),
            json!([
                1,
                " ",
                "2013-07-17 10:16:10.717219",
                "deployment",
                "test.start",
                "example.com",
                "inst",
                "req-1"
            ])
        );
        assert_eq!(search_results(StackyService::Nova, &[]), json!([]));
        assert_eq!(uuid_of(StackyService::Glance, &r), Some("uuid"));
        assert_eq!(uuid_of(StackyService::Nova, &r), Some("inst"));
    }
}
