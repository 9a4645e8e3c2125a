//! Placeholder slots of the notigen templates (`[[[[UUID_3]]]]`, `[[[[DT_7]]]]`,
//! `[[[[tenant_id]]]]`, ...) and the splitting of template text around them.

const OPEN: &str = "[[[[";
const CLOSE: &str = "]]]]";

/// A named (not numbered) placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Named {
    TenantId = 0,
    UserId,
    Host,
    Node,
    Hostname,
    DisplayName,
    ReservationId,
    ImageName,
    DeviceName,
    /// Depends on the notification, not only on the operation.
    PublisherId,
}

impl Named {
    /// How many named values an operation holds (every variant but `PublisherId`).
    pub(crate) const PER_OPERATION: usize = 9;

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "tenant_id" => Named::TenantId,
            "user_id" => Named::UserId,
            "host" => Named::Host,
            "node" => Named::Node,
            "hostname" => Named::Hostname,
            "display_name" => Named::DisplayName,
            "reservation_id" => Named::ReservationId,
            "image_name" => Named::ImageName,
            "device_name" => Named::DeviceName,
            "publisher_id" => Named::PublisherId,
            _ => return None,
        })
    }
}

/// One placeholder: a numbered value of some type, or a named value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Uuid(u16),
    Xuuid(u16),
    V4(u16),
    V6(u16),
    Dt(u16),
    Named(Named),
}

impl Slot {
    fn parse(name: &str) -> Option<Self> {
        let numbered = |prefix: &str| name.strip_prefix(prefix)?.parse::<u16>().ok();
        if let Some(i) = numbered("UUID_") {
            Some(Slot::Uuid(i))
        } else if let Some(i) = numbered("XUUID_") {
            Some(Slot::Xuuid(i))
        } else if let Some(i) = numbered("V4_") {
            Some(Slot::V4(i))
        } else if let Some(i) = numbered("V6_") {
            Some(Slot::V6(i))
        } else if let Some(i) = numbered("DT_") {
            Some(Slot::Dt(i))
        } else {
            Named::from_name(name).map(Slot::Named)
        }
    }

    pub(crate) fn uuid(self) -> Option<u16> {
        match self {
            Slot::Uuid(i) => Some(i),
            _ => None,
        }
    }

    pub(crate) fn v4(self) -> Option<u16> {
        match self {
            Slot::V4(i) => Some(i),
            _ => None,
        }
    }

    pub(crate) fn v6(self) -> Option<u16> {
        match self {
            Slot::V6(i) => Some(i),
            _ => None,
        }
    }

    pub(crate) fn dt(self) -> Option<u16> {
        match self {
            Slot::Dt(i) => Some(i),
            _ => None,
        }
    }
}

/// Literal chunks, each followed by a slot, plus the literal tail.
pub(crate) type Parts = (Vec<(Box<str>, Slot)>, Box<str>);

/// Splits `text` around its placeholders.
///
/// # Errors
/// An unterminated or unknown placeholder.
pub(crate) fn split(text: &str) -> Result<Parts, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(OPEN) {
        let after = &rest[open + OPEN.len()..];
        let close = after.find(CLOSE).ok_or("unterminated placeholder")?;
        let name = &after[..close];
        let slot = Slot::parse(name).ok_or_else(|| format!("unknown placeholder {name}"))?;
        parts.push((rest[..open].into(), slot));
        rest = &after[close + CLOSE.len()..];
    }
    Ok((parts, rest.into()))
}

/// The slot when `text` is exactly one placeholder and nothing else.
pub(crate) fn whole(text: &str) -> Option<Slot> {
    let name = text.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    if name.contains(OPEN) || name.contains(CLOSE) {
        return None;
    }
    Slot::parse(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_slots() {
        let (parts, tail) = split("req-[[[[UUID_0]]]] on [[[[host]]]]!").expect("valid");
        assert_eq!(parts.len(), 2);
        assert_eq!((&*parts[0].0, parts[0].1), ("req-", Slot::Uuid(0)));
        assert_eq!(
            (&*parts[1].0, parts[1].1),
            (" on ", Slot::Named(Named::Host))
        );
        assert_eq!(&*tail, "!");
    }

    #[test]
    fn tells_xuuid_from_uuid_and_rejects_unknown_names() {
        let (parts, _) = split("[[[[XUUID_12]]]][[[[DT_3]]]]").expect("valid");
        assert_eq!(parts[0].1, Slot::Xuuid(12));
        assert_eq!(parts[1].1, Slot::Dt(3));
        assert!(split("[[[[nope]]]]").is_err());
        assert!(split("[[[[UUID_1").is_err());
    }

    #[test]
    fn whole_accepts_exactly_one_placeholder() {
        assert_eq!(whole("[[[[DT_4]]]]"), Some(Slot::Dt(4)));
        assert_eq!(whole("req-[[[[UUID_0]]]]"), None);
        assert_eq!(whole("[[[[UUID_0]]]][[[[UUID_1]]]]"), None);
    }
}
