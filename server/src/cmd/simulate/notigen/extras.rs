//! The operations besides the notigen templates, and how often they start: glance uploads,
//! deletes, end-of-day exists and failed uploads, and failed Nova operations. The glance images
//! live here between operations, like the instances live in the generator.

use std::collections::VecDeque;

use rand::rngs::StdRng;
use rand::Rng;

use super::errors::failed_operation;
use super::glance;
use super::pools::{Instance, Pools};
use super::scripted::{Effect, Image, Scripted};

/// Chance that a started operation is one of these rather than a template, cumulative:
/// glance upload, glance delete, glance exists, glance upload error, failed Nova operation.
const CHANCES: [f64; 5] = [0.06, 0.09, 0.12, 0.13, 0.16];
/// Images kept active at most; beyond that uploads are replaced by deletes.
const MAX_IMAGES: usize = 500;
/// Deleted images remembered for the next `image.exists`.
const MAX_DELETED: usize = 200;

/// The mean number of notifications of an operation started at random, given that of the
/// template operations.
pub(crate) fn mean_notifications(template_mean: f64) -> f64 {
    let share = |i: usize| CHANCES[i] - if i == 0 { 0.0 } else { CHANCES[i - 1] };
    let scripted = share(0) * 3.0 + share(1) + share(2) + share(3) + share(4) * 2.0;
    (1.0 - CHANCES[4]) * template_mean + scripted
}

/// What a scripted operation may act on.
pub(crate) struct World<'a> {
    pub rng: &'a mut StdRng,
    pub pools: &'a Pools,
    /// Live instances; a failed operation takes one out until it is over.
    pub live: &'a mut Vec<Instance>,
    /// (now, time scale)
    pub timing: (i64, f64),
}

/// Glance images: active ones and recently deleted ones.
#[derive(Default)]
pub(crate) struct Catalog {
    images: Vec<Image>,
    deleted: VecDeque<(Image, i64)>,
}

impl Catalog {
    /// With probability [`CHANCES`], a scripted operation to start instead of a template.
    pub(crate) fn maybe_start(&mut self, world: World<'_>) -> Option<Scripted> {
        let roll: f64 = world.rng.random();
        let (now, _) = world.timing;
        let full = self.images.len() >= MAX_IMAGES;
        if (roll < CHANCES[0] && !full) || (roll < CHANCES[1] && self.images.is_empty()) {
            let snapshot = world.rng.random_bool(0.7) && !world.live.is_empty();
            let instance =
                snapshot.then(|| &world.live[world.rng.random_range(0..world.live.len())]);
            Some(glance::upload(
                world.rng,
                world.pools,
                world.timing,
                instance,
            ))
        } else if roll < CHANCES[1] {
            let index = world.rng.random_range(0..self.images.len());
            let image = self.images.swap_remove(index);
            Some(glance::delete(world.rng, world.pools, now, image))
        } else if roll < CHANCES[2] {
            self.exists(world)
        } else if roll < CHANCES[3] {
            Some(glance::upload_error(world.rng, world.pools, now))
        } else if roll < CHANCES[4] && !world.live.is_empty() {
            let index = world.rng.random_range(0..world.live.len());
            let instance = world.live.swap_remove(index);
            Some(failed_operation(
                world.rng,
                world.pools,
                world.timing,
                instance,
            ))
        } else {
            None
        }
    }

    /// An `image.exists` for a random owner among those with images.
    fn exists(&mut self, world: World<'_>) -> Option<Scripted> {
        let (now, _) = world.timing;
        let total = self.images.len() + self.deleted.len();
        if total == 0 {
            return None;
        }
        let pick = world.rng.random_range(0..total);
        let owner = match self.images.get(pick) {
            Some(image) => image.owner,
            None => self.deleted[pick - self.images.len()].0.owner,
        };
        let mut listed: Vec<(&Image, Option<i64>)> = self
            .images
            .iter()
            .filter(|i| i.owner == owner)
            .map(|i| (i, None))
            .collect();
        listed.extend(
            self.deleted
                .iter()
                .filter(|(i, _)| i.owner == owner)
                .map(|(i, at)| (i, Some(*at))),
        );
        Some(glance::exists(world.rng, world.pools, now, owner, &listed))
    }

    /// Applies what a finished scripted operation changed.
    pub(crate) fn finish(&mut self, effect: Effect, live: &mut Vec<Instance>) {
        match effect {
            Effect::None => {}
            Effect::ReleaseInstance(instance) => live.push(instance),
            Effect::AddImage(image) => self.images.push(image),
            Effect::DeleteImage(image, at) => {
                if self.deleted.len() >= MAX_DELETED {
                    self.deleted.pop_front();
                }
                self.deleted.push_back((image, at));
            }
        }
    }
}
