-- Deployments (one per RabbitMQ server/cell) and every stored notification.
-- MySQL/MariaDB: InnoDB, utf8mb4, and a binary NO PAD collation on every table, so text compares
-- byte for byte as on SQLite and PostgreSQL ('a' <> 'A', 'a' <> 'a '): the executable comments
-- pick utf8mb4_nopad_bin on MariaDB 10.5+ and utf8mb4_0900_bin on MySQL 8.0.17+ (each server
-- skips the other's). Identifier columns are VARCHAR(255) (indexable: 1,020 bytes per key part);
-- ingest quarantines a notification with a longer value. Bodies are LONGTEXT/LONGBLOB.
CREATE TABLE deployments (
    id   BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    CONSTRAINT deployments_name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

CREATE TABLE raw_events (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY, -- ingest order; live cursor
    deployment_id BIGINT       NOT NULL,
    exchange      VARCHAR(255) NOT NULL,
    routing_key   VARCHAR(255) NOT NULL,
    event         VARCHAR(255) NOT NULL,
    publisher     VARCHAR(255) NOT NULL,
    service       VARCHAR(255) NOT NULL,
    host          VARCHAR(255),
    when_us       BIGINT       NOT NULL,                  -- UTC microseconds
    request_id    VARCHAR(255) NOT NULL,
    instance      VARCHAR(255),
    tenant        VARCHAR(255),
    message_id    VARCHAR(255),
    dedupe_key    VARCHAR(255) NOT NULL,                  -- message_id, or a hash of the body
    received_us   BIGINT       NOT NULL,
    json          LONGTEXT     NOT NULL,                  -- multi-MB notifications fit
    -- Table-level FOREIGN KEY: MySQL 8.0 ignores an inline column REFERENCES clause.
    CONSTRAINT raw_events_deployment_fk FOREIGN KEY (deployment_id) REFERENCES deployments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
-- Redelivery is idempotent: the same message in the same deployment is stored once.
CREATE UNIQUE INDEX raw_events_dedupe ON raw_events (deployment_id, dedupe_key);
CREATE INDEX raw_events_deployment ON raw_events (deployment_id, id);
CREATE INDEX raw_events_instance ON raw_events (instance, when_us);
CREATE INDEX raw_events_request ON raw_events (request_id, when_us);
CREATE INDEX raw_events_when ON raw_events (when_us);

-- Messages that could not be parsed: kept byte for byte, acked, counted, never retried.
CREATE TABLE quarantine (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    deployment_id BIGINT       NOT NULL,
    exchange      VARCHAR(255) NOT NULL,
    routing_key   VARCHAR(255) NOT NULL,
    error         MEDIUMTEXT   NOT NULL,
    body          LONGBLOB     NOT NULL,
    received_us   BIGINT       NOT NULL,
    CONSTRAINT quarantine_deployment_fk FOREIGN KEY (deployment_id) REFERENCES deployments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
CREATE INDEX quarantine_deployment ON quarantine (deployment_id, id);

-- MySQL only: the row every ingest batch locks first (SELECT ... FOR UPDATE), so batches
-- commit one after another and ids commit in order (PostgreSQL: an advisory lock).
CREATE TABLE ingest_lock (
    id BIGINT NOT NULL PRIMARY KEY
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
INSERT INTO ingest_lock (id) VALUES (1);
