//! The two entry points the ingest path calls, in order: [`keys`] (what to load for a batch)
//! and [`aggregate`] (the batch applied to what was loaded), each dispatching every event to
//! the rule files by its flavour.

use super::batch::{Input, Keys, Stored, Writes};
use super::{image, instance_events, lifecycle, usage};
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
    writes
}
