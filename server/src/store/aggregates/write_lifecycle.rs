//! Writes lifecycles (upsert by instance), timings and request trackers.
//!
//! PostgreSQL takes the fixed-text statements of [`super::unnest`]; the multi-row `VALUES`
//! forms below are SQLite's, where a statement costs no round trip to prepare, and MySQL's,
//! with its own conflict clauses and updates from [`super::mysql`].

use std::collections::HashMap;

use super::values::{ids_by_raw, Returning, Values};
use super::{mysql, unnest};
use crate::aggregate::{LifecycleWrite, RowRef, Timing, TimingEnd, Tracker, TrackerUpdate, Writes};
use crate::store::backend::Conn;
use crate::store::sql::Tuple;
use crate::store::text::Text;

/// Writes the lifecycle group of `writes`, in dependency order.
pub(super) async fn write(conn: &mut Conn<'_>, writes: &Writes) -> Result<(), sqlx::Error> {
    if writes.lifecycles.is_empty() {
        return Ok(());
    }
    let lifecycles = upsert_lifecycles(conn, &writes.lifecycles).await?;
    let timings = insert_timings(conn, &writes.timings, &lifecycles).await?;
    let timing_id = |r: Option<RowRef>| match r? {
        RowRef::Stored(id) => Some(id),
        RowRef::New(i) => timings.get(i).copied(),
    };
    end_timings(conn, &writes.timing_ends).await?;
    insert_trackers(conn, &writes.trackers, &lifecycles, &timing_id).await?;
    update_trackers(conn, &writes.tracker_updates, &timing_id).await
}

/// Upserts one row per instance; returns every lifecycle id by instance.
async fn upsert_lifecycles(
    conn: &mut Conn<'_>,
    rows: &[LifecycleWrite],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let returned: Vec<(i64, String)> = match conn {
        Conn::Postgres(c) => unnest::upsert_lifecycles(c, rows).await?,
        Conn::Sqlite(_) | Conn::MySql(_) => {
            let mysql = conn.is_mysql();
            let upsert = Values {
                head: "INSERT INTO lifecycles (instance, last_state, last_task_state, \
                       last_raw_id) ",
                binds_per_row: 4,
                tail: if mysql {
                    mysql::UPSERT_LIFECYCLES
                } else {
                    " ON CONFLICT (instance) DO UPDATE SET last_state = excluded.last_state, \
                     last_task_state = excluded.last_task_state, \
                     last_raw_id = excluded.last_raw_id RETURNING id, instance"
                },
            };
            let bind = bind_lifecycle;
            if mysql {
                upsert.execute(conn, rows, bind).await?;
                mysql::lifecycle_ids(conn, rows).await?
            } else {
                let returned: Vec<(i64, Text)> =
                    upsert.fetch_chunks(conn, upsert.chunks(rows), bind).await?;
                returned.into_iter().map(|(id, i)| (id, i.0)).collect()
            }
        }
    };
    Ok(returned
        .into_iter()
        .map(|(id, instance)| (instance, id))
        .collect())
}

fn bind_lifecycle<'a>(row: &mut Tuple<'_, 'a>, l: &'a LifecycleWrite) {
    row.bind(l.instance.as_str())
        .bind(l.last_state.as_deref())
        .bind(l.last_task_state.as_deref())
        .bind(l.last_raw_id);
}

/// Inserts the new timings; returns their ids in order (matched back by creator raw id).
async fn insert_timings(
    conn: &mut Conn<'_>,
    rows: &[Timing],
    lifecycles: &HashMap<String, i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    let creator = |t: &Timing| Some(t.creator_raw_id());
    let Conn::Postgres(c) = conn else {
        let insert = Values {
            head: "INSERT INTO timings (name, lifecycle_id, start_raw_id, start_when, \
                   end_raw_id, end_when, diff) ",
            binds_per_row: 8,
            tail: "",
        };
        let returning = Returning {
            table: "timings",
            columns: "id, COALESCE(start_raw_id, end_raw_id)",
        };
        let lifecycle_id = |t: &Timing| lifecycles.get(&t.instance).copied().unwrap_or_default();
        return insert
            .insert_ids(conn, rows, &returning, creator, |row, t| {
                row.bind(t.name.as_str())
                    .bind(lifecycle_id(t))
                    .bind(t.start_raw_id)
                    .bind(t.start_when)
                    .bind(t.end_raw_id)
                    .bind(t.end_when)
                    .bind(t.diff);
            })
            .await;
    };
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let returned = unnest::insert_timings(c, rows, lifecycles).await?;
    Ok(ids_by_raw(rows, returned, creator))
}

/// Closes stored timings.
async fn end_timings(conn: &mut Conn<'_>, rows: &[TimingEnd]) -> Result<(), sqlx::Error> {
    let bind = |row: &mut Tuple<'_, '_>, t: &TimingEnd| {
        row.bind(t.id)
            .bind(t.end_raw_id)
            .bind(t.end_when)
            .bind(t.diff);
    };
    match conn {
        Conn::Postgres(_) if rows.is_empty() => Ok(()),
        Conn::Postgres(c) => unnest::end_timings(c, rows).await,
        Conn::MySql(_) => {
            let update = mysql::Join {
                table: "timings",
                names: &["id", "end_raw_id", "end_when", "diff"],
                set: "t.end_raw_id = v.end_raw_id, t.end_when = v.end_when, t.diff = v.diff",
            };
            update.execute(conn, rows, bind).await
        }
        Conn::Sqlite(_) => {
            let update = Values {
                head: "WITH v (id, end_raw_id, end_when, diff) AS (",
                binds_per_row: 4,
                tail: ") UPDATE timings SET end_raw_id = v.end_raw_id, end_when = v.end_when, \
                       diff = v.diff FROM v WHERE timings.id = v.id",
            };
            update.execute(conn, rows, bind).await
        }
    }
}

async fn insert_trackers(
    conn: &mut Conn<'_>,
    rows: &[Tracker],
    lifecycles: &HashMap<String, i64>,
    timing_id: &impl Fn(Option<RowRef>) -> Option<i64>,
) -> Result<(), sqlx::Error> {
    let lifecycle_id = |t: &Tracker| lifecycles.get(&t.instance).copied().unwrap_or_default();
    match conn {
        Conn::Postgres(c) => {
            let resolved: Vec<unnest::TrackerRow<'_>> = rows
                .iter()
                .map(|t| unnest::TrackerRow {
                    request_id: &t.request_id,
                    lifecycle_id: lifecycle_id(t),
                    last_timing_id: timing_id(t.last_timing),
                    start: t.start,
                    duration: t.duration,
                    end_tenant: t.end_tenant.as_deref(),
                    end_deployment_id: t.end_deployment_id,
                })
                .collect();
            if resolved.is_empty() {
                return Ok(());
            }
            unnest::insert_trackers(c, &resolved).await
        }
        Conn::Sqlite(_) | Conn::MySql(_) => {
            let insert = Values {
                head: "INSERT INTO request_trackers (request_id, lifecycle_id, last_timing_id, \
                       start, duration, end_tenant, end_deployment_id) ",
                binds_per_row: 7,
                tail: if conn.is_mysql() {
                    mysql::INSERT_TRACKERS
                } else {
                    " ON CONFLICT (request_id) DO NOTHING"
                },
            };
            insert
                .execute(conn, rows, |row, t| {
                    row.bind(t.request_id.as_str())
                        .bind(lifecycle_id(t))
                        .bind(timing_id(t.last_timing))
                        .bind(t.start)
                        .bind(t.duration)
                        .bind(t.end_tenant.as_deref())
                        .bind(t.end_deployment_id);
                })
                .await
        }
    }
}

async fn update_trackers<'a>(
    conn: &mut Conn<'_>,
    rows: &'a [TrackerUpdate],
    timing_id: &impl Fn(Option<RowRef>) -> Option<i64>,
) -> Result<(), sqlx::Error> {
    let bind = |row: &mut Tuple<'_, 'a>, t: &'a TrackerUpdate| {
        row.bind(t.id)
            .bind(timing_id(t.last_timing))
            .bind(t.duration)
            .bind(t.end_tenant.as_deref())
            .bind(t.end_deployment_id);
    };
    match conn {
        Conn::Postgres(_) if rows.is_empty() => Ok(()),
        Conn::Postgres(c) => {
            let ids = rows.iter().map(|t| timing_id(t.last_timing)).collect();
            unnest::update_trackers(c, rows, ids).await
        }
        Conn::MySql(_) => {
            let update = mysql::Join {
                table: "request_trackers",
                names: &[
                    "id",
                    "last_timing_id",
                    "duration",
                    "end_tenant",
                    "end_deployment_id",
                ],
                set: "t.last_timing_id = v.last_timing_id, t.duration = v.duration, \
                      t.end_tenant = v.end_tenant, t.end_deployment_id = v.end_deployment_id",
            };
            update.execute(conn, rows, bind).await
        }
        Conn::Sqlite(_) => {
            let update = Values {
                head: "WITH v (id, last_timing_id, duration, end_tenant, end_deployment_id) AS (",
                binds_per_row: 5,
                tail: ") UPDATE request_trackers SET last_timing_id = v.last_timing_id, \
                       duration = v.duration, end_tenant = v.end_tenant, \
                       end_deployment_id = v.end_deployment_id \
                       FROM v WHERE request_trackers.id = v.id",
            };
            update.execute(conn, rows, bind).await
        }
    }
}
