//! The Nova events the usage rules handle (v2 `INSTANCE_EVENT` / `USAGE_PROCESS_MAPPING`).

pub(super) const CREATE_START: &str = "compute.instance.create.start";
pub(super) const CREATE_END: &str = "compute.instance.create.end";
pub(super) const REBUILD_START: &str = "compute.instance.rebuild.start";
pub(super) const REBUILD_END: &str = "compute.instance.rebuild.end";
pub(super) const RESIZE_PREP_START: &str = "compute.instance.resize.prep.start";
pub(super) const RESIZE_REVERT_START: &str = "compute.instance.resize.revert.start";
pub(super) const RESIZE_REVERT_END: &str = "compute.instance.resize.revert.end";
pub(super) const FINISH_RESIZE_START: &str = "compute.instance.finish_resize.start";
pub(super) const FINISH_RESIZE_END: &str = "compute.instance.finish_resize.end";
pub(super) const RESCUE_START: &str = "compute.instance.rescue.start";
pub(super) const RESCUE_END: &str = "compute.instance.rescue.end";
pub(super) const DELETE_END: &str = "compute.instance.delete.end";
pub(super) const EXISTS: &str = "compute.instance.exists";

/// v2's `INSTANCE_EVENT` table: every event the usage rules handle.
pub const INSTANCE_EVENTS: [&str; 13] = [
    CREATE_START,
    CREATE_END,
    REBUILD_START,
    REBUILD_END,
    RESIZE_PREP_START,
    RESIZE_REVERT_START,
    RESIZE_REVERT_END,
    FINISH_RESIZE_START,
    FINISH_RESIZE_END,
    RESCUE_START,
    RESCUE_END,
    DELETE_END,
    EXISTS,
];

/// One second in µs: exists match a usage or delete launched within `[l, l + 1 s]`.
pub(super) const LAUNCH_WINDOW: i64 = 1_000_000;

/// True when the usage rules handle `event` (v2 `USAGE_PROCESS_MAPPING`).
pub(super) fn handles(event: &str) -> bool {
    INSTANCE_EVENTS.contains(&event)
}
