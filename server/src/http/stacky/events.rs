//! The raw-event endpoints: deployments, event and host names, the events of an instance or
//! a request, search, and one event (`show`). The live `watch` feed is in `watch`.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};

use super::answer::{ok, Answer, StackyError};
use super::format::{py_int, when};
use super::params::{path_id, unknown_service, Params, NAMES_MAX};
use super::rows::{header_of, row_of, search_results, uuid_of};
use crate::http::state::AppState;
use crate::notification::ids::{is_request_id_like, is_uuid_like};
use crate::notification::time::decimal_to_micros;
use crate::store::stacky::{
    FieldKind, FieldValue, NameColumn, RawQuery, StackyField, StackyService,
};

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
        s => vec![StackyService::parse(s).ok_or_else(|| unknown_service(s))?],
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
