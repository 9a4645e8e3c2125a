-- The per-exchange columns v2 stored (nova RawData, glance GlanceRawData); NULL where a column
-- does not apply to the event's exchange.
ALTER TABLE raw_events ADD COLUMN state        TEXT;    -- nova payload.state
ALTER TABLE raw_events ADD COLUMN old_state    TEXT;    -- nova payload.old_state
ALTER TABLE raw_events ADD COLUMN old_task     TEXT;    -- nova payload.old_task_state
ALTER TABLE raw_events ADD COLUMN task         TEXT;    -- nova payload.new_task_state
ALTER TABLE raw_events ADD COLUMN image_type   INTEGER; -- image type bit code (nova, glance)
ALTER TABLE raw_events ADD COLUMN image_status TEXT;    -- glance payload.status
ALTER TABLE raw_events ADD COLUMN image_uuid   TEXT;    -- glance payload.id
ALTER TABLE raw_events ADD COLUMN image_size   INTEGER; -- glance payload.size

-- v2's RawDataImageMeta: payload.image_meta of nova events. Written only when a value is
-- non-empty; a missing row reads as four empty strings. raw_id is raw_events.id; no foreign
-- key (it would cost a trigger per row on PostgreSQL, and the rows are written together).
CREATE TABLE raw_image_meta (
    raw_id          INTEGER PRIMARY KEY,
    os_architecture TEXT,  -- org.openstack__1__architecture
    os_distro       TEXT,  -- org.openstack__1__os_distro
    os_version      TEXT,  -- org.openstack__1__os_version
    rax_options     TEXT   -- com.rackspace__1__options
);
