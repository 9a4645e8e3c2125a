//! The Reports pages' answers: stored reports (`json_reports`) as the app's wire types.

use app::model::{Micros, ReportDetail, ReportSummary, ReportsPage, ReportsQuery};

use crate::store::stacky::{JsonReportRow, ReportFilter};
use crate::store::{Store, StoreError};

/// Names offered by the list's filter.
const NAME_LIMIT: i64 = 500;

fn summary(r: JsonReportRow) -> ReportSummary {
    ReportSummary {
        id: r.id,
        name: r.name,
        version: r.version,
        period_start: Micros(r.period_start),
        period_end: Micros(r.period_end),
        created: Micros(r.created),
    }
}

/// One page of stored reports, newest first, and the names to filter by.
pub(super) async fn list(store: &Store, q: &ReportsQuery) -> Result<ReportsPage, StoreError> {
    let page = i64::from(ReportsQuery::PAGE);
    let mut rows = store.json_reports_page(&q.name, q.before, page + 1).await?;
    let next_before = (rows.len() > ReportsQuery::PAGE as usize)
        .then(|| rows[ReportsQuery::PAGE as usize - 1].id);
    rows.truncate(ReportsQuery::PAGE as usize);
    Ok(ReportsPage {
        rows: rows.into_iter().map(summary).collect(),
        next_before,
        names: store.json_report_names(NAME_LIMIT).await?,
    })
}

/// One report with its JSON.
pub(super) async fn one(store: &Store, id: i64) -> Result<Option<ReportDetail>, StoreError> {
    let Some(row) = store
        .json_reports_search(&[ReportFilter::Id(id)], 1, 0)
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let Some(json) = store.json_report(id).await? else {
        return Ok(None);
    };
    Ok(Some(ReportDetail {
        summary: summary(row),
        json,
    }))
}
