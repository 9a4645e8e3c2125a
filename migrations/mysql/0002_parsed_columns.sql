-- The per-exchange columns v2 stored (nova RawData, glance GlanceRawData); NULL where a column
-- does not apply to the event's exchange. One ALTER: MySQL DDL is not transactional, so one
-- statement either happens or not.
ALTER TABLE raw_events
    ADD COLUMN state        VARCHAR(255),  -- nova payload.state
    ADD COLUMN old_state    VARCHAR(255),  -- nova payload.old_state
    ADD COLUMN old_task     VARCHAR(255),  -- nova payload.old_task_state
    ADD COLUMN task         VARCHAR(255),  -- nova payload.new_task_state
    ADD COLUMN image_type   BIGINT,        -- image type bit code (nova, glance)
    ADD COLUMN image_status VARCHAR(255),  -- glance payload.status
    ADD COLUMN image_uuid   VARCHAR(255),  -- glance payload.id
    ADD COLUMN image_size   BIGINT;        -- glance payload.size

-- v2's RawDataImageMeta (see the other backends). raw_id is raw_events.id; no foreign key.
CREATE TABLE raw_image_meta (
    raw_id          BIGINT NOT NULL PRIMARY KEY,
    os_architecture TEXT,  -- org.openstack__1__architecture
    os_distro       TEXT,  -- org.openstack__1__os_distro
    os_version      TEXT,  -- org.openstack__1__os_version
    rax_options     TEXT   -- com.rackspace__1__options
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
