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
    /// v2 marks a row as an error when its routing key ends with `error`; we also mark
    /// `*.error` event types, which Nova publishes on the info queue at times.
    pub fn is_error(&self) -> bool {
        self.routing_key.ends_with("error") || self.event.ends_with(".error")
    }
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
