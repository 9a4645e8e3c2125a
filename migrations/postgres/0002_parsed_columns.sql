-- The per-exchange columns v2 stored (nova RawData, glance GlanceRawData); NULL where a column
-- does not apply to the event's exchange.
ALTER TABLE raw_events
    ADD COLUMN state        TEXT,    -- nova payload.state
    ADD COLUMN old_state    TEXT,    -- nova payload.old_state
    ADD COLUMN old_task     TEXT,    -- nova payload.old_task_state
    ADD COLUMN task         TEXT,    -- nova payload.new_task_state
    ADD COLUMN image_type   BIGINT,  -- image type bit code (nova, glance)
    ADD COLUMN image_status TEXT,    -- glance payload.status
    ADD COLUMN image_uuid   TEXT,    -- glance payload.id
    ADD COLUMN image_size   BIGINT;  -- glance payload.size

-- v2's RawDataImageMeta: payload.image_meta of nova events. Written only when a value is
-- non-empty; a missing row reads as four empty strings. raw_id is raw_events.id; no foreign
-- key (it would cost a trigger per row on PostgreSQL, and the rows are written together).
CREATE TABLE raw_image_meta (
    raw_id          BIGINT PRIMARY KEY,
    os_architecture TEXT,  -- org.openstack__1__architecture
    os_distro       TEXT,  -- org.openstack__1__os_distro
    os_version      TEXT,  -- org.openstack__1__os_version
    rax_options     TEXT   -- com.rackspace__1__options
);

-- Compressing the JSON bodies is most of PostgreSQL's insert cost; lz4 is far cheaper than the
-- default pglz (PERFORMANCE.md: +57 % ingest). Needs PostgreSQL 14+ built with lz4; elsewhere
-- the column keeps the server's default.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'ALTER TABLE raw_events ALTER COLUMN json SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression unavailable; raw_events.json keeps the default';
END
$$;
