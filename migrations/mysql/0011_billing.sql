-- The billing half (inventory §1.f–1.h): what the verifier, the /db API and the reports need
-- beyond the usage tables of 0003. Times are UTC microseconds. Indexes of the new tables are
-- declared inside their CREATE TABLE and the exists tables change in one ALTER each: MySQL DDL
-- is not transactional, so fewer statements leave fewer ways to fail half-way.

-- v2's InstanceReconcile: an instance's launch/delete as an authority (the Nova database,
-- through v2's reconciler) saw it. The verifier tries these rows when the usage tables fail.
-- Only `instance` is indexed, so only it is VARCHAR(255); the rest come from the /db API and
-- are TEXT, so no value is too long for them.
CREATE TABLE instance_reconcile (
    id                 BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    row_created        BIGINT       NOT NULL,
    row_updated        BIGINT       NOT NULL,
    instance           VARCHAR(255) NOT NULL,
    launched_at        BIGINT       NOT NULL,
    deleted_at         BIGINT,
    instance_type_id   TEXT,
    instance_flavor_id TEXT,
    tenant             TEXT,
    rax_options        TEXT,
    os_architecture    TEXT,
    os_version         TEXT,
    os_distro          TEXT,
    source             TEXT,
    INDEX instance_reconcile_instance (instance, launched_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

-- v2's TenantInfo and TenantType (a many-to-many), written by /db/tenant/*, read by the
-- instance hours report.
CREATE TABLE tenant_info (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant       VARCHAR(255) NOT NULL,
    name         TEXT,
    last_updated BIGINT       NOT NULL,
    CONSTRAINT tenant_info_tenant UNIQUE (tenant)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE TABLE tenant_types (
    id    BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name  VARCHAR(255) NOT NULL,
    value VARCHAR(255) NOT NULL,
    CONSTRAINT tenant_types_name_value UNIQUE (name, value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
-- Table-level foreign keys: MySQL 8.0 ignores an inline column REFERENCES clause.
CREATE TABLE tenant_info_types (
    tenant_info_id BIGINT NOT NULL,
    tenant_type_id BIGINT NOT NULL,
    PRIMARY KEY (tenant_info_id, tenant_type_id),
    CONSTRAINT tenant_info_types_info_fk FOREIGN KEY (tenant_info_id) REFERENCES tenant_info (id),
    CONSTRAINT tenant_info_types_type_fk FOREIGN KEY (tenant_type_id) REFERENCES tenant_types (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

-- v2's exists.event_id, set by /db/confirm/usage/exists/batch/ version 2 (never indexed: TEXT).
-- The status index: the verifier's pass (`status = … AND audit_period_ending <= … ORDER BY id LIMIT
-- batch`), also /db/stats/*/exists (grouped by status).
-- The period index: the Usage overview counts exists per audit period, status and send status; a covering
-- index makes that an index-only scan (exists are a few rows per instance per day, so ingest
-- barely pays for it).
ALTER TABLE instance_exists
    ADD COLUMN event_id TEXT,
    ADD INDEX instance_exists_status (status, id),
    ADD INDEX instance_exists_period
        (audit_period_ending, audit_period_beginning, status, send_status);
ALTER TABLE image_exists
    ADD COLUMN event_id TEXT,
    ADD INDEX image_exists_status (status, id),
    ADD INDEX image_exists_period
        (audit_period_ending, audit_period_beginning, status, send_status);
