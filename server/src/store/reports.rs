//! The `json_reports` table: reports as v2's report jobs stored them, listed by creation time
//! or searched by `/stacky/reports/search/`'s fields (an allow-list, [`ReportFilter`]).
//! Indexes behind them: `json_reports (created)`, `(name)`.

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;

/// A stored report without its body.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JsonReportRow {
    pub id: i64,
    pub period_start: i64,
    pub period_end: i64,
    pub created: i64,
    #[sqlx(try_from = "Text")]
    pub name: String,
    pub version: i64,
}

/// A condition of `/stacky/reports/search/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportFilter {
    Id(i64),
    Name(String),
    /// `created_after < created < created_before` (µs, both exclusive).
    CreatedBetween(i64, i64),
    PeriodStart(i64),
    PeriodEnd(i64),
}

/// A report to store.
#[derive(Debug, Clone)]
pub struct NewJsonReport {
    pub period_start: i64,
    pub period_end: i64,
    pub created: i64,
    pub name: String,
    pub version: i64,
    pub json: String,
}

const REPORT_SELECT: &str =
    "SELECT id, period_start, period_end, created, name, version FROM json_reports";

impl Store {
    /// Stores a report (what v2's report jobs wrote); returns its id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn insert_json_report(&self, r: &NewJsonReport) -> Result<i64, StoreError> {
        let mut sql = Sql::new(
            "INSERT INTO json_reports (period_start, period_end, created, name, version, json) \
             VALUES (",
        );
        sql.int(r.period_start).push(", ").int(r.period_end);
        sql.push(", ").int(r.created).push(", ").text(&r.name);
        sql.push(", ").int(r.version).push(", ").text(&r.json);
        sql.push(")");
        // `RETURNING id` where the backend has it, the insert's own id on MySQL.
        self.insert_id(&sql).await
    }

    /// Reports created within `[from, to]`, by id, one page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_reports_created(
        &self,
        from: i64,
        to: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<JsonReportRow>, StoreError> {
        let mut sql = Sql::new(REPORT_SELECT);
        sql.push(" WHERE created >= ").int(from);
        sql.push(" AND created <= ").int(to);
        sql.push(" ORDER BY id LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        self.fetch_all(&sql).await
    }

    /// Reports matching every filter, newest id first, one page.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_reports_search(
        &self,
        filters: &[ReportFilter],
        limit: i64,
        offset: i64,
    ) -> Result<Vec<JsonReportRow>, StoreError> {
        let mut sql = Sql::new(REPORT_SELECT);
        sql.push(" WHERE 1 = 1");
        for f in filters {
            match f {
                ReportFilter::Id(id) => sql.push(" AND id = ").int(*id),
                ReportFilter::Name(n) => sql.push(" AND name = ").text(n),
                ReportFilter::CreatedBetween(after, before) => sql
                    .push(" AND created > ")
                    .int(*after)
                    .push(" AND created < ")
                    .int(*before),
                ReportFilter::PeriodStart(t) => sql.push(" AND period_start = ").int(*t),
                ReportFilter::PeriodEnd(t) => sql.push(" AND period_end = ").int(*t),
            };
        }
        sql.push(" ORDER BY id DESC LIMIT ").int(limit);
        sql.push(" OFFSET ").int(offset);
        self.fetch_all(&sql).await
    }

    /// Reports with `name` (all when empty) and an id below `before`, newest first: a page of
    /// the web app's Reports list.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_reports_page(
        &self,
        name: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<JsonReportRow>, StoreError> {
        let mut sql = Sql::new(REPORT_SELECT);
        sql.push(" WHERE 1 = 1");
        if !name.is_empty() {
            sql.push(" AND name = ").text(name);
        }
        if let Some(before) = before {
            sql.push(" AND id < ").int(before);
        }
        sql.push(" ORDER BY id DESC LIMIT ").int(limit);
        self.fetch_all(&sql).await
    }

    /// The distinct names of the stored reports, sorted (at most `limit`; index `(name)`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_report_names(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let mut sql = Sql::new("SELECT DISTINCT name FROM json_reports ORDER BY name LIMIT ");
        sql.int(limit);
        let names: Vec<Text> = self.fetch_column(&sql).await?;
        Ok(names.into_iter().map(String::from).collect())
    }

    /// One report's stored JSON text.
    ///
    /// # Errors
    /// Database errors.
    pub async fn json_report(&self, id: i64) -> Result<Option<String>, StoreError> {
        let mut sql = Sql::new("SELECT json FROM json_reports WHERE id = ");
        sql.int(id);
        let row: Option<(Text,)> = self.fetch_optional(&sql).await?;
        Ok(row.map(|(json,)| json.into()))
    }
}
