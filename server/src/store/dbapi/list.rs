//! The `/db` reads: a usage table's rows filtered and paged as v2's `get_db_objects`, one row
//! by id, the exists counts by status (`/db/stats/*/exists/`) and the raw events' counts by
//! name (`/db/stats/events/`).

use crate::store::backend::Store;
use crate::store::dbapi::rows::DbRow;
use crate::store::dbapi::tables::{DbTable, ExistsService, Field, FieldKind};
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::Text;

const SEC: i64 = 1_000_000;

/// One end of a `<field>_min` / `<field>_max` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub field: &'static Field,
    /// `true`: `>=` (`_min`); `false`: `<=` (`_max`).
    pub min: bool,
    /// The date the filter gave, in UTC microseconds.
    pub at: i64,
}

/// The conditions of a list or of the exists stats (v2's `_get_filter_args` and
/// `_get_exists_filter_args`), all of which must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// `instance = …` (nova tables only).
    pub instance: Option<String>,
    pub ranges: Vec<Range>,
    /// `received_min` / `received_max` on exists: the raw event's `when`.
    pub received_min: Option<i64>,
    pub received_max: Option<i64>,
}

/// The order and page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub order_by: &'static Field,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

/// Exists rows of one (status, send_status).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct ExistsStat {
    #[sqlx(try_from = "Text")]
    pub status: String,
    pub send_status: Option<i64>,
    pub event_count: i64,
}

/// Raw events of one name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct EventStat {
    #[sqlx(try_from = "Text")]
    pub event: String,
    pub event_count: i64,
}

impl Filters {
    /// ` WHERE …` for `table` (aliased `x`, its raw event `r`), or nothing.
    fn push_where<'a>(&'a self, table: DbTable, sql: &mut Sql<'a>) {
        let mut glue = " WHERE ";
        let mut next = |sql: &mut Sql<'a>| {
            sql.push(glue);
            glue = " AND ";
        };
        if let Some(instance) = &self.instance {
            next(sql);
            sql.push("x.instance = ").text(instance);
        }
        for range in &self.ranges {
            next(sql);
            let op = if range.min { " >= " } else { " <= " };
            sql.push("x.").push(range.field.column).push(op);
            sql.int(range_value(range));
        }
        if table.is_exists() {
            for (bound, op) in [(self.received_min, " >= "), (self.received_max, " <= ")] {
                if let Some(at) = bound {
                    next(sql);
                    sql.push("r.when_us").push(op).int(at);
                }
            }
        }
    }
}

/// What a range compares with: the time itself, or, for an integer field, the date in whole
/// unix seconds (v2 compared the column with the date's decimal seconds, so `id_min` of a
/// date is `id >= ceil(seconds)` and `id_max` is `id <= floor(seconds)`).
fn range_value(range: &Range) -> i64 {
    match range.field.kind {
        FieldKind::Time | FieldKind::Text => range.at,
        FieldKind::Int if range.min => range.at.div_euclid(SEC) + i64::from(range.at % SEC != 0),
        FieldKind::Int => range.at.div_euclid(SEC),
    }
}

impl Store {
    /// A page of `R`'s table (v2's `get_db_objects`), ordered by the page's field and then by
    /// id in the same direction, so pages never overlap.
    ///
    /// # Errors
    /// Database errors.
    pub async fn db_list<R: DbRow>(
        &self,
        filters: &Filters,
        page: &Page,
    ) -> Result<Vec<R>, StoreError> {
        let table = R::TABLE;
        let select = table.select();
        let mut sql = Sql::new(&select);
        filters.push_where(table, &mut sql);
        let direction = if page.descending { " DESC" } else { " ASC" };
        sql.push(" ORDER BY x.")
            .push(page.order_by.column)
            .push(direction);
        if page.order_by.column != "id" {
            sql.push(", x.id").push(direction);
        }
        sql.push(" LIMIT ")
            .int(page.limit)
            .push(" OFFSET ")
            .int(page.offset);
        self.fetch_all(&sql).await
    }

    /// The row of `R`'s table with this id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn db_get<R: DbRow>(&self, id: i64) -> Result<Option<R>, StoreError> {
        let select = R::TABLE.select();
        let mut sql = Sql::new(&select);
        sql.push(" WHERE x.id = ").int(id);
        self.fetch_optional(&sql).await
    }

    /// The exists of `service` matching `filters`, counted by (status, send_status); without a
    /// filter, from the counts the triggers keep (`exists_counts`).
    ///
    /// # Errors
    /// Database errors.
    pub async fn db_exists_stats(
        &self,
        service: ExistsService,
        filters: &Filters,
    ) -> Result<Vec<ExistsStat>, StoreError> {
        let table = match service {
            ExistsService::Nova => DbTable::InstanceExists,
            ExistsService::Glance => DbTable::ImageExists,
        };
        if *filters == Filters::default() {
            // Every row: the counts the triggers keep.
            let counts = self.exists_counts(table.table()).await?;
            return Ok(counts
                .into_iter()
                .map(|(status, send_status, event_count)| ExistsStat {
                    status,
                    send_status: Some(send_status),
                    event_count,
                })
                .collect());
        }
        let mut sql = Sql::new("SELECT x.status AS status, x.send_status AS send_status, ");
        sql.push("COUNT(*) AS event_count FROM ")
            .push(table.table());
        sql.push(" x LEFT JOIN raw_events r ON r.id = x.raw_id");
        filters.push_where(table, &mut sql);
        sql.push(" GROUP BY x.status, x.send_status ORDER BY x.status, x.send_status");
        self.fetch_all(&sql).await
    }

    /// The raw events of `service` counted by name, between `when` (inclusive) if given, of
    /// the one name `event` if given.
    ///
    /// # Errors
    /// Database errors.
    pub async fn db_event_stats(
        &self,
        service: ExistsService,
        when: Option<(i64, i64)>,
        event: Option<&str>,
    ) -> Result<Vec<EventStat>, StoreError> {
        let mut sql = Sql::new("SELECT e.event AS event, COUNT(*) AS event_count ");
        sql.push("FROM raw_events e WHERE ")
            .push(service.raw_condition());
        if let Some((min, max)) = when {
            sql.push(" AND e.when_us >= ").int(min);
            sql.push(" AND e.when_us <= ").int(max);
        }
        if let Some(event) = event {
            sql.push(" AND e.event = ").text(event);
        }
        sql.push(" GROUP BY e.event ORDER BY e.event");
        self.fetch_all(&sql).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::Placeholders;

    #[test]
    fn filters_render_columns_from_the_allow_list() {
        let table = DbTable::InstanceExists;
        let filters = Filters {
            instance: Some("i".into()),
            ranges: vec![Range {
                field: table.field("launched_at").unwrap(),
                min: true,
                at: 5,
            }],
            received_min: None,
            received_max: Some(9),
        };
        let mut sql = Sql::new("S");
        filters.push_where(table, &mut sql);
        assert_eq!(
            sql.render(Placeholders::Numbered),
            "S WHERE x.instance = $1 AND x.launched_at >= $2 AND r.when_us <= $3"
        );
    }

    #[test]
    fn integer_ranges_compare_whole_seconds_like_decimals() {
        let id = DbTable::InstanceUsages.field("id").unwrap();
        let at = |min, at| range_value(&Range { field: id, min, at });
        assert_eq!(at(true, 10 * SEC), 10);
        assert_eq!(at(true, 10 * SEC + 1), 11);
        assert_eq!(at(false, 10 * SEC + 1), 10);
    }
}
