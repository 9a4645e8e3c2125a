-- Deployments (one per RabbitMQ server/cell) and every stored notification.
CREATE TABLE deployments (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE raw_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT, -- ingest order; the live feed's cursor
    deployment_id INTEGER NOT NULL REFERENCES deployments (id),
    exchange      TEXT    NOT NULL,
    routing_key   TEXT    NOT NULL,
    event         TEXT    NOT NULL,
    publisher     TEXT    NOT NULL,
    service       TEXT    NOT NULL,
    host          TEXT,
    when_us       INTEGER NOT NULL,                  -- UTC microseconds
    request_id    TEXT    NOT NULL,
    instance      TEXT,
    tenant        TEXT,
    message_id    TEXT,
    dedupe_key    TEXT    NOT NULL,                  -- message_id, or a hash of the body
    received_us   INTEGER NOT NULL,
    json          TEXT    NOT NULL
);
-- Redelivery is idempotent: the same message in the same deployment is stored once.
CREATE UNIQUE INDEX raw_events_dedupe ON raw_events (deployment_id, dedupe_key);
CREATE INDEX raw_events_deployment ON raw_events (deployment_id, id);
CREATE INDEX raw_events_instance ON raw_events (instance, when_us);
CREATE INDEX raw_events_request ON raw_events (request_id, when_us);
CREATE INDEX raw_events_when ON raw_events (when_us);

-- Messages that could not be parsed: kept byte for byte, acked, counted, never retried.
CREATE TABLE quarantine (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment_id INTEGER NOT NULL REFERENCES deployments (id),
    exchange      TEXT    NOT NULL,
    routing_key   TEXT    NOT NULL,
    error         TEXT    NOT NULL,
    body          BLOB    NOT NULL,
    received_us   INTEGER NOT NULL
);
CREATE INDEX quarantine_deployment ON quarantine (deployment_id, id);
