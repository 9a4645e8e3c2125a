//! The two entry points the ingest path calls, in order: [`keys`] (what to load for a batch)
//! and [`aggregate`] (the batch applied to what was loaded), each dispatching every event to
//! the rule files by its flavour.

use super::batch::{Input, Keys, Stored, Writes};
use super::{image, instance_events, lifecycle, minute_ids, scope_rollup, stacky_names, usage};
use crate::notification::Detail;

/// The rows to load for `inputs`.
pub fn keys<'a>(inputs: &[Input<'a>]) -> Keys<'a> {
    let mut keys = Keys::default();
    for input in inputs {
        match input.detail {
            Detail::Nova(_) => {
                let Some(instance) = input.instance() else {
                    continue;
                };
                let kpi_start = lifecycle::starts_tracker(input);
                if input.event.ends_with(".end") {
                    keys.timing_instances.push(instance);
                }
                if (kpi_start || input.event.ends_with(".end")) && !input.request_id.is_empty() {
                    keys.request_ids.push(input.request_id);
                }
                if instance_events::handles(input.event) {
                    keys.usage_instances.push(instance);
                }
            }
            Detail::Glance(glance) if input.event == image::EXISTS => {
                keys.image_uuids.extend(image::entry_uuids(glance));
            }
            Detail::Glance(_) | Detail::Generic => {}
        }
    }
    for list in [
        &mut keys.timing_instances,
        &mut keys.request_ids,
        &mut keys.usage_instances,
        &mut keys.image_uuids,
    ] {
        list.sort_unstable();
        list.dedup();
    }
    keys
}

/// Applies v2's aggregation rules to `inputs` (in id order) over `stored`.
pub fn aggregate(inputs: &[Input<'_>], stored: Stored) -> Writes {
    let mut writes = Writes::default();
    let mut lifecycles = lifecycle::Lifecycles::new(stored.open_timings, stored.trackers);
    let mut usages = usage::Usages::new(stored.usages, stored.deletes);
    let mut images = image::Images::new(stored.image_usages, stored.image_deletes);
    for input in inputs {
        let outcome = match input.detail {
            Detail::Nova(nova) => match input.instance() {
                Some(instance) => {
                    lifecycles.apply(input, instance, nova);
                    usages.apply(input, instance, nova)
                }
                None => Ok(()),
            },
            Detail::Glance(glance) => images.apply(input, glance, &mut writes.skipped),
            Detail::Generic => Ok(()),
        };
        if let Err(skip) = outcome {
            writes.skipped.push((input.raw_id, skip));
        }
    }
    lifecycles.finish(&mut writes);
    usages.finish(&mut writes);
    images.finish(&mut writes);
    writes.scope_rollups = scope_rollup::rollups(inputs);
    writes.minute_ids = minute_ids::minute_ids(inputs);
    writes.stacky_names = stacky_names::stacky_names(inputs);
    writes
}

/// The aggregate rows `inputs` may read or write, as sorted, distinct 32-bit hashes (FNV-1a of
/// a kind tag and the key): every Nova instance (its lifecycle, timings, usage and deletes),
/// every request id (its tracker), every Glance event's image (its usage or delete) and every
/// image an `image.exists` names. A batch holds a
/// lock on each while it aggregates (`BatchTx::lock_keys`); two keys sharing a hash only wait
/// for each other needlessly.
pub fn lock_keys(inputs: &[Input<'_>]) -> Vec<i32> {
    let mut hashes = Vec::new();
    for input in inputs {
        match input.detail {
            Detail::Nova(_) => {
                if let Some(instance) = input.instance() {
                    hashes.push(fnv1a(b'i', instance));
                }
                if !input.request_id.is_empty() {
                    hashes.push(fnv1a(b'r', input.request_id));
                }
            }
            Detail::Glance(glance) => {
                hashes.extend(glance.uuid.as_deref().map(|uuid| fnv1a(b'g', uuid)));
                if input.event == image::EXISTS {
                    hashes.extend(image::entry_uuids(glance).map(|uuid| fnv1a(b'g', uuid)));
                }
            }
            Detail::Generic => {}
        }
    }
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// 32-bit FNV-1a of `tag` then `key`, as PostgreSQL's `int4`.
fn fnv1a(tag: u8, key: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in std::iter::once(tag).chain(key.bytes()) {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash.cast_signed()
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 32 of "a" and of "foobar" (the reference test vectors).
        assert_eq!(fnv1a(b'a', "").cast_unsigned(), 0xe40c_292c);
        assert_eq!(fnv1a(b'f', "oobar").cast_unsigned(), 0xbf9c_f968);
    }
}
