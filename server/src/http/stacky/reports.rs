//! The stored JSON reports (v2's `JsonReport`): the list by creation time, one report
//! verbatim, and the search by id, name, creation day or period.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde_json::{json, Value};

use super::answer::{ok, Answer, StackyError};
use super::format::{float_seconds, parse_django_datetime, parse_ymd, py_int, when_seconds};
use super::params::Params;
use crate::http::state::AppState;
use crate::store::stacky::{JsonReportRow, ReportFilter};
use app::model::now_micros;

const DAY_US: i64 = 86_400 * 1_000_000;
/// The fields `/stacky/reports/search/` may filter on (v2's allow-list).
const SEARCHABLE: [&str; 5] = ["id", "name", "created", "period_start", "period_end"];

/// `GET /stacky/reports/?created_from=…&created_to=…` (unix decimals; default the last 24 h):
/// `[["Id","Start","End","Created","Name","Version"], [id, start, end, created (float unix
/// seconds), name, version]...]`.
pub(super) async fn list(State(state): State<AppState>, params: Params) -> Answer {
    let now = now_micros();
    let from = params.decimal("created_from")?.unwrap_or(now - DAY_US);
    let to = params.decimal("created_to")?.unwrap_or(now);
    let (limit, offset) = params.page()?;
    let reports = state
        .store
        .json_reports_created(from, to, limit, offset)
        .await?;
    let mut out = vec![header()];
    out.extend(reports.iter().map(|r| {
        json!([
            r.id,
            float_seconds(r.period_start),
            float_seconds(r.period_end),
            float_seconds(r.created),
            r.name,
            r.version
        ])
    }));
    Ok(ok(&Value::Array(out)))
}

fn header() -> Value {
    json!(["Id", "Start", "End", "Created", "Name", "Version"])
}

/// `GET /stacky/report/<id>/`: the stored JSON, verbatim.
pub(super) async fn one(State(state): State<AppState>, Path(report_id): Path<String>) -> Answer {
    let missing = || StackyError::NotFound("No JsonReport matches the given query.".into());
    let id = report_id
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| report_id.parse::<i64>().ok())
        .flatten()
        .ok_or_else(missing)?;
    let json = state.store.json_report(id).await?.ok_or_else(missing)?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

/// v2's filters of a search: every name must be searchable (else one 400 naming all the
/// others, sorted), then each value must parse (the first that does not is the 400).
fn filters(params: &Params) -> Result<Vec<ReportFilter>, StackyError> {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for (k, _) in &params.0 {
        if k != "limit" && k != "offset" && !fields.iter().any(|(seen, _)| seen == k) {
            fields.push((k.as_str(), params.get(k).unwrap_or_default()));
        }
    }
    let mut invalid: Vec<&str> = fields
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !SEARCHABLE.contains(k))
        .collect();
    if !invalid.is_empty() {
        invalid.sort_unstable();
        return Err(StackyError::BadRequest(format!(
            "The requested fields either do not exist for the corresponding object or are not \
             searchable: {}. Note: The field names of database are case-sensitive.",
            invalid.join(", ")
        )));
    }
    fields
        .into_iter()
        .map(|(k, v)| {
            let bad = |what: &str| {
                StackyError::BadRequest(format!(
                    "'{v}' value has an invalid format. It must be in {what} format."
                ))
            };
            Ok(match k {
                "id" => ReportFilter::Id(py_int(v).ok_or_else(|| bad("integer"))?),
                "created" => {
                    let day = parse_ymd(v).ok_or_else(|| bad("YYYY-MM-DD"))?;
                    ReportFilter::CreatedBetween(day, day + DAY_US)
                }
                "period_start" => ReportFilter::PeriodStart(
                    parse_django_datetime(v).map_err(StackyError::BadRequest)?,
                ),
                "period_end" => ReportFilter::PeriodEnd(
                    parse_django_datetime(v).map_err(StackyError::BadRequest)?,
                ),
                _ => ReportFilter::Name(v.to_string()),
            })
        })
        .collect()
}

/// `GET /stacky/reports/search/?id=…&name=…&created=YYYY-MM-DD&period_start=…&period_end=…`:
/// newest id first, times as `YYYY-MM-DD HH:MM:SS`.
pub(super) async fn search(State(state): State<AppState>, params: Params) -> Answer {
    let filters = filters(&params)?;
    let (limit, offset) = params.page()?;
    let reports = state
        .store
        .json_reports_search(&filters, limit, offset)
        .await?;
    let mut out = vec![header()];
    out.extend(reports.iter().map(search_row));
    Ok(ok(&Value::Array(out)))
}

fn search_row(r: &JsonReportRow) -> Value {
    json!([
        r.id,
        when_seconds(r.period_start),
        when_seconds(r.period_end),
        when_seconds(r.created),
        r.name,
        r.version
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: StackyError) -> String {
        match e {
            StackyError::BadRequest(m) => m,
            other => panic!("{other:?}"),
        }
    }

    // v2 JsonReportsSearchAPI tests.
    #[test]
    fn search_filters_like_v2() {
        let f = filters(&Params::of(&[
            ("id", "1"),
            ("name", "nova_usage_audit"),
            ("period_start", "2014-01-01 00:00:00"),
            ("period_end", "2014-01-02 00:00:00"),
            ("created", "2014-01-01"),
            ("limit", "10"),
            ("offset", "5"),
        ]))
        .unwrap();
        assert_eq!(
            f,
            vec![
                ReportFilter::Id(1),
                ReportFilter::Name("nova_usage_audit".into()),
                ReportFilter::PeriodStart(1_388_534_400_000_000),
                ReportFilter::PeriodEnd(1_388_620_800_000_000),
                ReportFilter::CreatedBetween(1_388_534_400_000_000, 1_388_620_800_000_000),
            ]
        );
        let e = filters(&Params::of(&[
            ("invalid_column_1", "value_1"),
            ("invalid_column_2", "value_2"),
            ("version", "4"),
            ("json", "json"),
            ("period_start", "2014-01-01 00:00:00"),
        ]))
        .unwrap_err();
        assert_eq!(
            message(e),
            "The requested fields either do not exist for the corresponding object or are not \
             searchable: invalid_column_1, invalid_column_2, json, version. Note: The field \
             names of database are case-sensitive."
        );
        for (field, value, text) in [
            ("period_start", "1234", "'1234' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."),
            ("period_end", "1234", "'1234' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."),
            ("id", "abcd", "'abcd' value has an invalid format. It must be in integer format."),
            ("created", "2014-01-01 00:00:00", "'2014-01-01 00:00:00' value has an invalid format. It must be in YYYY-MM-DD format."),
            ("created", "1234", "'1234' value has an invalid format. It must be in YYYY-MM-DD format."),
        ] {
            assert_eq!(message(filters(&Params::of(&[(field, value)])).unwrap_err()), text);
        }
    }

    #[test]
    fn search_rows_format_times_to_the_second() {
        let r = JsonReportRow {
            id: 5975,
            period_start: 1_390_003_200_000_000,
            period_end: 1_390_089_600_000_000,
            created: 1_388_569_200_000_000,
            name: "nova usage audit".into(),
            version: 4,
        };
        assert_eq!(
            search_row(&r),
            json!([
                5975,
                "2014-01-18 00:00:00",
                "2014-01-19 00:00:00",
                "2014-01-01 09:40:00",
                "nova usage audit",
                4
            ])
        );
    }
}
