//! [`Outgoing`]: one generated notification, ready to publish or write. Its own file because
//! every producer (`operation`, `scripted`, `glance`, `errors`) builds it and the generator
//! returns it.

/// One notification ready to publish.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The exchange the service publishes to (`nova` or `glance`).
    pub exchange: String,
    /// `monitor.error` (glance: `monitor_glance.error`) for `*.error` events and `ERROR`
    /// priority, else `monitor.info` (`monitor_glance.info`).
    pub routing_key: String,
    /// The body's `message_id` (unique per notification).
    pub message_id: String,
    /// The body's `event_type`, e.g. `compute.instance.create.end`.
    pub event_type: String,
    /// JSON text of an oslo v1 body (the plain notification object).
    pub body: String,
}
