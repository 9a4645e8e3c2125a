//! A time-ordered queue: pops the earliest entry first, and entries with equal times in the order
//! they were pushed (so the generator's output is deterministic and keeps template order).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A heap entry ordered by time, then by push order, reversed so `BinaryHeap` pops the earliest.
struct Timed<T> {
    time: i64,
    seq: u64,
    item: T,
}

impl<T> Ord for Timed<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl<T> PartialOrd for Timed<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> PartialEq for Timed<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}

impl<T> Eq for Timed<T> {}

/// Items waiting for their time, earliest (then first pushed) first.
pub(crate) struct TimeQueue<T> {
    heap: BinaryHeap<Timed<T>>,
    seq: u64,
}

impl<T> TimeQueue<T> {
    pub(crate) fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }

    pub(crate) fn push(&mut self, time: i64, item: T) {
        self.seq += 1;
        self.heap.push(Timed {
            time,
            seq: self.seq,
            item,
        });
    }

    /// The time of the earliest item.
    pub(crate) fn next_time(&self) -> Option<i64> {
        self.heap.peek().map(|entry| entry.time)
    }

    pub(crate) fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|entry| entry.item)
    }
}

#[cfg(test)]
mod tests {
    use super::TimeQueue;

    #[test]
    fn pops_by_time_then_push_order() {
        let mut queue = TimeQueue::new();
        queue.push(5, "late");
        queue.push(1, "first");
        queue.push(1, "second");
        assert_eq!(queue.next_time(), Some(1));
        let order: Vec<_> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(order, ["first", "second", "late"]);
    }
}
