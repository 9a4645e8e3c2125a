//! One stored notification as the tables show it.

use serde::{Deserialize, Serialize};

use super::time::Micros;

/// A stored notification's indexed columns (the JSON body stays on the server until asked for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    /// Ingest order: strictly increasing in commit order, the live feed's resume cursor.
    pub id: i64,
    pub deployment_id: i64,
    pub deployment: String,
    pub exchange: String,
    /// The AMQP routing key ("source" in v2's tables), e.g. `monitor.info`.
    pub routing_key: String,
    pub event: String,
    pub publisher: String,
    pub service: String,
    pub host: String,
    pub when: Micros,
    pub request_id: String,
    pub instance: String,
    pub tenant: String,
}

impl EventRow {
    /// See [`is_error_event`].
    pub fn is_error(&self) -> bool {
        is_error_event(&self.routing_key, &self.event)
    }
}

/// v2 marks a row as an error when its routing key ends with `error`; we also mark `*.error`
/// event types, which Nova publishes on the info queue at times. The one Rust form of the
/// rule (tables, the live feed's filter, ingest's host and tenant rollups); the store's SQL
/// (`IS_ERROR`) and the migrations' partial indexes spell the same test.
pub fn is_error_event(routing_key: &str, event: &str) -> bool {
    routing_key.ends_with("error") || event.ends_with(".error")
}

#[cfg(test)]
mod tests {
    use crate::model::tests::row;

    #[test]
    fn error_rows() {
        assert!(row("monitor.error", "compute.instance.update").is_error());
        assert!(row("monitor.info", "compute.instance.create.error").is_error());
        assert!(!row("monitor.info", "compute.instance.create.end").is_error());
    }
}
