//! The Usage section: launches, deletes and exists of nova instances and glance images (the
//! verifier's progress over the exists is `usage_progress`).
//!
//! Statuses and tables are closed lists: a URL can only name one of their values, and the store
//! maps each to fixed SQL.

use serde::{Deserialize, Serialize};

use super::time::Micros;

/// A verified service: nova instances or glance images.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UsageService {
    Nova,
    Glance,
}

impl UsageService {
    pub const ALL: [Self; 2] = [Self::Nova, Self::Glance];

    /// The URL spelling.
    pub fn param(self) -> &'static str {
        match self {
            Self::Nova => "nova",
            Self::Glance => "glance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.param() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Nova => "Nova",
            Self::Glance => "Glance",
        }
    }

    /// What a row of this service is about: an instance or an image.
    pub fn subject(self) -> &'static str {
        match self {
            Self::Nova => "Instance",
            Self::Glance => "Image",
        }
    }

    /// The column naming the owner: the instance's tenant, the image's owner.
    pub fn owner(self) -> &'static str {
        match self {
            Self::Nova => "Tenant",
            Self::Glance => "Owner",
        }
    }
}

/// One of the usage tables of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UsageTable {
    /// Nova `instance_usages`, glance `image_usages` (v2's launches / image activations).
    Launches,
    /// `instance_deletes`, `image_deletes`.
    Deletes,
    /// `instance_exists`, `image_exists`: what the verifier checks.
    Exists,
}

impl UsageTable {
    pub const ALL: [Self; 3] = [Self::Launches, Self::Deletes, Self::Exists];

    /// The URL spelling.
    pub fn param(self) -> &'static str {
        match self {
            Self::Launches => "launches",
            Self::Deletes => "deletes",
            Self::Exists => "exists",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.param() == s)
    }

    /// The table's title for `service`.
    pub fn label(self, service: UsageService) -> &'static str {
        match (service, self) {
            (UsageService::Nova, Self::Launches) => "Nova launches",
            (UsageService::Nova, Self::Deletes) => "Nova deletes",
            (UsageService::Nova, Self::Exists) => "Nova exists",
            (UsageService::Glance, Self::Launches) => "Glance image usages",
            (UsageService::Glance, Self::Deletes) => "Glance image deletes",
            (UsageService::Glance, Self::Exists) => "Glance image exists",
        }
    }

    /// Whether the table has an owner (tenant) column to filter on.
    pub fn has_owner(self) -> bool {
        self != Self::Deletes
    }
}

/// An exists row's verification status, as stored (v2's `STATUS_CHOICES`).
pub const EXISTS_STATUSES: [&str; 8] = [
    "pending",
    "verifying",
    "verified",
    "reconciled",
    "failed",
    "sent_unverified",
    "sent_verifying",
    "sent_failed",
];

/// The statuses the failed-exists list shows.
pub const FAILED_STATUSES: [&str; 2] = ["failed", "sent_failed"];

/// One row of a usage table; columns a table lacks are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecord {
    pub id: i64,
    /// The instance uuid (nova) or image uuid (glance).
    pub subject: Option<String>,
    /// The tenant (nova) or owner (glance).
    pub owner: Option<String>,
    /// Nova launches: the request that launched the instance.
    pub request_id: Option<String>,
    /// Nova `launched_at`, glance `created_at`.
    pub launched_at: Option<Micros>,
    pub deleted_at: Option<Micros>,
    pub audit_period_beginning: Option<Micros>,
    pub audit_period_ending: Option<Micros>,
    pub instance_type_id: Option<String>,
    pub instance_flavor_id: Option<String>,
    /// Glance: the image size in bytes.
    pub size: Option<i64>,
    pub os_distro: Option<String>,
    /// Exists only.
    pub status: Option<String>,
    pub send_status: Option<i64>,
    pub fail_reason: Option<String>,
    pub message_id: Option<String>,
    /// The event the row came from (glance usages: the latest one).
    pub raw_id: Option<i64>,
}

/// A list of usage rows: a table, its filters and the page (newest first, by id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UsageQuery {
    pub service: UsageService,
    pub table: UsageTable,
    /// Instance or image uuid; empty: any.
    pub subject: String,
    /// Tenant or owner; empty: any.
    pub owner: String,
    /// Exists: one of [`EXISTS_STATUSES`]; empty: any.
    pub status: String,
    /// Exists: only the failed ones ([`FAILED_STATUSES`]) when `status` is empty.
    pub failed_only: bool,
    /// Exists: the audit period ending at this time.
    pub period_ending: Option<i64>,
    /// Rows with a smaller id than this (the next page).
    pub before: Option<i64>,
}

impl UsageQuery {
    /// Rows per page.
    pub const PAGE: u32 = 50;

    /// All rows of a table, first page.
    pub fn new(service: UsageService, table: UsageTable) -> Self {
        Self {
            service,
            table,
            subject: String::new(),
            owner: String::new(),
            status: String::new(),
            failed_only: false,
            period_ending: None,
            before: None,
        }
    }

    /// The filters of a query string (`instance`/`uuid`, `tenant`/`owner`, `status`,
    /// `period`, `before`). An unknown status is `Err` with a message.
    pub fn with_pairs<'a>(
        mut self,
        mut get: impl FnMut(&str) -> Option<&'a str>,
    ) -> Result<Self, String> {
        let text = |v: Option<&str>| v.map(str::trim).unwrap_or_default().to_string();
        self.subject = text(get("instance").or_else(|| get("uuid")));
        self.owner = text(get("tenant").or_else(|| get("owner")));
        self.status = text(get("status"));
        if !self.status.is_empty() && !EXISTS_STATUSES.contains(&self.status.as_str()) {
            return Err(format!(
                "There is no exists status called {:?}; use one of {}.",
                self.status,
                EXISTS_STATUSES.join(", ")
            ));
        }
        self.period_ending = get("period").and_then(|p| p.parse().ok());
        self.before = get("before").and_then(|b| b.parse().ok());
        Ok(self)
    }

    /// The query string's pairs, as [`Self::with_pairs`] reads them (service and table are in
    /// the path).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let (subject, owner) = match self.service {
            UsageService::Nova => ("instance", "tenant"),
            UsageService::Glance => ("uuid", "owner"),
        };
        let mut pairs = Vec::new();
        if !self.subject.is_empty() {
            pairs.push((subject, self.subject.clone()));
        }
        if !self.owner.is_empty() {
            pairs.push((owner, self.owner.clone()));
        }
        if !self.status.is_empty() {
            pairs.push(("status", self.status.clone()));
        }
        if let Some(p) = self.period_ending {
            pairs.push(("period", p.to_string()));
        }
        if let Some(b) = self.before {
            pairs.push(("before", b.to_string()));
        }
        pairs
    }
}

/// One page of a usage list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePage {
    pub rows: Vec<UsageRecord>,
    /// The `before` of the next page, when there is one.
    pub next_before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips_through_pairs() {
        let pairs = [("uuid", " img-1 "), ("owner", "abc"), ("status", "failed")];
        let get = |k: &str| pairs.iter().find(|(p, _)| *p == k).map(|(_, v)| *v);
        let q = UsageQuery::new(UsageService::Glance, UsageTable::Exists)
            .with_pairs(get)
            .unwrap();
        assert_eq!((q.subject.as_str(), q.owner.as_str()), ("img-1", "abc"));
        assert_eq!(
            q.pairs(),
            [
                ("uuid", "img-1".to_string()),
                ("owner", "abc".to_string()),
                ("status", "failed".to_string())
            ]
        );
        let bad = UsageQuery::new(UsageService::Nova, UsageTable::Exists)
            .with_pairs(|k| (k == "status").then_some("bogus"));
        assert!(bad.unwrap_err().contains("\"bogus\""));
    }

    #[test]
    fn names_round_trip() {
        for s in UsageService::ALL {
            assert_eq!(UsageService::parse(s.param()), Some(s));
        }
        for t in UsageTable::ALL {
            assert_eq!(UsageTable::parse(t.param()), Some(t));
        }
    }
}
