//! Writes lifecycles (upsert by instance), timings and request trackers.
//!
//! PostgreSQL takes the fixed-text statements of [`super::unnest`]; the multi-row `VALUES`
//! forms below are SQLite's, where a statement costs no round trip to prepare.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::{on_conn, rows_per_statement, unnest, Conn};
use crate::aggregate::{LifecycleWrite, RowRef, Timing, TimingEnd, Tracker, TrackerUpdate, Writes};

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
    let mut ids = HashMap::with_capacity(rows.len());
    if let Conn::Postgres(c) = conn {
        let returned = unnest::upsert_lifecycles(c, rows).await?;
        ids.extend(returned.into_iter().map(|(id, instance)| (instance, id)));
        return Ok(ids);
    }
    for chunk in rows.chunks(rows_per_statement(4)) {
        let returned: Vec<(i64, String)> = on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO lifecycles (instance, last_state, last_task_state, last_raw_id) ",
            );
            qb.push_values(chunk, |mut b, l| {
                b.push_bind(l.instance.as_str())
                    .push_bind(l.last_state.as_deref())
                    .push_bind(l.last_task_state.as_deref())
                    .push_bind(l.last_raw_id);
            });
            qb.push(
                " ON CONFLICT (instance) DO UPDATE SET last_state = excluded.last_state, \
                 last_task_state = excluded.last_task_state, last_raw_id = excluded.last_raw_id \
                 RETURNING id, instance",
            );
            qb.build_query_as()
                .persistent(false)
                .fetch_all(&mut **c)
                .await?
        });
        ids.extend(returned.into_iter().map(|(id, instance)| (instance, id)));
    }
    Ok(ids)
}

/// Inserts the new timings; returns their ids in order.
async fn insert_timings(
    conn: &mut Conn<'_>,
    rows: &[Timing],
    lifecycles: &HashMap<String, i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut by_creator = HashMap::with_capacity(rows.len());
    if let Conn::Postgres(c) = conn {
        if !rows.is_empty() {
            let returned = unnest::insert_timings(c, rows, lifecycles).await?;
            by_creator.extend(returned.into_iter().map(|(id, creator)| (creator, id)));
        }
        return Ok(in_order(rows, &by_creator));
    }
    for chunk in rows.chunks(rows_per_statement(8)) {
        let returned: Vec<(i64, i64)> = on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO timings (name, lifecycle_id, start_raw_id, start_when, end_raw_id, \
                 end_when, diff) ",
            );
            qb.push_values(chunk, |mut b, t| {
                b.push_bind(t.name.as_str())
                    .push_bind(lifecycles.get(&t.instance).copied().unwrap_or_default())
                    .push_bind(t.start_raw_id)
                    .push_bind(t.start_when)
                    .push_bind(t.end_raw_id)
                    .push_bind(t.end_when)
                    .push_bind(t.diff);
            });
            qb.push(" RETURNING id, COALESCE(start_raw_id, end_raw_id)");
            qb.build_query_as()
                .persistent(false)
                .fetch_all(&mut **c)
                .await?
        });
        by_creator.extend(returned.into_iter().map(|(id, creator)| (creator, id)));
    }
    Ok(in_order(rows, &by_creator))
}

/// The ids of `rows`, in order, from the ids by creator raw id that the inserts returned.
fn in_order(rows: &[Timing], by_creator: &HashMap<i64, i64>) -> Vec<i64> {
    rows.iter()
        .map(|t| {
            by_creator
                .get(&t.creator_raw_id())
                .copied()
                .unwrap_or_default()
        })
        .collect()
}

/// Closes stored timings.
async fn end_timings(conn: &mut Conn<'_>, rows: &[TimingEnd]) -> Result<(), sqlx::Error> {
    if let Conn::Postgres(c) = conn {
        if !rows.is_empty() {
            unnest::end_timings(c, rows).await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(rows_per_statement(4)) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new("WITH v (id, end_raw_id, end_when, diff) AS (");
            qb.push_values(chunk, |mut b, t| {
                b.push_bind(t.id)
                    .push_bind(t.end_raw_id)
                    .push_bind(t.end_when)
                    .push_bind(t.diff);
            });
            qb.push(
                ") UPDATE timings SET end_raw_id = v.end_raw_id, end_when = v.end_when, \
                 diff = v.diff FROM v WHERE timings.id = v.id",
            );
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}

async fn insert_trackers(
    conn: &mut Conn<'_>,
    rows: &[Tracker],
    lifecycles: &HashMap<String, i64>,
    timing_id: &impl Fn(Option<RowRef>) -> Option<i64>,
) -> Result<(), sqlx::Error> {
    if let Conn::Postgres(c) = conn {
        let resolved: Vec<unnest::TrackerRow<'_>> = rows
            .iter()
            .map(|t| unnest::TrackerRow {
                request_id: &t.request_id,
                lifecycle_id: lifecycles.get(&t.instance).copied().unwrap_or_default(),
                last_timing_id: timing_id(t.last_timing),
                start: t.start,
                duration: t.duration,
            })
            .collect();
        if !resolved.is_empty() {
            unnest::insert_trackers(c, &resolved).await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(rows_per_statement(5)) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new(
                "INSERT INTO request_trackers (request_id, lifecycle_id, last_timing_id, start, \
                 duration) ",
            );
            qb.push_values(chunk, |mut b, t| {
                b.push_bind(t.request_id.as_str())
                    .push_bind(lifecycles.get(&t.instance).copied().unwrap_or_default())
                    .push_bind(timing_id(t.last_timing))
                    .push_bind(t.start)
                    .push_bind(t.duration);
            });
            qb.push(" ON CONFLICT (request_id) DO NOTHING");
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}

async fn update_trackers(
    conn: &mut Conn<'_>,
    rows: &[TrackerUpdate],
    timing_id: &impl Fn(Option<RowRef>) -> Option<i64>,
) -> Result<(), sqlx::Error> {
    if let Conn::Postgres(c) = conn {
        if !rows.is_empty() {
            let ids = rows.iter().map(|t| timing_id(t.last_timing)).collect();
            unnest::update_trackers(c, rows, ids).await?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(rows_per_statement(3)) {
        on_conn!(&mut *conn, |c| {
            let mut qb = QueryBuilder::new("WITH v (id, last_timing_id, duration) AS (");
            qb.push_values(chunk, |mut b, t| {
                b.push_bind(t.id)
                    .push_bind(timing_id(t.last_timing))
                    .push_bind(t.duration);
            });
            qb.push(
                ") UPDATE request_trackers SET last_timing_id = v.last_timing_id, \
                 duration = v.duration FROM v WHERE request_trackers.id = v.id",
            );
            qb.build().persistent(false).execute(&mut **c).await?;
        });
    }
    Ok(())
}
