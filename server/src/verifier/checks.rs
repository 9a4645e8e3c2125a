//! What the checks are told to do: v2's `validation_level` and `flavor_field_name`, the two
//! verifier settings that change a verdict. Kept here, beside the checks, rather than in
//! `config`, so the pure core depends on nothing and the config module names these types.

/// v2's `validation_level`: how much of an exists row is checked for validity before it is
/// compared with the launches and deletes (inventory §1.g, nova only; glance rows are always
/// checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidationLevel {
    /// `none`: no validity check.
    None,
    /// `basic`: tenant, `launched_at` and the flavor field are present; the tenant is hex.
    Basic,
    /// `all`: `basic`, plus `rax_options` and `os_*` non-empty and well formed (`os_distro` and
    /// `os_version` are exempt for import images).
    All,
}

impl ValidationLevel {
    /// Every level, in the order the config's error message lists them.
    pub const ALL: [Self; 3] = [Self::None, Self::Basic, Self::All];

    /// The config value (v2's).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Basic => "basic",
            Self::All => "all",
        }
    }

    /// The level a config value names, if any.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.as_str() == s)
    }
}

/// v2's `flavor_field_name`: which exists/launch column says the instance's flavor. Older
/// deployments billed on `instance_type_id`; later ones on `instance_flavor_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlavorField {
    /// `instance_type_id`.
    InstanceTypeId,
    /// `instance_flavor_id`.
    InstanceFlavorId,
}

impl FlavorField {
    /// Both fields, in the order the config's error message lists them.
    pub const ALL: [Self; 2] = [Self::InstanceTypeId, Self::InstanceFlavorId];

    /// The column name, which is also the config value and the name in `fail_reason` texts.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InstanceTypeId => "instance_type_id",
            Self::InstanceFlavorId => "instance_flavor_id",
        }
    }

    /// The field a config value names, if any.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.as_str() == s)
    }
}

/// The settings a nova check needs (from the verifier config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// How much validity to check.
    pub level: ValidationLevel,
    /// Which flavor column to compare and require.
    pub flavor: FlavorField,
}
