//! A batch the database refuses: [`Progress`] stores it in halves, each in its own
//! transaction and each a whole ingest of its messages, down to the single messages the
//! database still refuses alone, which are quarantined with its reason; the rest is stored.
//!
//! Why halves and not one message at a time: a batch of n messages with one the database
//! refuses takes about 2·log₂ n transactions instead of n. Why each part is a whole ingest:
//! aggregation of a part sees the parts before it committed, so the aggregates are what one
//! transaction would have written, and a redelivered message still dedupes. Why in order: the
//! parts commit one after another in batch order, so event ids still commit in increasing
//! order (the live feed resumes by id).
//!
//! What is stored stays stored: a transient error part-way returns with [`Progress`]
//! remembering the parts still to store, and the retry resumes there, so no quarantine row
//! (which has no dedupe key) is written twice by the same process. A batch whose `Progress`
//! is lost (the process restarts, the watchdog restarts the consumer, a commit's outcome is
//! unknown) is redelivered and stored again from the start: its events dedupe, but a message
//! quarantined before may be quarantined a second time. A duplicate in the quarantine is
//! visible and harmless; a lost message would be neither.

use std::ops::Range;

use super::parse::Parsed;
use crate::store::{Committed, NewEvent, NewQuarantine, StoreError};

/// How far a batch is stored. Made for one [`Parsed`] batch by [`Progress::new`] and only
/// ever used with that batch.
#[derive(Debug)]
pub struct Progress {
    /// Ranges of units (the batch's events, then its quarantine rows) still to store, the
    /// next on top, so parts commit in batch order.
    pending: Vec<Range<usize>>,
    /// What the stored parts stored, `inserted` indexed into the whole batch's events.
    committed: Committed,
    /// Messages the database refused, quarantined with its reason.
    refused: Refused,
}

/// The messages of a batch the database refused, for one log line per batch.
#[derive(Debug, Default)]
pub(super) struct Refused {
    pub count: usize,
    /// The database's reason for the first of them.
    pub first_reason: Option<String>,
    /// Transactions the batch took, committed or not (1 when nothing was refused).
    pub transactions: usize,
}

/// The rows of one part of a batch.
pub(super) struct Part<'a> {
    pub events: &'a [NewEvent],
    /// The index of `events[0]` in the batch's events.
    pub event_offset: usize,
    pub quarantined: &'a [NewQuarantine],
}

impl Progress {
    /// Nothing of `parsed` stored yet: its first part is the whole batch.
    pub fn new(parsed: &Parsed) -> Self {
        let whole = 0..parsed.events.len() + parsed.quarantined.len();
        Self {
            pending: std::iter::once(whole).filter(|r| !r.is_empty()).collect(),
            committed: Committed::default(),
            refused: Refused::default(),
        }
    }

    /// The units of the next part to store, if any is left.
    pub(super) fn next(&self) -> Option<Range<usize>> {
        self.pending.last().cloned()
    }

    /// The next part is stored: `c` is what its transaction committed.
    pub(super) fn stored(&mut self, c: Committed, event_offset: usize) {
        self.pending.pop();
        self.refused.transactions += 1;
        let inserted = c.inserted.into_iter().map(|(i, id)| (i + event_offset, id));
        self.committed.inserted.extend(inserted);
        self.committed.duplicates += c.duplicates;
        self.committed.quarantined += c.quarantined;
    }

    /// The database refused the next part, of more than one unit: its halves are stored in
    /// its place, the first half first.
    pub(super) fn split(&mut self) {
        let Some(range) = self.pending.pop() else {
            return;
        };
        let middle = range.start + range.len() / 2;
        self.pending.push(middle..range.end);
        self.pending.push(range.start..middle);
        self.refused.transactions += 1;
    }

    /// The next part, one unit the database refused for `reason`, is quarantined.
    pub(super) fn quarantined(&mut self, reason: String) {
        self.pending.pop();
        self.refused.transactions += 2;
        self.refused.count += 1;
        self.refused.first_reason.get_or_insert(reason);
        self.committed.quarantined += 1;
    }

    /// Everything is stored: what the batch stored, and what the database refused of it.
    pub(super) fn finish(&mut self) -> (Committed, Refused) {
        (
            std::mem::take(&mut self.committed),
            std::mem::take(&mut self.refused),
        )
    }
}

/// The rows of the units `range` of `parsed` (its events, then its quarantine rows).
pub(super) fn part(parsed: &Parsed, range: Range<usize>) -> Part<'_> {
    let events = parsed.events.len();
    let clamp = |unit: usize| unit.min(events);
    let beyond = |unit: usize| unit.max(events) - events;
    Part {
        events: &parsed.events[clamp(range.start)..clamp(range.end)],
        event_offset: clamp(range.start),
        quarantined: &parsed.quarantined[beyond(range.start)..beyond(range.end)],
    }
}

/// The database's reason for refusing a message, as a quarantine row says it.
pub(super) fn reason(e: &StoreError) -> String {
    let words = e.database_message().unwrap_or_else(|| e.to_string());
    format!("rejected by the database: {words}")
}

/// The quarantine row of unit `unit` of `parsed`, which the database refused for `reason`:
/// an event's stored body (the unwrapped notification, redacted, as the oversize quarantine
/// keeps it), or a quarantine row with the reason added. Its text has no NUL, which
/// PostgreSQL's text refuses (the body is bytes and keeps them).
pub(super) fn refused_row(parsed: &Parsed, unit: usize, reason: &str) -> NewQuarantine {
    let row = match parsed.events.get(unit) {
        Some(e) => NewQuarantine {
            deployment_id: e.deployment_id,
            exchange: e.exchange.clone(),
            routing_key: e.routing_key.clone(),
            error: reason.to_owned(),
            body: e.json.as_bytes().to_vec(),
            received_us: e.received_us,
        },
        None => {
            let q = &parsed.quarantined[unit - parsed.events.len()];
            NewQuarantine {
                error: format!("{}; {reason}", q.error),
                ..q.clone()
            }
        }
    };
    NewQuarantine {
        exchange: without_nul(&row.exchange),
        routing_key: without_nul(&row.routing_key),
        error: without_nul(&row.error),
        ..row
    }
}

/// `text` with each NUL written as the escape `\u0000`.
fn without_nul(text: &str) -> String {
    text.replace('\0', "\\u0000")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Incoming;
    use crate::notification::Redaction;

    /// A batch of `good` nova notifications, then `bad` unparseable messages.
    fn batch(good: usize, bad: usize) -> Parsed {
        let mut parsed = Parsed::default();
        for i in 0..good {
            let body = format!(
                r#"{{"event_type": "compute.instance.update", "publisher_id": "compute.h\u0000{i}",
                "timestamp": "2026-11-24 10:00:00.000000", "message_id": "m-{i}", "payload": {{}}}}"#
            );
            let m = Incoming {
                routing_key: format!("monitor\0.info{i}"),
                body: body.into_bytes(),
            };
            parsed.push(1, "nova", &m, &Redaction::default());
        }
        for i in 0..bad {
            let m = Incoming {
                routing_key: format!("bad\0{i}"),
                body: b"{".to_vec(),
            };
            parsed.push(1, "nova", &m, &Redaction::default());
        }
        parsed
    }

    fn committed(inserted: &[(usize, i64)], quarantined: usize) -> Committed {
        Committed {
            inserted: inserted.to_vec(),
            duplicates: 0,
            quarantined,
        }
    }

    #[test]
    fn parts_split_events_then_quarantine_rows() {
        let parsed = batch(3, 2);
        let p = part(&parsed, 2..4);
        assert_eq!(
            (p.events.len(), p.event_offset, p.quarantined.len()),
            (1, 2, 1)
        );
        assert_eq!(p.quarantined[0].routing_key, "bad\u{0}0");
        let p = part(&parsed, 4..5);
        assert_eq!(
            (p.events.len(), p.event_offset, p.quarantined.len()),
            (0, 3, 1)
        );
        let p = part(&parsed, 0..5);
        assert_eq!((p.events.len(), p.quarantined.len()), (3, 2));
    }

    #[test]
    fn halves_are_stored_in_batch_order_down_to_the_refused_unit() {
        let parsed = batch(4, 1);
        let mut progress = Progress::new(&parsed);
        assert_eq!(progress.next(), Some(0..5));
        progress.split();
        assert_eq!(progress.next(), Some(0..2), "the first half first");
        progress.stored(committed(&[(0, 10), (1, 11)], 0), 0);
        assert_eq!(progress.next(), Some(2..5));
        progress.split();
        assert_eq!(progress.next(), Some(2..3));
        progress.quarantined("rejected by the database: no".into());
        assert_eq!(progress.next(), Some(3..5));
        progress.stored(committed(&[(0, 12)], 1), 3);
        assert_eq!(progress.next(), None);
        let (done, refused) = progress.finish();
        assert_eq!(
            done.inserted,
            [(0, 10), (1, 11), (3, 12)],
            "batch indexes, id order"
        );
        assert_eq!(
            done.quarantined, 2,
            "the refused event and the unparseable message"
        );
        assert_eq!((refused.count, refused.transactions), (1, 6));
        assert_eq!(
            refused.first_reason.as_deref(),
            Some("rejected by the database: no")
        );
    }

    #[test]
    fn an_empty_batch_has_nothing_to_store() {
        assert_eq!(Progress::new(&Parsed::default()).next(), None);
    }

    #[test]
    fn a_refused_event_keeps_its_body_and_loses_its_nuls() {
        let parsed = batch(2, 1);
        let row = refused_row(&parsed, 1, "rejected by the database: 0x00");
        assert_eq!(row.routing_key, "monitor\\u0000.info1");
        assert_eq!(row.error, "rejected by the database: 0x00");
        assert_eq!(row.body, parsed.events[1].json.as_bytes());
        assert!(
            row.body.windows(6).any(|w| w == b"\\u0000"),
            "bytes untouched"
        );
        let row = refused_row(&parsed, 2, "rejected by the database: 0x00");
        assert_eq!(row.routing_key, "bad\\u00000");
        assert_eq!(row.body, b"{");
        assert!(
            row.error.ends_with("; rejected by the database: 0x00"),
            "{}",
            row.error
        );
    }
}
