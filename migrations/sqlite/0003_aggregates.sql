-- What StackTach v2 derived from the raw events (inventory §1.c), written in the same
-- transaction as the raw rows. Times are UTC microseconds. References to raw_events are soft
-- (no foreign key): old raw events may be pruned while their aggregates stay, as in v2.
-- Ids are plain rowids (no AUTOINCREMENT bookkeeping): nothing resumes from them.

-- One row per instance: its latest event's state and *old* task state (v2 semantics).
CREATE TABLE lifecycles (
    id              INTEGER PRIMARY KEY,
    instance        TEXT   NOT NULL UNIQUE,
    last_state      TEXT,
    last_task_state TEXT,
    last_raw_id     INTEGER
);

-- A .start/.end pair of one operation on one instance; either half may be missing.
CREATE TABLE timings (
    id           INTEGER PRIMARY KEY,
    name         TEXT   NOT NULL,  -- the event type without .start/.end
    lifecycle_id INTEGER NOT NULL REFERENCES lifecycles (id),
    start_raw_id INTEGER,
    end_raw_id   INTEGER,
    start_when   INTEGER,
    end_when     INTEGER,
    diff         INTEGER            -- end_when - start_when
);
-- Open timings of a lifecycle (ingest), a lifecycle's timings (pages).
CREATE INDEX timings_lifecycle ON timings (lifecycle_id, name);

-- One per request id (v2 made one per API update): API entry → latest .end of the request.
CREATE TABLE request_trackers (
    id             INTEGER PRIMARY KEY,
    request_id     TEXT    NOT NULL UNIQUE,
    lifecycle_id   INTEGER  NOT NULL REFERENCES lifecycles (id),
    last_timing_id INTEGER  REFERENCES timings (id),
    start          INTEGER  NOT NULL,
    duration       INTEGER  NOT NULL DEFAULT 0,
    completed      BOOLEAN NOT NULL DEFAULT FALSE  -- "not used" in v2 either
);

-- What an instance was launched as, per request.
CREATE TABLE instance_usages (
    id                 INTEGER PRIMARY KEY,
    instance           TEXT   NOT NULL,
    request_id         TEXT   NOT NULL,
    launched_at        INTEGER,
    instance_type_id   TEXT,
    instance_flavor_id TEXT,
    tenant             TEXT,
    rax_options        TEXT,
    os_architecture    TEXT,
    os_version         TEXT,
    os_distro          TEXT,
    UNIQUE (instance, request_id)  -- also serves lookups by instance
);

CREATE TABLE instance_deletes (
    id          INTEGER PRIMARY KEY,
    instance    TEXT   NOT NULL,
    launched_at INTEGER NOT NULL,
    deleted_at  INTEGER,
    raw_id      INTEGER
);
CREATE INDEX instance_deletes_instance ON instance_deletes (instance, launched_at);

-- compute.instance.exists, awaiting verification.
CREATE TABLE instance_exists (
    id                     INTEGER PRIMARY KEY,
    message_id             TEXT,
    instance               TEXT   NOT NULL,
    launched_at            INTEGER NOT NULL,
    deleted_at             INTEGER,
    audit_period_beginning INTEGER NOT NULL,
    audit_period_ending    INTEGER NOT NULL,
    instance_type_id       TEXT,
    instance_flavor_id     TEXT,
    tenant                 TEXT,
    rax_options            TEXT,
    os_architecture        TEXT,
    os_version             TEXT,
    os_distro              TEXT,
    bandwidth_public_out   INTEGER NOT NULL DEFAULT 0,
    status                 TEXT   NOT NULL DEFAULT 'pending',
    fail_reason            TEXT,
    send_status            INTEGER NOT NULL DEFAULT 0,
    raw_id                 INTEGER NOT NULL,
    usage_id               INTEGER REFERENCES instance_usages (id),
    delete_id              INTEGER REFERENCES instance_deletes (id)
);
CREATE INDEX instance_exists_message ON instance_exists (message_id);

-- Glance: image.activate, image.delete, and one row per image of image.exists.
CREATE TABLE image_usages (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT,
    created_at  INTEGER,
    owner       TEXT,
    size        INTEGER,
    last_raw_id INTEGER NOT NULL
);
CREATE INDEX image_usages_uuid ON image_usages (uuid);

CREATE TABLE image_deletes (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT,
    deleted_at INTEGER,
    raw_id     INTEGER NOT NULL
);
CREATE INDEX image_deletes_uuid ON image_deletes (uuid);

CREATE TABLE image_exists (
    id                     INTEGER PRIMARY KEY,
    message_id             TEXT,   -- shared by the images of one notification
    uuid                   TEXT,
    created_at             INTEGER NOT NULL,
    deleted_at             INTEGER,
    audit_period_beginning INTEGER,
    audit_period_ending    INTEGER,
    owner                  TEXT,
    size                   INTEGER,
    status                 TEXT   NOT NULL DEFAULT 'pending',
    fail_reason            TEXT,
    send_status            INTEGER NOT NULL DEFAULT 0,
    raw_id                 INTEGER NOT NULL,
    usage_id               INTEGER REFERENCES image_usages (id),
    delete_id              INTEGER REFERENCES image_deletes (id)
);
CREATE INDEX image_exists_message ON image_exists (message_id);
