//! The raw-event endpoints: deployments, event and host names, the events of an instance or
//! a request, search, one event (`show`) and the live `watch` feed.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};

use super::format::{date_and_time, py_int, when};
use super::{ok, routing_key_type, Answer, Params, StackyError};
use crate::http::AppState;
use crate::notification::ids::{is_request_id_like, is_uuid_like};
use crate::notification::time::decimal_to_micros;
use crate::store::stacky::{
    FieldKind, FieldValue, NameColumn, RawQuery, StackyField, StackyRaw, StackyService, WatchFilter,
};
use app::model::now_micros;

/// The most distinct names `events`, `hosts` and the watch widths look at.
const NAMES_MAX: i64 = 10_000;
/// The most event ids one watch answer covers; the cursor makes the client read on.
const WATCH_WINDOW: i64 = 2_000;
/// v2's first watch answer: events of the last two seconds.
const WATCH_FIRST_SECS: i64 = 2;
/// Marks our watch cursors apart from v2's decimal `since` times.
const CURSOR_PREFIX: &str = "id:";

/// v2's `search_results` header of each raw table.
fn header_of(service: StackyService) -> Value {
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
fn row_of(service: StackyService, r: &StackyRaw) -> Value {
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
fn uuid_of(service: StackyService, r: &StackyRaw) -> Option<&str> {
    match service {
        StackyService::Glance => r.image_uuid.as_deref(),
        _ => r.instance.as_deref(),
    }
}

/// Rows as `search_results` built them: `[]` when empty, else the header and the rows.
fn search_results(service: StackyService, raws: &[StackyRaw]) -> Value {
    if raws.is_empty() {
        return json!([]);
    }
    let mut out = vec![header_of(service)];
    out.extend(raws.iter().map(|r| row_of(service, r)));
    Value::Array(out)
}

/// `GET /stacky/deployments/`: `[["#","Name"],[id,name]...]` by name.
pub(super) async fn deployments(State(state): State<AppState>) -> Answer {
    let mut out = vec![json!(["#", "Name"])];
    for (id, name) in state.store.deployments().await? {
        out.push(json!([id, name]));
    }
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/events/?service=all|nova|glance|generic`: distinct event names; `all`
/// lists nova's, then glance's, then generic's (a name of two services appears twice).
pub(super) async fn event_names(State(state): State<AppState>, params: Params) -> Answer {
    let services = match params.get("service").unwrap_or("all") {
        "all" => vec![
            StackyService::Nova,
            StackyService::Glance,
            StackyService::Generic,
        ],
        s => vec![StackyService::parse(s).ok_or_else(|| super::unknown_service(s))?],
    };
    let mut out = vec![json!(["Event Name"])];
    for service in services {
        let (names, _) = state
            .store
            .stacky_names(NameColumn::Event, service, NAMES_MAX)
            .await?;
        out.extend(names.into_iter().map(|n| json!([n])));
    }
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/hosts/?service=nova`: distinct host names (`null` first when some event has
/// no host, as v2 listed it).
pub(super) async fn hosts(State(state): State<AppState>, params: Params) -> Answer {
    let service = params.service(StackyService::Nova)?;
    let (names, has_null) = state
        .store
        .stacky_names(NameColumn::Host, service, NAMES_MAX)
        .await?;
    let mut out = vec![json!(["Host Name"])];
    if has_null {
        out.push(json!([null]));
    }
    out.extend(names.into_iter().map(|n| json!([n])));
    Ok(ok(&Value::Array(out)))
}

/// `GET /stacky/uuid/?uuid=…`: the events of an instance (glance: of an image), oldest first.
pub(super) async fn uuid(State(state): State<AppState>, params: Params) -> Answer {
    let uuid = params.required("uuid")?;
    let service = params.service(StackyService::Nova)?;
    if !is_uuid_like(uuid) {
        return Err(StackyError::BadRequest(format!("{uuid} is not uuid-like")));
    }
    let field = match service {
        StackyService::Glance => StackyField::ImageUuid,
        _ => StackyField::Instance,
    };
    let (limit, offset) = params.page()?;
    let q = RawQuery {
        service,
        matches: vec![(field, FieldValue::Text(uuid.to_string()))],
        when_min: params.decimal("when_min")?,
        when_max: params.decimal("when_max")?,
        newest_first: false,
        limit,
        offset,
    };
    let raws = state.store.stacky_search(&q).await?;
    Ok(ok(&search_results(service, &raws)))
}

/// `GET /stacky/request/?request_id=…`: the nova events of a request, oldest first (the
/// header is always there).
pub(super) async fn request(State(state): State<AppState>, params: Params) -> Answer {
    let request_id = params.required("request_id")?;
    if !is_request_id_like(request_id) {
        return Err(StackyError::BadRequest(format!(
            "{request_id} is not request-id-like"
        )));
    }
    let (limit, offset) = params.page()?;
    let q = RawQuery {
        service: StackyService::Nova,
        matches: vec![(
            StackyField::RequestId,
            FieldValue::Text(request_id.to_string()),
        )],
        when_min: params.decimal("when_min")?,
        when_max: params.decimal("when_max")?,
        newest_first: false,
        limit,
        offset,
    };
    let raws = state.store.stacky_search(&q).await?;
    let mut out = vec![header_of(StackyService::Nova)];
    out.extend(raws.iter().map(|r| row_of(StackyService::Nova, r)));
    Ok(ok(&Value::Array(out)))
}

/// v2's `FieldError` answer.
fn field_error(field: &str) -> StackyError {
    StackyError::BadRequest(format!(
        "The requested field '{field}' does not exist for the corresponding object.\n\
         Note: The field names of database are case-sensitive."
    ))
}

/// `GET /stacky/search/?service=nova&field=…&value=…`: events with `field = value`, newest
/// first; `[]` when none. Fields come from the allow-list of v2's model for the service.
pub(super) async fn search(State(state): State<AppState>, params: Params) -> Answer {
    let service = params.service(StackyService::Nova)?;
    // Python formats a missing field as 'None'.
    let name = params.get("field").unwrap_or("None");
    let field = StackyField::parse(service, name).ok_or_else(|| field_error(name))?;
    let value = match (params.get("value"), field.kind()) {
        (None, _) => FieldValue::Null,
        (Some(v), FieldKind::Text) => FieldValue::Text(v.to_string()),
        (Some(v), FieldKind::Integer) => {
            FieldValue::Int(py_int(v).ok_or_else(|| {
                StackyError::BadRequest(format!("'{v}' value must be an integer."))
            })?)
        }
        (Some(v), FieldKind::Time) => FieldValue::Int(decimal_to_micros(v).ok_or_else(|| {
            StackyError::BadRequest(format!("'{v}' value must be a decimal number."))
        })?),
    };
    let (limit, offset) = params.page()?;
    let q = RawQuery {
        service,
        matches: vec![(field, value)],
        when_min: params.decimal("when_min")?,
        when_max: params.decimal("when_max")?,
        newest_first: true,
        limit,
        offset,
    };
    let raws = state.store.stacky_search(&q).await?;
    Ok(ok(&search_results(service, &raws)))
}

/// v2's `\d+` path parameter; anything else is not a route (404).
fn path_id(text: &str) -> Result<i64, StackyError> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse().ok())
        .flatten()
        .ok_or_else(|| StackyError::NotFound(format!("No such path parameter '{text}'.")))
}

/// `GET /stacky/show/<id>/?service=nova`: `[key/value rows, pretty JSON of the stored
/// [routing_key, body], uuid]`; an unknown id answers 200 with an empty body, as v2's
/// `rsp({})` did (the client then prints "Server reported: ObjectDoesNotExist").
pub(super) async fn show(
    State(state): State<AppState>,
    Path(event_id): Path<String>,
    params: Params,
) -> Answer {
    let service = params.service(StackyService::Nova)?;
    let id = path_id(&event_id)?;
    let Some((r, body)) = state.store.stacky_raw(id, service).await? else {
        return Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "",
        )
            .into_response());
    };
    let status_row = match service {
        StackyService::Glance => json!(["Status", r.image_status]),
        _ => json!(["State", r.state]),
    };
    let uuid = uuid_of(service, &r);
    let rows = json!([
        ["Key", "Value"],
        ["#", r.id],
        ["When", when(r.when_us)],
        ["Deployment", r.deployment],
        ["Category", r.routing_key],
        ["Publisher", r.publisher],
        status_row,
        ["Event", r.event],
        ["Service", r.service],
        ["Host", r.host],
        ["UUID", uuid],
        ["Req ID", r.request_id]
    ]);
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
    let stored = json!([r.routing_key, body]);
    let pretty = serde_json::to_string_pretty(&stored).unwrap_or_default();
    Ok(ok(&json!([rows, pretty, uuid])))
}

/// Where a watch call starts.
#[derive(Debug, PartialEq, Eq)]
enum Since {
    /// No (usable) `since`: v2's last two seconds.
    Fresh,
    /// Our cursor: events with a higher id.
    AfterId(i64),
    /// A v2 decimal time: events after it.
    AfterTime(i64),
}

fn parse_since(since: Option<&str>) -> Since {
    let Some(since) = since.map(str::trim).filter(|s| !s.is_empty()) else {
        return Since::Fresh;
    };
    if let Some(id) = since.strip_prefix(CURSOR_PREFIX) {
        return id
            .parse()
            .ok()
            .filter(|id: &i64| *id >= 0)
            .map_or(Since::Fresh, Since::AfterId);
    }
    decimal_to_micros(since).map_or(Since::Fresh, Since::AfterTime)
}

/// `GET /stacky/watch/<deployment id, 0 = all>/?service=nova&event_name=…&since=…`:
/// `[[10,1,15,20,<longest nova event name>,36], [[id, ?, date, time, deployment, event,
/// uuid or "-"]...], cursor]`. The client sends the cursor back as `since`; the next answer
/// has every event committed since, however late its timestamp. Never fails on an empty
/// database or an unusable `since` (that starts afresh).
pub(super) async fn watch(
    State(state): State<AppState>,
    Path(deployment_id): Path<String>,
    params: Params,
) -> Answer {
    let service = params.service(StackyService::Nova)?;
    let deployment = path_id(&deployment_id)?;
    let filter = WatchFilter {
        service,
        deployment: (deployment > 0).then_some(deployment),
        event: params.non_empty("event_name").map(str::to_string),
    };
    let (names, _) = state
        .store
        .stacky_names(NameColumn::Event, StackyService::Nova, NAMES_MAX)
        .await?;
    let widest = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or("Event".len());
    let now = now_micros();
    let store = &state.store;
    let (raws, cursor) = match parse_since(params.get("since")) {
        Since::AfterId(id) => store.stacky_watch_after(id, WATCH_WINDOW, &filter).await?,
        Since::AfterTime(t) => {
            store
                .stacky_watch_window(t, now, WATCH_WINDOW, &filter)
                .await?
        }
        Since::Fresh => {
            let from = now - WATCH_FIRST_SECS * 1_000_000;
            store
                .stacky_watch_window(from, now, WATCH_WINDOW, &filter)
                .await?
        }
    };
    let rows: Vec<Value> = raws
        .iter()
        .map(|r| {
            let (date, time) = date_and_time(r.when_us);
            let uuid = uuid_of(service, r).filter(|u| !u.is_empty()).unwrap_or("-");
            json!([
                r.id,
                routing_key_type(&r.routing_key),
                date,
                time,
                r.deployment,
                r.event,
                uuid
            ])
        })
        .collect();
    Ok(ok(&json!([
        [10, 1, 15, 20, widest, 36],
        rows,
        format!("{CURSOR_PREFIX}{cursor}")
    ])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_is_our_cursor_or_a_v2_time_or_nothing() {
        assert_eq!(parse_since(None), Since::Fresh);
        assert_eq!(parse_since(Some("")), Since::Fresh);
        assert_eq!(parse_since(Some("id:42")), Since::AfterId(42));
        assert_eq!(parse_since(Some("id:-1")), Since::Fresh);
        assert_eq!(parse_since(Some("id:x")), Since::Fresh);
        assert_eq!(
            parse_since(Some("1389892207.5")),
            Since::AfterTime(1_389_892_207_500_000)
        );
        assert_eq!(parse_since(Some("garbage")), Since::Fresh);
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

    #[test]
    fn path_ids_are_digits() {
        assert_eq!(path_id("12").unwrap(), 12);
        assert!(path_id("-1").is_err());
        assert!(path_id("abc").is_err());
        assert!(path_id("").is_err());
    }
}
