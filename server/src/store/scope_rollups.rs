//! Reading `scope_rollups` (migration 0017; written at ingest by `aggregates::write_rollups`):
//! a host's or tenant's events per type over whole hours, for its page.
//!
//! Index behind it: the upsert's key `(kind, scope, hour_us, event)` — one range per page,
//! at most 25 hours × the event types in use.

use app::model::{EventCount, ScopeKind};

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::events::scope_column;
use crate::store::sql::Sql;
use crate::store::text::Text;

#[derive(sqlx::FromRow)]
struct CountRow {
    #[sqlx(try_from = "Text")]
    event: String,
    n: i64,
    errors: i64,
}

impl Store {
    /// Per event type, the events of a host or tenant in the hours starting at or after
    /// `since_hour` (an hour's start) and how many of them were errors; most frequent first.
    ///
    /// # Errors
    /// Database errors.
    pub async fn scope_counts(
        &self,
        kind: ScopeKind,
        value: &str,
        since_hour: i64,
    ) -> Result<Vec<EventCount>, StoreError> {
        let rows: Vec<CountRow> = self
            .fetch_all(&scope_counts_sql(self.bigint(), kind, value, since_hour))
            .await?;
        let mut counts: Vec<EventCount> = rows
            .into_iter()
            .map(|r| EventCount {
                event: r.event,
                count: r.n,
                errors: r.errors,
            })
            .collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.event.cmp(&b.event)));
        Ok(counts)
    }
}

/// [`Store::scope_counts`]' statement; `int` is the backend's 64-bit cast type
/// ([`Store::bigint`]: a `SUM` is a DECIMAL on MySQL/MariaDB).
pub(crate) fn scope_counts_sql<'a>(
    int: &str,
    kind: ScopeKind,
    value: &'a str,
    since_hour: i64,
) -> Sql<'a> {
    let mut sql = Sql::new(&format!(
        "SELECT event, CAST(SUM(n) AS {int}) AS n, CAST(SUM(errors) AS {int}) AS errors \
         FROM scope_rollups WHERE kind = "
    ));
    sql.text(scope_column(kind))
        .push(" AND scope = ")
        .text(value)
        .push(" AND hour_us >= ")
        .int(since_hour)
        .push(" GROUP BY event");
    sql
}
