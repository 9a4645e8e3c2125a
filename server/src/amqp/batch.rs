//! What the consumer's two stages hand each other: a [`Batch`] of deliveries, and the
//! [`AckWatermark`] that decides how far a multiple-ack may go.
//!
//! Delivery tags are per channel and count up from 1 with no gaps, but when several queues share
//! a channel, merging their consumers' streams can put tag 6 in batch n and tag 5 in batch n+1.
//! A multiple-ack of 6 after batch n would then ack 5 before it is committed. So the committer
//! acks only up to the highest tag below which every tag is committed.

use std::collections::BTreeSet;

use crate::ingest::{Incoming, Parsed};
use crate::notification::Redaction;

/// Deliveries received together, stored in one transaction (in halves when the database
/// refuses a message for its data), acked together. Each is parsed as it arrives, while the
/// previous batch is being stored.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub parsed: Parsed,
    pub tags: Vec<u64>,
}

impl Batch {
    pub(crate) fn push(
        &mut self,
        delivery: lapin::message::Delivery,
        deployment_id: i64,
        exchange: &str,
        redaction: &Redaction,
    ) {
        self.tags.push(delivery.delivery_tag);
        let message = Incoming {
            routing_key: delivery.routing_key.to_string(),
            body: delivery.data,
        };
        self.parsed
            .push(deployment_id, exchange, &message, redaction);
    }

    pub(crate) fn len(&self) -> usize {
        self.tags.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }
}

/// Committed delivery tags of one channel that are not acked yet.
#[derive(Debug, Default)]
pub(crate) struct AckWatermark {
    /// Every tag up to and including this one is committed (and acked once returned).
    acked: u64,
    /// Committed tags above `acked` that wait for a smaller tag.
    waiting: BTreeSet<u64>,
}

impl AckWatermark {
    /// Records the tags of a committed batch. Returns the tag to multiple-ack up to when the
    /// committed run starting at tag 1 grew, `None` when nothing new may be acked yet.
    pub(crate) fn commit(&mut self, tags: &[u64]) -> Option<u64> {
        let before = self.acked;
        self.waiting
            .extend(tags.iter().filter(|&&t| t > self.acked));
        while self.waiting.first() == Some(&(self.acked + 1)) {
            self.waiting.pop_first();
            self.acked += 1;
        }
        (self.acked > before).then_some(self.acked)
    }

    /// Committed tags still waiting for a smaller one.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::AckWatermark;

    #[test]
    fn in_order_batches_ack_their_last_tag() {
        let mut acks = AckWatermark::default();
        assert_eq!(acks.commit(&[1, 2, 3]), Some(3));
        assert_eq!(acks.commit(&[4, 5]), Some(5));
        assert_eq!(acks.waiting(), 0);
    }

    #[test]
    fn a_gap_holds_the_ack_back_until_it_is_committed() {
        let mut acks = AckWatermark::default();
        // Batch n got 1, 2, 3 and 6; tags 4 and 5 (another queue) land in batch n+1.
        assert_eq!(acks.commit(&[1, 3, 2, 6]), Some(3));
        assert_eq!(acks.waiting(), 1);
        assert_eq!(acks.commit(&[5, 7]), None);
        assert_eq!(acks.commit(&[4]), Some(7));
        assert_eq!(acks.waiting(), 0);
    }

    #[test]
    fn nothing_is_acked_before_tag_one() {
        let mut acks = AckWatermark::default();
        assert_eq!(acks.commit(&[2, 3]), None);
        assert_eq!(acks.commit(&[1]), Some(3));
        assert_eq!(acks.commit(&[3]), None, "already acked tags are ignored");
    }
}
