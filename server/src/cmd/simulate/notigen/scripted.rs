//! Operations that are not notigen templates — glance image events and Nova errors — written
//! out in full when they start: a few notifications, each with its time, and what the operation
//! changes once it is over (an image appears or goes; the instance it acted on is free again).

use std::collections::VecDeque;

use super::operation::Operation;
use super::outgoing::Outgoing;
use super::pools::Instance;

/// A glance image as the generator keeps it between operations.
#[derive(Clone, Debug)]
pub(crate) struct Image {
    pub id: String,
    /// Index into `Pools::tenants`.
    pub owner: usize,
    pub name: String,
    pub size: u64,
    pub created_at: i64,
    /// `properties.instance_uuid`: the instance a snapshot was taken of.
    pub instance_uuid: Option<String>,
    pub checksum: String,
}

/// What happens when a scripted operation has emitted everything.
#[derive(Debug)]
pub(crate) enum Effect {
    None,
    /// The instance the operation acted on goes back to the live pool.
    ReleaseInstance(Instance),
    /// The image is active from now on.
    AddImage(Image),
    /// The image was deleted at the given time.
    DeleteImage(Image, i64),
}

/// A fully written-out operation.
#[derive(Debug)]
pub(crate) struct Scripted {
    /// Notifications with their times, earliest first.
    pub notifications: VecDeque<(i64, Outgoing)>,
    pub effect: Effect,
}

/// An operation in flight: a template being played, or a scripted one.
pub(crate) enum Running {
    Template(Box<Operation>),
    Scripted(Box<Scripted>),
}

impl Running {
    /// When the next notification is due; `None` once everything was emitted.
    pub(crate) fn next_time(&self) -> Option<i64> {
        match self {
            Running::Template(op) => op.next_time(),
            Running::Scripted(s) => s.notifications.front().map(|(t, _)| *t),
        }
    }

    /// The next notification.
    pub(crate) fn emit(&mut self) -> Option<Outgoing> {
        match self {
            Running::Template(op) => op.emit(),
            Running::Scripted(s) => s.notifications.pop_front().map(|(_, o)| o),
        }
    }
}
