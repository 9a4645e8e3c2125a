//! Bodies too large for the database's packet limit (MySQL's `max_allowed_packet`): such a
//! notification is quarantined with the reason and the first half-packet of its body, and a
//! quarantined body that large is cut the same way.
//!
//! Why: MySQL refuses a statement larger than `max_allowed_packet` and drops the connection,
//! so the batch would fail and be redelivered forever (a broker's default maximum message,
//! 16 MiB on RabbitMQ 4, is MariaDB's default packet limit too). SQLite and PostgreSQL have no
//! such limit: there nothing changes.

use std::borrow::Cow;

use crate::store::{NewEvent, NewQuarantine};

/// Room left in a packet for the rest of a row's statement (its other values, the SQL text).
const STATEMENT_ROOM: u64 = 1 << 20;

/// A batch's rows after [`fit`]: borrowed unchanged unless something was too large.
#[derive(Debug)]
pub(super) struct Fitted<'a> {
    pub events: Cow<'a, [NewEvent]>,
    /// The batch index of each of `events`, when some were taken out (else the same).
    kept: Option<Vec<usize>>,
    pub quarantined: Cow<'a, [NewQuarantine]>,
    /// Messages quarantined or cut for their size.
    pub oversize: usize,
}

impl Fitted<'_> {
    /// The batch index of the `i`-th of [`Fitted::events`].
    pub(super) fn batch_index(&self, i: usize) -> usize {
        self.kept.as_ref().map_or(i, |kept| kept[i])
    }
}

/// The largest body stored as is under a packet limit of `max_packet` bytes.
pub(super) fn body_limit(max_packet: u64) -> u64 {
    max_packet
        .saturating_sub(STATEMENT_ROOM)
        .max(max_packet / 2)
}

/// `events` and `quarantined` with every body over [`body_limit`] quarantined (an event) or
/// cut (a quarantined message), when the database has a packet limit (`max_packet`).
pub(super) fn fit<'a>(
    events: &'a [NewEvent],
    quarantined: &'a [NewQuarantine],
    max_packet: Option<u64>,
) -> Fitted<'a> {
    let unchanged = Fitted {
        events: Cow::Borrowed(events),
        kept: None,
        quarantined: Cow::Borrowed(quarantined),
        oversize: 0,
    };
    let Some(max_packet) = max_packet else {
        return unchanged;
    };
    let limit = body_limit(max_packet);
    let over = |len: usize| len as u64 > limit;
    let oversize = events.iter().filter(|e| over(e.json.len())).count()
        + quarantined.iter().filter(|q| over(q.body.len())).count();
    if oversize == 0 {
        return unchanged;
    }
    let kept: Vec<usize> = (0..events.len())
        .filter(|&i| !over(events[i].json.len()))
        .collect();
    let mut rows: Vec<NewQuarantine> = quarantined
        .iter()
        .map(|q| {
            if over(q.body.len()) {
                cut_quarantined(q, max_packet)
            } else {
                q.clone()
            }
        })
        .collect();
    let moved = events.iter().filter(|e| over(e.json.len()));
    rows.extend(moved.map(|e| quarantine_event(e, max_packet)));
    Fitted {
        events: Cow::Owned(kept.iter().map(|&i| events[i].clone()).collect()),
        kept: Some(kept),
        quarantined: Cow::Owned(rows),
        oversize,
    }
}

/// Why a body of `len` bytes is not stored whole, and how much of it is.
fn reason(len: usize, max_packet: u64) -> String {
    format!(
        "body of {len} bytes exceeds the database's max_allowed_packet ({max_packet}); \
         its first {} bytes are kept",
        kept_bytes(len, max_packet)
    )
}

/// Bytes of an over-size body that are stored: half a packet.
fn kept_bytes(len: usize, max_packet: u64) -> usize {
    len.min(usize::try_from(max_packet / 2).unwrap_or(usize::MAX))
}

/// The quarantine row of an event whose body is over the limit.
fn quarantine_event(e: &NewEvent, max_packet: u64) -> NewQuarantine {
    let body = e.json.as_bytes();
    NewQuarantine {
        deployment_id: e.deployment_id,
        exchange: e.exchange.clone(),
        routing_key: e.routing_key.clone(),
        error: reason(body.len(), max_packet),
        body: body[..kept_bytes(body.len(), max_packet)].to_vec(),
        received_us: e.received_us,
    }
}

/// A quarantined message whose body is over the limit, cut, its error saying so.
fn cut_quarantined(q: &NewQuarantine, max_packet: u64) -> NewQuarantine {
    NewQuarantine {
        deployment_id: q.deployment_id,
        exchange: q.exchange.clone(),
        routing_key: q.routing_key.clone(),
        error: format!("{}; {}", q.error, reason(q.body.len(), max_packet)),
        body: q.body[..kept_bytes(q.body.len(), max_packet)].to_vec(),
        received_us: q.received_us,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::Detail;

    const MIB: u64 = 1 << 20;

    fn event(json_len: usize) -> NewEvent {
        NewEvent {
            deployment_id: 1,
            exchange: "nova".into(),
            routing_key: "monitor.info".into(),
            event: "compute.instance.update".into(),
            publisher: "compute.host1".into(),
            service: "compute".into(),
            host: Some("host1".into()),
            when_us: 1,
            request_id: "req-1".into(),
            instance: None,
            tenant: None,
            message_id: None,
            dedupe_key: format!("k{json_len}"),
            received_us: 2,
            json: "x".repeat(json_len),
            detail: Detail::Generic,
        }
    }

    fn quarantined(body_len: usize) -> NewQuarantine {
        NewQuarantine {
            deployment_id: 1,
            exchange: "nova".into(),
            routing_key: "monitor.info".into(),
            error: "not JSON".into(),
            body: vec![b'y'; body_len],
            received_us: 3,
        }
    }

    #[test]
    fn the_limit_leaves_a_mebibyte_for_the_statement() {
        assert_eq!(body_limit(16 * MIB), 15 * MIB);
        assert_eq!(body_limit(MIB), MIB / 2, "never below half a packet");
    }

    #[test]
    fn without_a_packet_limit_nothing_changes() {
        let events = [event(100 << 20)];
        let fitted = fit(&events, &[], None);
        assert!(matches!(fitted.events, Cow::Borrowed(_)));
        assert_eq!(fitted.oversize, 0);
    }

    #[test]
    fn bodies_within_the_limit_stay_borrowed() {
        let events = [event(10), event(20)];
        let rows = [quarantined(30)];
        let fitted = fit(&events, &rows, Some(4 * MIB));
        assert!(matches!(fitted.events, Cow::Borrowed(_)));
        assert!(matches!(fitted.quarantined, Cow::Borrowed(_)));
        assert_eq!(fitted.batch_index(1), 1);
    }

    #[test]
    fn an_over_size_event_is_quarantined_with_half_a_packet() {
        let max = 4 * MIB;
        let big = usize::try_from(3 * MIB + 1).unwrap();
        let events = [event(10), event(big), event(20)];
        let fitted = fit(&events, &[], Some(max));
        assert_eq!(fitted.oversize, 1);
        assert_eq!(fitted.events.len(), 2);
        assert_eq!(fitted.events[1].json.len(), 20);
        assert_eq!(
            fitted.batch_index(1),
            2,
            "indexes still name the batch's events"
        );
        let q = &fitted.quarantined[0];
        assert_eq!(q.body.len(), usize::try_from(max / 2).unwrap());
        assert_eq!(
            q.error,
            format!(
                "body of {big} bytes exceeds the database's max_allowed_packet ({max}); \
                 its first {} bytes are kept",
                max / 2
            )
        );
        assert_eq!(q.routing_key, "monitor.info");
    }

    #[test]
    fn an_over_size_quarantined_body_is_cut_and_says_why() {
        let max = 4 * MIB;
        let rows = [
            quarantined(usize::try_from(4 * MIB).unwrap()),
            quarantined(5),
        ];
        let fitted = fit(&[], &rows, Some(max));
        assert_eq!(fitted.oversize, 1);
        assert_eq!(fitted.quarantined.len(), 2);
        assert_eq!(
            fitted.quarantined[0].body.len(),
            usize::try_from(max / 2).unwrap()
        );
        assert!(fitted.quarantined[0]
            .error
            .starts_with("not JSON; body of 4194304 bytes exceeds"));
        assert_eq!(fitted.quarantined[1].body.len(), 5);
    }
}
