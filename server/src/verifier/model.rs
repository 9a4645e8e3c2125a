//! The verifier's typed inputs and outputs (inventory §1.g): the rows a check reads and the
//! outcome it returns. Pure data: the store fills these, the checks (`nova`, `glance`) decide,
//! the runner writes the outcome back. Times are UTC microseconds, as stored.

/// A verified service: the keys of the verifier config's `rabbit.topics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Nova,
    Glance,
}

impl Service {
    /// The config key, the exchange the verified notifications go to, the metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nova => "nova",
            Self::Glance => "glance",
        }
    }
}

/// An exists row's verification status (v2's `STATUS_CHOICES`, stored as these texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExistsStatus {
    Pending,
    Verifying,
    Verified,
    Reconciled,
    Failed,
    SentUnverified,
    SentFailed,
    SentVerifying,
}

impl ExistsStatus {
    pub const ALL: [Self; 8] = [
        Self::Pending,
        Self::Verifying,
        Self::Verified,
        Self::Reconciled,
        Self::Failed,
        Self::SentUnverified,
        Self::SentFailed,
        Self::SentVerifying,
    ];

    /// The stored text (v2's).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verifying => "verifying",
            Self::Verified => "verified",
            Self::Reconciled => "reconciled",
            Self::Failed => "failed",
            Self::SentUnverified => "sent_unverified",
            Self::SentFailed => "sent_failed",
            Self::SentVerifying => "sent_verifying",
        }
    }

    /// The status a stored text names, if any.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A `compute.instance.exists` row being verified (`instance_exists`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NovaExists {
    pub id: i64,
    pub message_id: Option<String>,
    pub instance: String,
    /// Stored NOT NULL (ingest skips exists without one), optional here because v2's first
    /// check is "Exists without a launched_at".
    pub launched_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: i64,
    pub audit_period_ending: i64,
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    pub tenant: Option<String>,
    pub rax_options: Option<String>,
    pub os_architecture: Option<String>,
    pub os_version: Option<String>,
    pub os_distro: Option<String>,
    pub usage_id: Option<i64>,
    pub delete_id: Option<i64>,
    pub raw_id: i64,
    /// The image type bit code of the exists' notification: the runner takes it from
    /// `raw_events.image_type` of the row `raw_id` names (v2: `exist.raw.image_type`). The `all`
    /// validation level exempts import images (`image_type & 0xf == 3`) from the `os_distro` and
    /// `os_version` checks; `None` there fails as v2 did (`None & 0xf`: "TypeError").
    pub image_type: Option<i64>,
}

/// A launch as StackTach saw it (`instance_usages`) or as the reconciler recorded it
/// (`instance_reconcile`, where `deleted_at` may be set too).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NovaLaunch {
    pub id: i64,
    pub instance: String,
    pub launched_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    pub tenant: Option<String>,
    pub rax_options: Option<String>,
    pub os_architecture: Option<String>,
    pub os_version: Option<String>,
    pub os_distro: Option<String>,
}

/// A delete (`instance_deletes`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NovaDelete {
    pub id: i64,
    pub instance: String,
    pub launched_at: i64,
    pub deleted_at: Option<i64>,
}

/// Everything the store knows about one exists row's instance: every usage, delete and
/// reconcile row of that instance (a handful), so the checks decide without I/O.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NovaEvidence {
    pub usages: Vec<NovaLaunch>,
    pub deletes: Vec<NovaDelete>,
    pub reconciles: Vec<NovaLaunch>,
}

/// An `image.exists` row (`image_exists`; one per image of the notification).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlanceExists {
    pub id: i64,
    pub message_id: Option<String>,
    pub uuid: Option<String>,
    pub created_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub audit_period_beginning: Option<i64>,
    pub audit_period_ending: Option<i64>,
    pub owner: Option<String>,
    pub size: Option<i64>,
    pub usage_id: Option<i64>,
    pub delete_id: Option<i64>,
    pub raw_id: i64,
}

/// An `image.activate` (`image_usages`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlanceUsage {
    pub id: i64,
    pub uuid: Option<String>,
    pub created_at: Option<i64>,
    pub owner: Option<String>,
    pub size: Option<i64>,
}

/// An `image.delete` (`image_deletes`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlanceDelete {
    pub id: i64,
    pub uuid: Option<String>,
    pub deleted_at: Option<i64>,
}

/// Every usage and delete row of one image uuid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlanceEvidence {
    pub usages: Vec<GlanceUsage>,
    pub deletes: Vec<GlanceDelete>,
}

/// What verifying one exists row decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// → `verified`.
    Verified,
    /// → `reconciled` (nova only): the usage tables failed, the reconcile rows passed.
    Reconciled,
    /// → `failed` (or `sent_failed` from `sent_verifying`), with v2's `fail_reason` text
    /// (at most 300 characters).
    Failed(String),
}
