//! A billing day: one UTC day of instance and image usage, written so that the usage verifier
//! has something real to check. Instances are launched (some before the day), resized and
//! deleted; just after midnight every instance alive during the day gets its
//! `compute.instance.exists` for the day (`audit_period_beginning/ending`, the launch's
//! `launched_at` and flavor, `deleted_at` for the deleted ones, a hex tenant, `bandwidth`), and
//! every owner its `image.exists` for the images it had (after `image.activate`/`image.delete`).
//! Almost all of it verifies; a small, known share is planted to fail ([`PlantedFailure`]):
//! an exists whose launch StackTach never saw, an exists whose flavor is not the launch's, and
//! an exists without `deleted_at` for an instance deleted during the day.
//!
//! [`Generator::new`](super::Generator::new) starts with the billing day of the day before its
//! start (`BillingDay::generate(seed, &BillingOptions::default(), start)`), so `simulate` and
//! `serve --demo` publish it first; a test that wants to know what must fail calls
//! [`BillingDay::generate`] with the same arguments. Every notification of the day is earlier
//! than `start`, in time order, and no two operations overlap in time.

use std::collections::{BTreeMap, VecDeque};
use std::ops::Range;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::billing_nova::{self as nova, Billed, FLAVORS};
use super::glance;
use super::outgoing::Outgoing;
use super::pools::Pools;
use super::scripted::{Effect, Image, Scripted};

const SEC: i64 = 1_000_000;
const DAY: i64 = 86_400 * SEC;
/// Launches and uploads before the day start this long before it.
const LEAD: i64 = 12 * 3_600 * SEC;
/// The exists go out within this long after midnight (and before the generator's start).
const EMIT_WINDOW: i64 = 10 * 60 * SEC;
/// Every operation has a slot of its own this long, so none overlaps another.
const SLOT: i64 = 120 * SEC;
const LEAD_SLOTS: usize = (LEAD / SLOT) as usize;
const SLOTS: usize = ((LEAD + DAY) / SLOT) as usize;
/// Caps that keep every operation in a slot of its own.
const MAX_INSTANCES: usize = 200;
const MAX_IMAGES: usize = 60;
const MAX_FAILURES_PER_KIND: usize = 10;
/// The day's own draws come from a second rng, so the generator's stay as they were.
const SALT: u64 = 0x00B1_111A_6DA7_5EED;

/// How big a billing day is.
#[derive(Debug, Clone)]
pub struct BillingOptions {
    /// Instances besides the planted ones (at most 200).
    pub instances: usize,
    /// Glance images (at most 60).
    pub images: usize,
    /// Planted failures of each [`FailureKind`] (at most 10).
    pub failures_per_kind: usize,
}

impl Default for BillingOptions {
    /// 40 instances, 12 images, one failure of each kind: 3 of about 45 exists fail.
    fn default() -> Self {
        Self {
            instances: 40,
            images: 12,
            failures_per_kind: 1,
        }
    }
}

/// Why a planted exists must fail verification (v2's verifier, inventory §1.g).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The instance was relaunched (a rebuild whose notifications were lost) and StackTach
    /// never saw that launch: no usage has the exists' `launched_at` (`NotFound`).
    MissingLaunch,
    /// The exists reports another flavor than the launch (`FieldMismatch` on the flavor field,
    /// `instance_type_id` and `instance_flavor_id` alike).
    FlavorMismatch,
    /// The instance was deleted during the day, and its exists has no `deleted_at`:
    /// "Found InstanceDeletes for non-delete exist".
    DeleteWithoutDeletedAt,
}

impl FailureKind {
    pub const ALL: [Self; 3] = [
        Self::MissingLaunch,
        Self::FlavorMismatch,
        Self::DeleteWithoutDeletedAt,
    ];
}

/// An exists planted to fail, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedFailure {
    pub kind: FailureKind,
    pub instance: String,
    /// The `message_id` of the failing `compute.instance.exists`.
    pub message_id: String,
    /// The flavor (type id and flavor id, the same text) of the launch StackTach saw, if any.
    pub launch_flavor: Option<String>,
    /// The flavor the exists reports.
    pub exists_flavor: String,
}

/// One billing day: its notifications in time order and the failures planted in it.
#[derive(Debug, Clone)]
pub struct BillingDay {
    /// `(audit_period_beginning, audit_period_ending)`: the UTC day, in µs.
    pub audit_period: (i64, i64),
    /// (time in µs, notification), earliest first.
    pub notifications: Vec<(i64, Outgoing)>,
    pub planted: Vec<PlantedFailure>,
}

/// What happens in a slot.
#[derive(Debug, Clone, Copy)]
enum Op {
    Create(usize),
    Resize(usize, usize),
    Delete(usize),
    Reboot(usize),
    Upload(usize),
    DeleteImage(usize),
}

/// Hands out free slots at random within a range.
struct Slots {
    used: Vec<bool>,
    ops: BTreeMap<usize, Op>,
}

impl Slots {
    /// A free slot in `range` for `op` (`None` when the range is full or empty).
    fn take(&mut self, rng: &mut StdRng, range: Range<usize>, op: Op) -> Option<usize> {
        if range.is_empty() {
            return None;
        }
        let start = rng.random_range(range.clone());
        let slot = (start..range.end)
            .chain(range.start..start)
            .find(|&s| !self.used[s])?;
        self.used[slot] = true;
        self.ops.insert(slot, op);
        Some(slot)
    }
}

/// A billing day's instances (index = the id in [`Op`]) and their planted failures.
struct Cast {
    instances: Vec<Billed>,
    planted: Vec<(usize, FailureKind, usize)>,
}

/// Draws the instances and images and gives every operation on them a slot.
fn plan(rng: &mut StdRng, pools: &Pools, options: &BillingOptions) -> (Cast, Slots) {
    let mut slots = Slots {
        used: vec![false; SLOTS],
        ops: BTreeMap::new(),
    };
    let (lead, day) = (0..LEAD_SLOTS, LEAD_SLOTS..SLOTS);
    let mut cast = Cast {
        instances: Vec::new(),
        planted: Vec::new(),
    };
    for _ in 0..options.instances.min(MAX_INSTANCES) {
        // Ops name instances by their index in the cast: only a launched one joins it.
        let i = cast.instances.len();
        let b = Billed::new(rng, pools);
        let roll: f64 = rng.random();
        let early = roll < 0.45 || (0.65..0.82).contains(&roll) || roll >= 0.91;
        let range = if early { lead.clone() } else { day.clone() };
        let Some(created) = slots.take(rng, range, Op::Create(i)) else {
            continue;
        };
        // Resizes and deletes happen during the day, after the launch.
        let later = created.max(LEAD_SLOTS - 1) + 1..SLOTS;
        if roll < 0.10 {
            slots.take(rng, created + 1..LEAD_SLOTS, Op::Delete(i));
        } else if (0.65..0.82).contains(&roll) {
            let to = (b.flavor + rng.random_range(1..FLAVORS.len())) % FLAVORS.len();
            slots.take(rng, later, Op::Resize(i, to));
        } else if roll >= 0.82 {
            slots.take(rng, later, Op::Delete(i));
        }
        cast.instances.push(b);
    }
    for kind in FailureKind::ALL {
        for _ in 0..options.failures_per_kind.min(MAX_FAILURES_PER_KIND) {
            plant(rng, pools, &mut slots, &mut cast, kind);
        }
    }
    for image in 0..options.images.min(MAX_IMAGES) {
        let range = if rng.random_bool(0.5) {
            lead.clone()
        } else {
            day.clone()
        };
        let Some(uploaded) = slots.take(rng, range, Op::Upload(image)) else {
            continue;
        };
        if rng.random_bool(0.35) {
            let from = uploaded.max(LEAD_SLOTS - 1) + 1;
            slots.take(rng, from..SLOTS, Op::DeleteImage(image));
        }
    }
    (cast, slots)
}

/// A planted failure: an instance launched before the day and what makes its exists fail.
fn plant(rng: &mut StdRng, pools: &Pools, slots: &mut Slots, cast: &mut Cast, kind: FailureKind) {
    let i = cast.instances.len();
    let b = Billed::new(rng, pools);
    if slots.take(rng, 0..LEAD_SLOTS, Op::Create(i)).is_none() {
        return;
    }
    let second = match kind {
        FailureKind::MissingLaunch => Some(Op::Reboot(i)),
        FailureKind::DeleteWithoutDeletedAt => Some(Op::Delete(i)),
        FailureKind::FlavorMismatch => None,
    };
    // Without a slot for its second operation the instance is an ordinary one.
    let planted = second.is_none_or(|op| slots.take(rng, LEAD_SLOTS..SLOTS, op).is_some());
    let flavor = (b.flavor + rng.random_range(1..FLAVORS.len())) % FLAVORS.len();
    cast.instances.push(b);
    if planted {
        cast.planted.push((i, kind, flavor));
    }
}

/// Everything the operations wrote, and the images as they ended the day.
struct Played {
    notifications: Vec<(i64, Outgoing)>,
    images: Vec<Option<Image>>,
    deleted_images: Vec<Option<i64>>,
}

/// Plays every slot's operation at its time.
fn play(
    rng: &mut StdRng,
    pools: &Pools,
    cast: &mut Cast,
    slots: &Slots,
    lead_start: i64,
) -> Played {
    let mut played = Played {
        notifications: Vec::new(),
        images: Vec::new(),
        deleted_images: Vec::new(),
    };
    for (&slot, &op) in &slots.ops {
        let at = lead_start + slot as i64 * SLOT + rng.random_range(0..20 * SEC);
        let out = match op {
            Op::Create(i) => nova::create(rng, &mut cast.instances[i], pools, at),
            Op::Resize(i, to) => {
                let begin = lead_start + LEAD;
                nova::resize(rng, &mut cast.instances[i], pools, (at, begin), to)
            }
            Op::Delete(i) => nova::delete(rng, &mut cast.instances[i], pools, at),
            Op::Reboot(i) => {
                let launched = cast.instances[i].launched_at.unwrap_or(at);
                let relaunched = launched + (at - launched) / 2;
                nova::reboot(rng, &mut cast.instances[i], pools, at, relaunched)
            }
            Op::Upload(image) => upload(rng, pools, &mut played, image, at).into(),
            Op::DeleteImage(image) => delete_image(rng, pools, &mut played, image, at).into(),
        };
        played.notifications.extend(out);
    }
    played
}

fn upload(
    rng: &mut StdRng,
    pools: &Pools,
    played: &mut Played,
    image: usize,
    at: i64,
) -> VecDeque<(i64, Outgoing)> {
    let scripted = glance::upload(rng, pools, (at, 0.3), None);
    if let Effect::AddImage(added) = scripted.effect {
        if played.images.len() <= image {
            played.images.resize(image + 1, None);
            played.deleted_images.resize(image + 1, None);
        }
        played.images[image] = Some(added);
    }
    scripted.notifications
}

fn delete_image(
    rng: &mut StdRng,
    pools: &Pools,
    played: &mut Played,
    image: usize,
    at: i64,
) -> VecDeque<(i64, Outgoing)> {
    let Some(Some(active)) = played.images.get(image).cloned() else {
        return VecDeque::new();
    };
    played.deleted_images[image] = Some(at);
    glance::delete(rng, pools, at, active).notifications
}

impl BillingDay {
    /// The billing day of the last UTC day that ends at least ten minutes before `before`
    /// (µs), with its exists just after that midnight; deterministic for `seed`.
    pub fn generate(seed: u64, options: &BillingOptions, before: i64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let pools = Pools::new(&mut rng);
        let mut rng = StdRng::seed_from_u64(seed ^ SALT);
        let end = (before - EMIT_WINDOW).div_euclid(DAY) * DAY;
        let begin = end - DAY;
        let (mut cast, slots) = plan(&mut rng, &pools, options);
        let mut played = play(&mut rng, &pools, &mut cast, &slots, begin - LEAD);
        let mut day = Self {
            audit_period: (begin, end),
            notifications: std::mem::take(&mut played.notifications),
            planted: Vec::new(),
        };
        day.close(&mut rng, &pools, &cast, &played);
        day.notifications.sort_by_key(|(time, _)| *time);
        day
    }

    /// The end-of-day exists: one per instance alive during the day, one per image owner.
    fn close(&mut self, rng: &mut StdRng, pools: &Pools, cast: &Cast, played: &Played) {
        let (begin, end) = self.audit_period;
        let mut at = end + SEC;
        for (i, b) in cast.instances.iter().enumerate() {
            let alive =
                b.launched_at.is_some_and(|l| l < end) && b.deleted_at.is_none_or(|d| d >= begin);
            if !alive {
                continue;
            }
            let planted = cast.planted.iter().find(|(p, _, _)| *p == i);
            let flavor = match planted {
                Some(&(_, FailureKind::FlavorMismatch, other)) => other,
                _ => b.flavor,
            };
            let with_deleted_at =
                !matches!(planted, Some((_, FailureKind::DeleteWithoutDeletedAt, _)));
            let (time, exists) =
                nova::exists(rng, b, pools, (at, begin, end), (flavor, with_deleted_at));
            if let Some(&(_, kind, _)) = planted {
                self.planted.push(PlantedFailure {
                    kind,
                    instance: b.uuid.clone(),
                    message_id: exists.message_id.clone(),
                    launch_flavor: (kind != FailureKind::MissingLaunch)
                        .then(|| FLAVORS[b.flavor].1.to_owned()),
                    exists_flavor: FLAVORS[flavor].1.to_owned(),
                });
            }
            self.notifications.push((time, exists));
            at += 200_000;
        }
        for owner in 0..pools.tenants.len() {
            let listed: Vec<(&Image, Option<i64>)> = played
                .images
                .iter()
                .zip(&played.deleted_images)
                .filter_map(|(image, deleted)| image.as_ref().map(|i| (i, *deleted)))
                .filter(|(image, deleted)| {
                    image.owner == owner
                        && image.created_at < end
                        && deleted.is_none_or(|d| d >= begin)
                })
                .collect();
            if !listed.is_empty() {
                let scripted = glance::exists(rng, pools, at, owner, &listed);
                self.notifications.extend(scripted.notifications);
                at += 200_000;
            }
        }
    }

    /// The `compute.instance.exists` of the day's end (the resize-time exists included).
    pub fn instance_exists(&self) -> impl Iterator<Item = &Outgoing> {
        self.notifications
            .iter()
            .map(|(_, o)| o)
            .filter(|o| o.event_type == "compute.instance.exists")
    }

    /// As one scripted operation, for the generator to play first.
    pub(crate) fn into_scripted(self) -> Scripted {
        Scripted {
            notifications: self.notifications.into(),
            effect: Effect::None,
        }
    }
}
