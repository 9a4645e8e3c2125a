-- The billing half (inventory §1.f–1.h): what the verifier, the /db API and the reports need
-- beyond the usage tables of 0003. Times are UTC microseconds.

-- v2's InstanceReconcile: an instance's launch/delete as an authority (the Nova database,
-- through v2's reconciler) saw it. The verifier tries these rows when the usage tables fail.
CREATE TABLE instance_reconcile (
    id                 INTEGER PRIMARY KEY,
    row_created        INTEGER NOT NULL,
    row_updated        INTEGER NOT NULL,
    instance           TEXT    NOT NULL,
    launched_at        INTEGER NOT NULL,
    deleted_at         INTEGER,
    instance_type_id   TEXT,
    instance_flavor_id TEXT,
    tenant             TEXT,
    rax_options        TEXT,
    os_architecture    TEXT,
    os_version         TEXT,
    os_distro          TEXT,
    source             TEXT
);
CREATE INDEX instance_reconcile_instance ON instance_reconcile (instance, launched_at);

-- v2's TenantInfo and TenantType (a many-to-many), written by /db/tenant/*, read by the
-- instance hours report.
CREATE TABLE tenant_info (
    id           INTEGER PRIMARY KEY,
    tenant       TEXT    NOT NULL UNIQUE,
    name         TEXT,
    last_updated INTEGER NOT NULL
);
CREATE TABLE tenant_types (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (name, value)
);
CREATE TABLE tenant_info_types (
    tenant_info_id INTEGER NOT NULL REFERENCES tenant_info (id),
    tenant_type_id INTEGER NOT NULL REFERENCES tenant_types (id),
    PRIMARY KEY (tenant_info_id, tenant_type_id)
);

-- v2's exists.event_id, set by /db/confirm/usage/exists/batch/ version 2.
ALTER TABLE instance_exists ADD COLUMN event_id TEXT;
ALTER TABLE image_exists ADD COLUMN event_id TEXT;

-- The verifier's pass: `status = … AND audit_period_ending <= … ORDER BY id LIMIT batch`;
-- also /db/stats/*/exists (grouped by status).
CREATE INDEX instance_exists_status ON instance_exists (status, id);
CREATE INDEX image_exists_status ON image_exists (status, id);

-- The Usage overview counts exists per audit period, status and send status: a covering index
-- makes that an index-only scan (exists are a few rows per instance per day, so ingest barely
-- pays for it).
CREATE INDEX instance_exists_period ON instance_exists
    (audit_period_ending, audit_period_beginning, status, send_status);
CREATE INDEX image_exists_period ON image_exists
    (audit_period_ending, audit_period_beginning, status, send_status);
