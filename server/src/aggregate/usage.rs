//! Instance usage, deletes and exists (v2 `aggregate_usage` and its `_process_*` handlers).

use std::collections::HashMap;

use super::batch::{Input, Skip, Writes};
use super::instance_events::*;
use super::rows::{resolve, InstanceDelete, InstanceExists, RowRef, Rows, Usage};
use crate::notification::time::PayloadTime;
use crate::notification::NovaDetail;

fn required(time: PayloadTime, field: &'static str) -> Result<i64, Skip> {
    time.required().ok_or(Skip::BadPayloadTime(field))
}

/// The usage, delete and exists tables as a batch sees them.
pub(super) struct Usages {
    usages: Rows<Usage>,
    usage_of: HashMap<(String, String), usize>,
    deletes: Rows<InstanceDelete>,
    exists: Vec<InstanceExists>,
}

impl Usages {
    pub fn new(usages: Vec<(i64, Usage)>, deletes: Vec<(i64, InstanceDelete)>) -> Self {
        let usages = Rows::stored(usages);
        let usage_of = usages
            .iter()
            .map(|(p, u)| ((u.instance.clone(), u.request_id.clone()), p))
            .collect();
        Self {
            usages,
            usage_of,
            deletes: Rows::stored(deletes),
            exists: Vec::new(),
        }
    }

    /// v2 `aggregate_usage`: dispatches on the event type.
    pub fn apply(
        &mut self,
        input: &Input<'_>,
        instance: &str,
        nova: &NovaDetail,
    ) -> Result<(), Skip> {
        match input.event {
            CREATE_START | REBUILD_START | RESIZE_PREP_START | RESIZE_REVERT_START
            | RESCUE_START => self.new_launch(input, instance, nova),
            CREATE_END | REBUILD_END | FINISH_RESIZE_START | FINISH_RESIZE_END
            | RESIZE_REVERT_END | RESCUE_END => self.update(input, instance, nova),
            DELETE_END => self.delete(input, instance, nova),
            EXISTS => self.exists(input, instance, nova),
            _ => Ok(()),
        }
    }

    /// The (instance, request) usage as stored so far, or a fresh one.
    fn current(&self, instance: &str, request_id: &str) -> Usage {
        let key = (instance.to_string(), request_id.to_string());
        match self.usage_of.get(&key) {
            Some(&position) => self.usages.get(position).clone(),
            None => Usage {
                instance: key.0,
                request_id: key.1,
                ..Usage::default()
            },
        }
    }

    /// Keeps `usage`, with the fields every handler sets from the notification.
    fn save(&mut self, mut usage: Usage, input: &Input<'_>, nova: &NovaDetail) {
        usage.tenant = input.tenant.map(str::to_string);
        usage.rax_options = nova.image_meta.rax_options.clone();
        usage.os_architecture = nova.image_meta.os_architecture.clone();
        usage.os_version = nova.image_meta.os_version.clone();
        usage.os_distro = nova.image_meta.os_distro.clone();
        let key = (usage.instance.clone(), usage.request_id.clone());
        match self.usage_of.get(&key) {
            Some(&position) => *self.usages.get_mut(position) = usage,
            None => {
                let position = self.usages.push(usage);
                self.usage_of.insert(key, position);
            }
        }
    }

    /// v2 `_process_usage_for_new_launch`.
    fn new_launch(
        &mut self,
        input: &Input<'_>,
        instance: &str,
        nova: &NovaDetail,
    ) -> Result<(), Skip> {
        let event = input.event;
        let mut usage = self.current(instance, input.request_id);
        if matches!(event, CREATE_START | REBUILD_START | RESCUE_START) {
            usage.instance_type_id = nova.instance_type_id.clone();
            usage.instance_flavor_id = nova.instance_flavor_id.clone();
        }
        if matches!(
            event,
            REBUILD_START | RESIZE_PREP_START | RESIZE_REVERT_START | RESCUE_START
        ) && usage.launched_at.is_none()
        {
            usage.launched_at = Some(required(nova.launched_at, "launched_at")?);
        }
        if matches!(event, RESIZE_PREP_START | RESIZE_REVERT_START)
            && usage.instance_type_id.is_none()
            && usage.instance_flavor_id.is_none()
        {
            usage.instance_type_id = nova.instance_type_id.clone();
            usage.instance_flavor_id = nova.instance_flavor_id.clone();
        }
        self.save(usage, input, nova);
        Ok(())
    }

    /// v2 `_process_usage_for_updates`.
    fn update(&mut self, input: &Input<'_>, instance: &str, nova: &NovaDetail) -> Result<(), Skip> {
        let event = input.event;
        if event == CREATE_END && nova.message.as_deref().is_some_and(|m| m != "Success") {
            return Ok(());
        }
        let mut usage = self.current(instance, input.request_id);
        if matches!(
            event,
            CREATE_END | REBUILD_END | FINISH_RESIZE_END | RESIZE_REVERT_END | RESCUE_END
        ) {
            let launched_at = required(nova.launched_at, "launched_at")?;
            if usage
                .launched_at
                .is_none_or(|at| at == 0 || at < launched_at)
            {
                usage.launched_at = Some(launched_at);
            }
            if usage.instance_type_id.is_none() {
                usage.instance_type_id = nova.instance_type_id.clone();
            }
            if usage.instance_flavor_id.is_none() {
                usage.instance_flavor_id = nova.instance_flavor_id.clone();
            }
        }
        if matches!(
            event,
            RESIZE_REVERT_END | FINISH_RESIZE_START | FINISH_RESIZE_END
        ) {
            usage.instance_type_id = nova.instance_type_id.clone();
            usage.instance_flavor_id = nova.instance_flavor_id.clone();
        }
        self.save(usage, input, nova);
        Ok(())
    }

    /// v2 `_process_delete`: needs `launched_at`; `terminated_at` beats `deleted_at`.
    fn delete(&mut self, input: &Input<'_>, instance: &str, nova: &NovaDetail) -> Result<(), Skip> {
        if !nova.launched_at.is_set() {
            return Ok(());
        }
        let deleted_at = if nova.terminated_at.is_set() {
            Some(required(nova.terminated_at, "terminated_at")?)
        } else if nova.deleted_at.is_set() {
            Some(required(nova.deleted_at, "deleted_at")?)
        } else {
            None
        };
        let launched_at = required(nova.launched_at, "launched_at")?;
        let same = |d: &InstanceDelete| {
            d.instance == instance && d.launched_at == launched_at && d.deleted_at == deleted_at
        };
        match self.deletes.first(same) {
            Some(position) => self.deletes.get_mut(position).raw_id = Some(input.raw_id),
            None => {
                self.deletes.push(InstanceDelete {
                    instance: instance.to_string(),
                    launched_at,
                    deleted_at,
                    raw_id: Some(input.raw_id),
                });
            }
        }
        Ok(())
    }

    /// v2 `_process_exists`.
    fn exists(&mut self, input: &Input<'_>, instance: &str, nova: &NovaDetail) -> Result<(), Skip> {
        if !nova.launched_at.is_set() {
            return Err(Skip::ExistsWithoutLaunchedAt);
        }
        let launched_at = required(nova.launched_at, "launched_at")?;
        let in_window = |at: i64| (launched_at..=launched_at + LAUNCH_WINDOW).contains(&at);
        let usage = self
            .usages
            .first(|u| u.instance == instance && u.launched_at.is_some_and(in_window));
        let mut exists = InstanceExists {
            message_id: input.message_id.map(str::to_string),
            instance: instance.to_string(),
            launched_at,
            audit_period_beginning: required(
                nova.audit_period_beginning,
                "audit_period_beginning",
            )?,
            audit_period_ending: required(nova.audit_period_ending, "audit_period_ending")?,
            instance_type_id: nova.instance_type_id.clone(),
            instance_flavor_id: nova.instance_flavor_id.clone(),
            tenant: input.tenant.map(str::to_string),
            rax_options: nova.image_meta.rax_options.clone(),
            os_architecture: nova.image_meta.os_architecture.clone(),
            os_version: nova.image_meta.os_version.clone(),
            os_distro: nova.image_meta.os_distro.clone(),
            bandwidth_public_out: nova.bandwidth_public_out,
            raw_id: input.raw_id,
            usage: usage.map(RowRef::New),
            ..InstanceExists::default()
        };
        if nova.deleted_at.is_set() {
            exists.deleted_at = Some(required(nova.deleted_at, "deleted_at")?);
            let delete = self
                .deletes
                .first(|d| d.instance == instance && in_window(d.launched_at));
            exists.delete = delete.map(RowRef::New);
        }
        self.exists.push(exists);
        Ok(())
    }

    pub fn finish(self, writes: &mut Writes) {
        let usages = self.usages.finish();
        let deletes = self.deletes.finish();
        writes.usages = usages.new;
        writes.changed_usages = usages.changed;
        writes.deletes = deletes.new;
        writes.delete_updates = deletes
            .changed
            .into_iter()
            .filter_map(|(id, d)| Some((id, d.raw_id?)))
            .collect();
        writes.exists = self
            .exists
            .into_iter()
            .map(|e| InstanceExists {
                usage: resolve(e.usage, &usages.refs),
                delete: resolve(e.delete, &deletes.refs),
                ..e
            })
            .collect();
    }
}
