//! A reader's cursor (the last event id it has) across a prune: when retention deleted the
//! events right after it, the reader resumes at the oldest kept event and is told how many
//! ids it skipped, instead of walking through an empty range a window at a time.

/// The jump a cursor makes over pruned events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrunedGap {
    /// Event ids between the cursor and the oldest kept event: the events pruned (ids are
    /// given in commit order; an id a rolled-back batch never used counts too).
    pub pruned: u64,
    /// The cursor to go on from: just before the oldest kept event.
    pub resume_after: i64,
}

/// Where a reader whose last id is `cursor` goes on, given the oldest stored event id
/// (`None`: no events at all) and the feed horizon (every id up to it committed or never to
/// be). `None` when no event after the cursor was pruned.
///
/// Only an oldest event at or below the horizon shows a gap: above it, the ids before it may
/// be a PostgreSQL batch still open while a later one committed, and a reader that took them
/// for pruned would skip them for good once they commit.
pub fn resume_after_prune(cursor: i64, oldest: Option<i64>, horizon: i64) -> Option<PrunedGap> {
    let oldest = oldest.filter(|oldest| *oldest <= horizon)?;
    let resume_after = oldest - 1;
    (cursor < resume_after).then(|| PrunedGap {
        pruned: resume_after.abs_diff(cursor.max(0)),
        resume_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_into_pruned_ids_jumps_to_the_oldest_kept() {
        assert_eq!(
            resume_after_prune(10, Some(51), 60),
            Some(PrunedGap {
                pruned: 40,
                resume_after: 50
            })
        );
        // A fresh reader of a never-pruned table, or one already past the oldest: no jump.
        assert_eq!(resume_after_prune(0, Some(1), 1), None);
        assert_eq!(resume_after_prune(70, Some(51), 90), None);
        assert_eq!(resume_after_prune(50, Some(51), 51), None);
        assert_eq!(resume_after_prune(10, None, 60), None);
    }

    #[test]
    fn ids_below_an_oldest_event_past_the_horizon_are_not_pruned() {
        // Ids 11-50 are a batch still open while 51 committed: the horizon stays at 10.
        assert_eq!(resume_after_prune(10, Some(51), 10), None);
        assert_eq!(resume_after_prune(0, Some(51), 50), None);
        // At the horizon, the ids before it are final.
        assert_eq!(
            resume_after_prune(0, Some(51), 51),
            Some(PrunedGap {
                pruned: 50,
                resume_after: 50
            })
        );
    }
}
