-- What StackTach v2 derived from the raw events (inventory §1.c), written in the same
-- transaction as the raw rows. Times are UTC microseconds. References to raw_events are soft
-- (no foreign key): old raw events may be pruned while their aggregates stay, as in v2.
-- Foreign keys are table-level (MySQL 8.0 ignores inline REFERENCES); InnoDB adds an index on
-- each referencing column that has none (request_trackers.lifecycle_id, .last_timing_id,
-- *_exists.usage_id, .delete_id).

-- One row per instance: its latest event's state and *old* task state (v2 semantics).
CREATE TABLE lifecycles (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    instance        VARCHAR(255) NOT NULL,
    last_state      VARCHAR(255),
    last_task_state VARCHAR(255),
    last_raw_id     BIGINT,
    CONSTRAINT lifecycles_instance UNIQUE (instance)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

-- A .start/.end pair of one operation on one instance; either half may be missing.
CREATE TABLE timings (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(255) NOT NULL,  -- the event type without .start/.end
    lifecycle_id BIGINT       NOT NULL,
    start_raw_id BIGINT,
    end_raw_id   BIGINT,
    start_when   BIGINT,
    end_when     BIGINT,
    diff         BIGINT,                 -- end_when - start_when
    CONSTRAINT timings_lifecycle_fk FOREIGN KEY (lifecycle_id) REFERENCES lifecycles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
-- Open timings of a lifecycle (ingest), a lifecycle's timings (pages).
CREATE INDEX timings_lifecycle ON timings (lifecycle_id, name);

-- One per request id (v2 made one per API update): API entry → latest .end of the request.
CREATE TABLE request_trackers (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    request_id     VARCHAR(255) NOT NULL,
    lifecycle_id   BIGINT       NOT NULL,
    last_timing_id BIGINT,
    start          BIGINT       NOT NULL,
    duration       BIGINT       NOT NULL DEFAULT 0,
    completed      BOOLEAN      NOT NULL DEFAULT FALSE,  -- "not used" in v2 either
    CONSTRAINT request_trackers_request UNIQUE (request_id),
    CONSTRAINT request_trackers_lifecycle_fk FOREIGN KEY (lifecycle_id) REFERENCES lifecycles (id),
    CONSTRAINT request_trackers_timing_fk FOREIGN KEY (last_timing_id) REFERENCES timings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

-- What an instance was launched as, per request.
CREATE TABLE instance_usages (
    id                 BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    instance           VARCHAR(255) NOT NULL,
    request_id         VARCHAR(255) NOT NULL,
    launched_at        BIGINT,
    instance_type_id   VARCHAR(255),
    instance_flavor_id VARCHAR(255),
    tenant             VARCHAR(255),
    rax_options        TEXT,
    os_architecture    TEXT,
    os_version         TEXT,
    os_distro          TEXT,
    CONSTRAINT instance_usages_instance_request UNIQUE (instance, request_id)  -- also by instance
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

CREATE TABLE instance_deletes (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    instance    VARCHAR(255) NOT NULL,
    launched_at BIGINT       NOT NULL,
    deleted_at  BIGINT,
    raw_id      BIGINT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE INDEX instance_deletes_instance ON instance_deletes (instance, launched_at);

-- compute.instance.exists, awaiting verification.
CREATE TABLE instance_exists (
    id                     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id             VARCHAR(255),
    instance               VARCHAR(255) NOT NULL,
    launched_at            BIGINT       NOT NULL,
    deleted_at             BIGINT,
    audit_period_beginning BIGINT       NOT NULL,
    audit_period_ending    BIGINT       NOT NULL,
    instance_type_id       VARCHAR(255),
    instance_flavor_id     VARCHAR(255),
    tenant                 VARCHAR(255),
    rax_options            TEXT,
    os_architecture        TEXT,
    os_version             TEXT,
    os_distro              TEXT,
    bandwidth_public_out   BIGINT       NOT NULL DEFAULT 0,
    status                 VARCHAR(255) NOT NULL DEFAULT 'pending',
    fail_reason            TEXT,
    send_status            BIGINT       NOT NULL DEFAULT 0,
    raw_id                 BIGINT       NOT NULL,
    usage_id               BIGINT,
    delete_id              BIGINT,
    CONSTRAINT instance_exists_usage_fk FOREIGN KEY (usage_id) REFERENCES instance_usages (id),
    CONSTRAINT instance_exists_delete_fk FOREIGN KEY (delete_id) REFERENCES instance_deletes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE INDEX instance_exists_message ON instance_exists (message_id);

-- Glance: image.activate, image.delete, and one row per image of image.exists.
CREATE TABLE image_usages (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    uuid        VARCHAR(255),
    created_at  BIGINT,
    owner       VARCHAR(255),
    size        BIGINT,
    last_raw_id BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE INDEX image_usages_uuid ON image_usages (uuid);

CREATE TABLE image_deletes (
    id         BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    uuid       VARCHAR(255),
    deleted_at BIGINT,
    raw_id     BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE INDEX image_deletes_uuid ON image_deletes (uuid);

CREATE TABLE image_exists (
    id                     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id             VARCHAR(255),   -- shared by the images of one notification
    uuid                   VARCHAR(255),
    created_at             BIGINT       NOT NULL,
    deleted_at             BIGINT,
    audit_period_beginning BIGINT,
    audit_period_ending    BIGINT,
    owner                  VARCHAR(255),
    size                   BIGINT,
    status                 VARCHAR(255) NOT NULL DEFAULT 'pending',
    fail_reason            TEXT,
    send_status            BIGINT       NOT NULL DEFAULT 0,
    raw_id                 BIGINT       NOT NULL,
    usage_id               BIGINT,
    delete_id              BIGINT,
    CONSTRAINT image_exists_usage_fk FOREIGN KEY (usage_id) REFERENCES image_usages (id),
    CONSTRAINT image_exists_delete_fk FOREIGN KEY (delete_id) REFERENCES image_deletes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE INDEX image_exists_message ON image_exists (message_id);
