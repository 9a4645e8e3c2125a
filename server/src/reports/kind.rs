//! The registry of reports: [`ReportKind`] (the CLI name, v2's stored name and version, which
//! way its period is computed) and [`Report`], one built report.

use serde_json::Value;

use super::period::Period;

/// One of v2's report scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportKind {
    /// `nova_usage_audit.py`.
    NovaUsageAudit,
    /// `glance_usage_audit.py`.
    GlanceUsageAudit,
    /// `image_events_audit.py`.
    ImageEventsAudit,
    /// `pretty.py`: the KPI summary per region.
    Summary,
    /// `error_details.py`.
    ErrorDetails,
    /// `instance_hours.py`.
    InstanceHours,
    /// `public_outbound_bandwidth.py`.
    PublicOutboundBandwidth,
}

impl ReportKind {
    /// Every report, in the order `--list` prints them and the daily run builds them.
    pub const ALL: [Self; 7] = [
        Self::NovaUsageAudit,
        Self::GlanceUsageAudit,
        Self::ImageEventsAudit,
        Self::Summary,
        Self::ErrorDetails,
        Self::InstanceHours,
        Self::PublicOutboundBandwidth,
    ];

    /// The name `stacktach report NAME` takes.
    pub fn cli_name(self) -> &'static str {
        match self {
            Self::NovaUsageAudit => "nova_usage_audit",
            Self::GlanceUsageAudit => "glance_usage_audit",
            Self::ImageEventsAudit => "image_events_audit",
            Self::Summary => "summary",
            Self::ErrorDetails => "error_details",
            Self::InstanceHours => "instance_hours",
            Self::PublicOutboundBandwidth => "public_outbound_bandwidth",
        }
    }

    /// The report a CLI name names.
    pub fn from_cli(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.cli_name() == name)
    }

    /// What the report is, for `--list`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::NovaUsageAudit => "exists by verifier status; launches without an exists",
            Self::GlanceUsageAudit => "image exists by verifier status; images without an exists",
            Self::ImageEventsAudit => "image uploads, activates, deletes, exists, verified exists",
            Self::Summary => "per operation, image and OS: durations and failure rates",
            Self::ErrorDetails => "every failed request with its exception and events",
            Self::InstanceHours => "verified instance hours by flavor, class and tenant type",
            Self::PublicOutboundBandwidth => "total public outbound bandwidth of the exists",
        }
    }

    /// The `name` v2 stored (`region`: the summary's `--region`, upper-cased, or `all`).
    pub fn stored_name(self, region: Option<&str>) -> String {
        match self {
            Self::NovaUsageAudit => "nova usage audit".into(),
            Self::GlanceUsageAudit => "glance usage audit".into(),
            Self::ImageEventsAudit => "image events audit".into(),
            Self::Summary => format!("summary for region: {}", region.unwrap_or("all")),
            Self::ErrorDetails => "Error detail report".into(),
            Self::InstanceHours => "instance hours".into(),
            Self::PublicOutboundBandwidth => "public outbound bandwidth".into(),
        }
    }

    /// The `version` v2 stored.
    pub fn version(self) -> i64 {
        match self {
            Self::NovaUsageAudit => 7,
            Self::GlanceUsageAudit => 6,
            Self::Summary => 4,
            Self::ImageEventsAudit
            | Self::ErrorDetails
            | Self::InstanceHours
            | Self::PublicOutboundBandwidth => 1,
        }
    }

    /// Whether `--date` is the start of the period (`pretty.py --utcdate`, the error details'
    /// date) rather than the time whose previous period is reported (`--utcdatetime`).
    pub fn date_starts_period(self) -> bool {
        matches!(self, Self::Summary | Self::ErrorDetails)
    }
}

/// A built report: what `json_reports` stores.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub kind: ReportKind,
    /// v2's stored name ([`ReportKind::stored_name`]).
    pub name: String,
    pub version: i64,
    pub period: Period,
    pub json: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_v2() {
        for kind in ReportKind::ALL {
            assert_eq!(ReportKind::from_cli(kind.cli_name()), Some(kind));
        }
        assert_eq!(ReportKind::from_cli("pretty"), None);
        assert_eq!(
            ReportKind::Summary.stored_name(Some("DFW")),
            "summary for region: DFW"
        );
        assert_eq!(
            ReportKind::Summary.stored_name(None),
            "summary for region: all"
        );
        assert_eq!(ReportKind::NovaUsageAudit.version(), 7);
        assert_eq!(ReportKind::GlanceUsageAudit.version(), 6);
        assert_eq!(ReportKind::Summary.version(), 4);
    }
}
