//! One operation in progress: a template instantiated for one instance, played notification by
//! notification in emission order.

use rand::rngs::StdRng;

use super::outgoing::Outgoing;
use super::pools::{Instance, Pools};
use super::templates::Template;
use super::values::OpValues;

const EXCHANGE: &str = "nova";

/// A template being played on an instance.
pub(crate) struct Operation {
    pub template: &'static Template,
    values: OpValues,
    pub instance: Instance,
    /// Index of the next body to emit.
    next: usize,
}

impl Operation {
    /// Instantiates `template` for `instance`, starting at `start` with offsets multiplied by
    /// `scale`.
    pub(crate) fn start(
        template: &'static Template,
        mut instance: Instance,
        new_instance: bool,
        pools: &Pools,
        rng: &mut StdRng,
        (start, scale): (i64, f64),
    ) -> Self {
        let values = OpValues::new(
            template,
            &mut instance,
            new_instance,
            pools,
            rng,
            (start, scale),
        );
        Self {
            template,
            values,
            instance,
            next: 0,
        }
    }

    /// When the next notification is due; `None` once everything was emitted.
    pub(crate) fn next_time(&self) -> Option<i64> {
        let body = self.template.bodies.get(self.next)?;
        Some(self.values.time_of(body))
    }

    /// Renders the next notification and moves on.
    pub(crate) fn emit(&mut self) -> Option<Outgoing> {
        let body = self.template.bodies.get(self.next)?;
        self.next += 1;
        let routing_key = if body.is_error {
            "monitor.error"
        } else {
            "monitor.info"
        };
        Some(Outgoing {
            exchange: EXCHANGE.to_owned(),
            routing_key: routing_key.to_owned(),
            message_id: self.values.uuid(body.message_id_uuid).to_owned(),
            event_type: body.event_type.clone(),
            body: self.values.render(body),
        })
    }

    /// The launch time this operation gave the instance (a create, rebuild or resize sets a
    /// new `launched_at`), if any.
    pub(crate) fn relaunched_at(&self) -> Option<i64> {
        let template = self.template;
        template
            .binding
            .launched_dts
            .iter()
            .filter(|&&i| template.offsets[usize::from(i)] >= 0)
            .map(|&i| self.values.dt_micros[usize::from(i)])
            .max()
    }
}
