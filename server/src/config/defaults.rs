//! The named defaults: the value of everything a deployments file, the environment or the
//! command line may leave unset. Most are StackTach v2's, so a v2 file means the same here.

/// Deployments file used when neither `--deployments` nor [`DEPLOYMENTS_FILE_ENV`] is given.
pub const DEFAULT_DEPLOYMENTS_FILE: &str = "etc/stacktach_worker_config.json";
/// Environment variable naming the deployments file (the same name v2 used).
pub const DEPLOYMENTS_FILE_ENV: &str = "STACKTACH_DEPLOYMENTS_FILE";
/// v2's `DEFAULT_PROC_TIMEOUT`: seconds without a consumer heartbeat before it is restarted.
pub const DEFAULT_PROCESS_TIMEOUT_SECS: u64 = 600;
/// AMQP `basic.qos` prefetch count per consumer when a deployment sets no `prefetch`: batches
/// of up to 1,000 (half of it), so under load each transaction pays its commit and its index
/// pages for a thousand events. Measured with `stacktach bench` (100,000 notifications): 2000
/// ingests 1.5–1.8× as fast as 200 on SQLite, PostgreSQL and MariaDB, at a peak RSS of
/// 90–120 MB; a quiet region is not slowed (a batch closes 10 ms after its first message).
pub const DEFAULT_PREFETCH: u16 = 2000;
/// v2 default for `rabbit_host`.
pub const DEFAULT_RABBIT_HOST: &str = "localhost";
/// v2 default for `rabbit_port`.
pub const DEFAULT_RABBIT_PORT: u16 = 5672;
/// v2 default for `rabbit_userid`.
pub const DEFAULT_RABBIT_USERID: &str = "rabbit";
/// v2 default for `rabbit_password`.
pub const DEFAULT_RABBIT_PASSWORD: &str = "rabbit";
/// v2 default for `durable_queue` (applies to the exchanges and the queues).
pub const DEFAULT_DURABLE_QUEUE: bool = true;
/// v2 default for `rabbit_virtual_host`.
pub const DEFAULT_RABBIT_VIRTUAL_HOST: &str = "/";
/// Database used when no flag or environment variable names one (created on demand).
pub const DEFAULT_DATABASE_URL: &str = "sqlite://stacktach.db";
/// v2's default `STACKTACH_DB_ENGINE`, used when other `STACKTACH_DB_*` variables are set.
pub const V2_DEFAULT_DB_ENGINE: &str = "django.db.backends.mysql";
