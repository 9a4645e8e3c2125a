//! The heartbeat: every `serve` and `worker` process writes its status board to the
//! database every [`BEAT_EVERY`] (and once at shutdown, its consumers stopped), so every web
//! node shows every process's consumers with the process and host they run on; and the rule
//! by which a reader decides that a process stopped beating ([`liveness`]).
//!
//! Why the writers expire the old rows themselves, not `store::prune`: the table is status,
//! not data; it holds one row per process and consumer, and a process is gone for good once
//! it has been silent for a day. Retention's classes, horizons and chunked deletes are made
//! for tables that grow with the notifications; this one only needs every beating process to
//! delete, now and then, the rows nobody has refreshed for [`EXPIRE_AFTER_US`] — one indexed
//! `DELETE` of a handful of rows, which also runs where no prune is scheduled.

use std::time::Duration;

use app::model::{now_micros, ConsumerState, Liveness, ProcessKind};
use tokio_util::sync::CancellationToken;

use crate::config::redact_url;
use crate::store::{HeartbeatRow, Store, StoreError};
use crate::telemetry::status::StatusBoard;

/// How often a process writes its board.
pub const BEAT_EVERY: Duration = Duration::from_secs(5);

/// A process whose last beat is older than this (three beats, in µs) has stopped beating:
/// one slow or failed write is not enough, a crash or a hang is.
pub const LOST_AFTER_US: i64 = 3 * BEAT_EVERY.as_micros() as i64;

/// Rows whose beat is older than this (a day, in µs) are deleted by the writers, and readers
/// do not look further back.
pub const EXPIRE_AFTER_US: i64 = 86_400_000_000;
/// A process that said it exited (its final beat) is listed for an hour: long enough to see a
/// restart happen, short enough that a crash-looping unit does not fill the page.
pub const EXITED_EXPIRE_AFTER_US: i64 = 3_600_000_000;

/// How often a writer deletes the expired rows (its first beat does too).
const EXPIRE_EVERY: Duration = Duration::from_secs(60);

/// How long the final beat may take: a database that hangs must not hold up a shutdown.
const FINAL_BEAT_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest error text a row keeps, in characters.
pub const ERROR_CHARS: usize = 400;

/// Whether a process with its last beat at `beat_at` (and its final one at `stopped_at`, if
/// it shut down cleanly) is running at `now` (all UTC µs). Its clock and the reader's may
/// differ a little: a beat from the reader's future counts as just written.
pub fn liveness(beat_at: i64, stopped_at: Option<i64>, now: i64) -> Liveness {
    if stopped_at.is_some() {
        return Liveness::Exited;
    }
    let silent_us = now.saturating_sub(beat_at).max(0);
    if silent_us > LOST_AFTER_US {
        Liveness::HeartbeatLost { silent_us }
    } else {
        Liveness::Running
    }
}

/// An error text as a row keeps it: the password of any `scheme://user:password@host` masked,
/// control characters (line breaks included) turned into spaces, and at most
/// [`ERROR_CHARS`] characters (the last one `…` when cut).
pub fn sanitise_error(text: &str) -> String {
    let masked = mask_passwords(text);
    let clean: String = masked
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.chars().count() <= ERROR_CHARS {
        return clean.to_owned();
    }
    let mut cut: String = clean.chars().take(ERROR_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Every URL in `text` (a word holding `://`) with its password masked by the one rule the
/// configuration uses to print URLs ([`redact_url`]: user-info passwords, even holding `/`,
/// and `…password=` query parameters).
fn mask_passwords(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .map(|piece| {
            let body = piece.trim_end_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
            if body.contains("://") {
                format!("{}{}", redact_url(body), &piece[body.len()..])
            } else {
                piece.to_owned()
            }
        })
        .collect()
}

/// The rows of one beat at `at` (UTC µs): one per consumer on the board, or, for a process
/// that runs none (a web node, whose board holds only placeholders for its deployments), one
/// row for the process alone. The final beat (`stopping`) says every consumer stopped.
pub fn beat_rows(
    board: &StatusBoard,
    kind: ProcessKind,
    at: i64,
    stopping: bool,
) -> Vec<HeartbeatRow> {
    let me = board.identity();
    let consumers = if kind.runs_consumers() {
        board.snapshot()
    } else {
        Vec::new()
    };
    let row = |deployment: String, exchange: String, state: ConsumerState| HeartbeatRow {
        process_id: me.id.clone(),
        pid: me.pid,
        host: me.host.clone(),
        kind,
        started_at: me.started_at,
        beat_at: at,
        stopped_at: stopping.then_some(at),
        deployment,
        exchange,
        state: if stopping {
            ConsumerState::Stopped
        } else {
            state
        },
        stored: 0,
        quarantined: 0,
        reconnects: 0,
        last_minute: 0,
        last_message: None,
        last_error: None,
    };
    if consumers.is_empty() {
        // The state of a process-only row is never shown; it says whether the process runs.
        return vec![row(String::new(), String::new(), ConsumerState::Connected)];
    }
    consumers
        .into_iter()
        .map(|(deployment, c)| HeartbeatRow {
            stored: c.stored,
            quarantined: c.quarantined,
            reconnects: c.reconnects,
            last_minute: if stopping { 0 } else { c.last_minute },
            last_message: c.last_message.map(|m| m.0),
            last_error: c.last_error.as_deref().map(sanitise_error),
            ..row(deployment, c.exchange, c.state)
        })
        .collect()
}

/// The task that writes a process's board to the database.
pub struct Heartbeat {
    store: Store,
    board: StatusBoard,
    kind: ProcessKind,
}

impl Heartbeat {
    /// A heartbeat for the process of `board`, which runs as `kind`; tells the board its kind
    /// at once, so the web side knows from the start which of its consumers are real.
    pub fn new(store: Store, board: StatusBoard, kind: ProcessKind) -> Self {
        board.set_kind(kind);
        Self { store, board, kind }
    }

    /// Beats every [`BEAT_EVERY`] from now until `shutdown`, deleting the expired rows every
    /// [`EXPIRE_EVERY`], then writes the final beat (consumers stopped). A failed beat is
    /// logged and the next one tries again.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut ticks = tokio::time::interval(BEAT_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut expired_at: Option<tokio::time::Instant> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                _ = ticks.tick() => {}
            }
            let expire = expired_at.is_none_or(|t| t.elapsed() >= EXPIRE_EVERY);
            tokio::select! {
                () = shutdown.cancelled() => break,
                result = self.beat(false, expire) => match result {
                    Ok(()) if expire => expired_at = Some(tokio::time::Instant::now()),
                    Ok(()) => {}
                    Err(e) => tracing::warn!(error = %e, "Cannot write this process's heartbeat; trying again at the next beat."),
                },
            }
        }
        match tokio::time::timeout(FINAL_BEAT_TIMEOUT, self.beat(true, false)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "Cannot write this process's final heartbeat; web nodes will show it silent.")
            }
            Err(_) => tracing::warn!(
                secs = FINAL_BEAT_TIMEOUT.as_secs(),
                "The final heartbeat timed out; web nodes will show this process silent."
            ),
        }
    }

    /// Writes one beat now (`stopping`: the final one), then, with `expire`, deletes the rows
    /// of every process silent for [`EXPIRE_AFTER_US`].
    ///
    /// # Errors
    /// Database errors.
    pub async fn beat(&self, stopping: bool, expire: bool) -> Result<(), StoreError> {
        let at = now_micros();
        let rows = beat_rows(&self.board, self.kind, at, stopping);
        self.store.record_heartbeat(&rows).await?;
        if expire {
            let gone = self
                .store
                .expire_heartbeats(at - EXPIRE_AFTER_US, at - EXITED_EXPIRE_AFTER_US)
                .await?;
            if gone > 0 {
                tracing::info!(
                    rows = gone,
                    "Deleted the heartbeats of processes silent for a day."
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use app::model::Micros;

    use super::*;

    const NOW: i64 = 1_800_000_000_000_000;

    #[test]
    fn a_process_is_lost_after_three_silent_beats_and_exited_once_it_said_so() {
        assert_eq!(liveness(NOW, None, NOW), Liveness::Running);
        assert_eq!(liveness(NOW - LOST_AFTER_US, None, NOW), Liveness::Running);
        assert_eq!(
            liveness(NOW - LOST_AFTER_US - 1, None, NOW),
            Liveness::HeartbeatLost {
                silent_us: LOST_AFTER_US + 1
            }
        );
        assert_eq!(LOST_AFTER_US, 15_000_000);
        // A writer's clock a little ahead of the reader's: just written.
        assert_eq!(liveness(NOW + 2_000_000, None, NOW), Liveness::Running);
        // The final beat wins over its age.
        assert_eq!(
            liveness(NOW - EXPIRE_AFTER_US, Some(NOW - EXPIRE_AFTER_US), NOW),
            Liveness::Exited
        );
        assert_eq!(liveness(NOW, Some(NOW), NOW), Liveness::Exited);
    }

    #[test]
    fn errors_lose_passwords_and_line_breaks_and_are_bounded() {
        assert_eq!(
            sanitise_error("connecting to amqp://stack:s3cr:et@rabbit:5672/%2f timed out"),
            "connecting to amqp://stack:***@rabbit:5672/%2f timed out"
        );
        assert_eq!(
            sanitise_error("db postgres://u:pw@h/db and amqp://guest@h/ fine"),
            "db postgres://u:***@h/db and amqp://guest@h/ fine"
        );
        assert_eq!(
            sanitise_error("amqp://u:ab/cd@h:5672/%2f refused"),
            "amqp://u:***@h:5672/%2f refused"
        );
        assert_eq!(
            sanitise_error("\"postgres://h/db?sslpassword=x&user=u\" refused"),
            "\"postgres://h/db?sslpassword=***&user=u\" refused"
        );
        assert_eq!(
            sanitise_error("line one\nline two\t!\n"),
            "line one line two !"
        );
        let long = "é".repeat(ERROR_CHARS * 2);
        let cut = sanitise_error(&long);
        assert_eq!(cut.chars().count(), ERROR_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(
            sanitise_error(&"x".repeat(ERROR_CHARS)),
            "x".repeat(ERROR_CHARS)
        );
    }

    #[test]
    fn a_beat_has_a_row_per_consumer_or_one_for_a_process_without() {
        let board = StatusBoard::default();
        board.register("east", "nova", ConsumerState::Connecting);
        board.register("east", "glance", ConsumerState::Connecting);
        board.update("east", "nova", |s| {
            s.state = ConsumerState::Connected;
            s.stored = 7;
            s.last_minute = 3;
            s.last_message = Some(Micros(NOW - 1));
            s.last_error = Some("bad\nthing".into());
        });
        let rows = beat_rows(&board, ProcessKind::Worker, NOW, false);
        assert_eq!(rows.len(), 2);
        let nova = rows.iter().find(|r| r.exchange == "nova").expect("nova");
        assert_eq!(
            (nova.deployment.as_str(), nova.state, nova.stored),
            ("east", ConsumerState::Connected, 7)
        );
        assert_eq!(
            (
                nova.last_minute,
                nova.last_message,
                nova.last_error.as_deref()
            ),
            (3, Some(NOW - 1), Some("bad thing"))
        );
        assert_eq!(
            (nova.process_id.as_str(), nova.beat_at, nova.stopped_at),
            (board.identity().id.as_str(), NOW, None)
        );
        assert_eq!(nova.process_id.len(), 16);

        let last = beat_rows(&board, ProcessKind::Worker, NOW + 1, true);
        assert!(last
            .iter()
            .all(|r| r.state == ConsumerState::Stopped && r.stopped_at == Some(NOW + 1)));
        assert_eq!(last.iter().map(|r| r.stored).sum::<u64>(), 7);

        // A web node's board holds placeholders for its deployments: it writes itself only.
        let web = beat_rows(&board, ProcessKind::WebNode, NOW, false);
        assert_eq!(web.len(), 1);
        assert!(web[0].is_process_only());
        assert_eq!(web[0].kind, ProcessKind::WebNode);
    }
}
