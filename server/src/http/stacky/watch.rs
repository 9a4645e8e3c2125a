//! `GET /stacky/watch/<deployment id>/`: the live tail the `stacky watch` client polls. Its
//! `since` is our own cursor (the last event id an answer covered), so events that commit late
//! are not missed; v2's decimal times are still understood, and nothing makes it fail. A
//! cursor into events retention deleted resumes at the oldest kept event; the answer keeps
//! v2's three elements and says how many were pruned in the `X-StackTach-Pruned` header.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{json, Value};

use super::answer::{ok, Answer};
use super::format::date_and_time;
use super::params::{path_id, Params, NAMES_MAX};
use super::rows::{routing_key_type, uuid_of};
use crate::http::state::AppState;
use crate::notification::time::decimal_to_micros;
use crate::retention::resume_after_prune;
use crate::store::stacky::{NameColumn, StackyService, WatchFilter};
use crate::store::{Store, StoreError};
use app::model::now_micros;

/// The most event ids one watch answer covers; the cursor makes the client read on.
const WATCH_WINDOW: i64 = 2_000;
/// v2's first watch answer: events of the last two seconds.
const WATCH_FIRST_SECS: i64 = 2;
/// Marks our watch cursors apart from v2's decimal `since` times.
const CURSOR_PREFIX: &str = "id:";
/// The header that says how many events after the client's cursor were pruned.
const PRUNED_HEADER: &str = "x-stacktach-pruned";

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

/// Reads `since`: our cursor (`id:<n>`), else a v2 decimal time, else a fresh start.
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
    let (since, pruned) = past_pruned(parse_since(params.get("since")), store).await?;
    let (raws, cursor) = match since {
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
    let answer = ok(&json!([
        [10, 1, 15, 20, widest, 36],
        rows,
        format!("{CURSOR_PREFIX}{cursor}")
    ]));
    Ok(with_pruned_header(answer, pruned))
}

/// A cursor into events retention deleted moves to just before the oldest kept event; also
/// answers how many ids it skipped.
async fn past_pruned(since: Since, store: &Store) -> Result<(Since, Option<u64>), StoreError> {
    if let Since::AfterId(id) = since {
        // The horizon first: ids that commit after it was read lie above it, so they are never
        // taken for pruned.
        let horizon = store.feed_horizon().await?;
        let oldest = store.oldest_event_id().await?;
        if let Some(gap) = resume_after_prune(id, oldest, horizon) {
            return Ok((Since::AfterId(gap.resume_after), Some(gap.pruned)));
        }
    }
    Ok((since, None))
}

/// `answer` with the `X-StackTach-Pruned` header when events were pruned after the cursor.
fn with_pruned_header(mut answer: Response, pruned: Option<u64>) -> Response {
    if let Some(n) = pruned {
        answer.headers_mut().insert(PRUNED_HEADER, n.into());
    }
    answer
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
}
