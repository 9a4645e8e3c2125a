//! Which keys each object of the deployments file may have. The walker reads the known keys,
//! accepts the ignored ones silently (v2 never read them either) and warns about anything else,
//! suggesting the nearest known key, so a typo is reported instead of silently defaulted.

/// Which keys an object may have: `known` ones are read, `ignored` ones are accepted silently
/// (v2 never read them either), anything else warns.
#[derive(Clone, Copy)]
pub(super) struct Schema {
    pub(super) known: &'static [&'static str],
    pub(super) ignored: &'static [&'static str],
}

/// The top-level object.
pub(super) const TOP_KEYS: Schema = Schema {
    known: &["deployments", "workers"],
    ignored: &[],
};

/// The `workers` object.
pub(super) const WORKERS_KEYS: Schema = Schema {
    known: &["process_timeout"],
    ignored: &[],
};

/// One entry of `deployments`.
pub(super) const DEPLOYMENT_KEYS: Schema = Schema {
    known: &[
        "name",
        "enabled",
        "rabbit_host",
        "rabbit_port",
        "rabbit_userid",
        "rabbit_password",
        "rabbit_virtual_host",
        "durable_queue",
        "queue_arguments",
        "exit_on_exception",
        "topics",
        "prefetch",
        "rabbit_tls",
        "heartbeat_seconds",
    ],
    // Present in v2's sample and tests but never read by v2.
    ignored: &["queue_name", "queue_name_prefix", "services"],
};

/// One queue binding in an exchange's list under `topics`.
pub(super) const BINDING_KEYS: Schema = Schema {
    known: &["queue", "routing_key"],
    ignored: &[],
};
