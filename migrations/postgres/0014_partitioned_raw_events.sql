-- raw_events partitioned by time (when_us, UTC microseconds), so that retention drops a day
-- whose events all expired as a table (server/src/store/prune/partition_drop.rs) instead of
-- deleting it row by row: no dead rows to vacuum, no WAL per deleted row, the space returned to
-- the file system at once.
--
-- The existing table is converted without copying it (databases hold hundreds of GB of events):
-- it is renamed and attached as the partition `raw_events_legacy` for every time up to the next
-- UTC midnight (dropped instead when it holds no event). Attaching reads its heap once to check the range (the JSON bodies, TOASTed, are
-- not read) under this migration's lock; nothing is written but the few rows moved below.
-- New days get partitions `raw_events_pYYYYMMDD`, created ahead by the server
-- (server/src/store/partitions.rs, at startup and hourly), a standalone table attached with a
-- lock ingest does not wait for. `raw_events_default` takes an event no partition covers.
--
-- Uniqueness: the dedupe index (deployment_id, when_us, dedupe_key) holds the partition key,
-- so it stays one unique index over all partitions and ingest's ON CONFLICT keeps its arbiter.
-- The id (from one sequence: an identity column on a partitioned table needs PostgreSQL 17) is
-- each partition's own primary key: a unique index on the parent would have to include
-- when_us, and the legacy table's primary key (id) would then be rebuilt from scratch.
-- Column order is the old table's (0001, then 0002's columns): partitions are copied into each
-- other with SELECT *.
--
-- Carried over: json's lz4 compression (0002/0007) exactly where the old column had it
-- (PostgreSQL 14+ built with lz4); partitions inherit it. 0009's fillfactors were set on the
-- aggregate tables only, never on raw_events (rows are inserted, never updated).

LOCK TABLE raw_events IN ACCESS EXCLUSIVE MODE;

-- The old table, its indexes and constraints move aside for the partitioned table's names.
ALTER TABLE raw_events RENAME TO raw_events_legacy;
ALTER INDEX raw_events_pkey RENAME TO raw_events_legacy_pkey;
ALTER INDEX raw_events_dedupe RENAME TO raw_events_legacy_dedupe;
ALTER INDEX raw_events_deployment RENAME TO raw_events_legacy_deployment;
ALTER INDEX raw_events_instance RENAME TO raw_events_legacy_instance;
ALTER INDEX raw_events_request RENAME TO raw_events_legacy_request;
ALTER INDEX raw_events_when RENAME TO raw_events_legacy_when;
ALTER INDEX raw_events_host RENAME TO raw_events_legacy_host;
ALTER INDEX raw_events_tenant RENAME TO raw_events_legacy_tenant;
ALTER INDEX raw_events_event RENAME TO raw_events_legacy_event;
ALTER INDEX raw_events_errors RENAME TO raw_events_legacy_errors;
ALTER INDEX raw_events_image_uuid RENAME TO raw_events_legacy_image_uuid;
ALTER TABLE raw_events_legacy
    RENAME CONSTRAINT raw_events_deployment_id_fkey TO raw_events_legacy_deployment_id_fkey;

-- The identity becomes a plain sequence that goes on where the identity stopped.
CREATE SEQUENCE raw_events_id_seq_next AS BIGINT;
SELECT setval('raw_events_id_seq_next', last_value, is_called) FROM raw_events_id_seq;
ALTER TABLE raw_events_legacy ALTER COLUMN id DROP IDENTITY;
ALTER SEQUENCE raw_events_id_seq_next RENAME TO raw_events_id_seq;

CREATE TABLE raw_events (
    id            BIGINT NOT NULL DEFAULT nextval('raw_events_id_seq'), -- ingest order; live cursor
    deployment_id BIGINT NOT NULL REFERENCES deployments (id),
    exchange      TEXT   NOT NULL,
    routing_key   TEXT   NOT NULL,
    event         TEXT   NOT NULL,
    publisher     TEXT   NOT NULL,
    service       TEXT   NOT NULL,
    host          TEXT,
    when_us       BIGINT NOT NULL,                  -- UTC microseconds; the partition key
    request_id    TEXT   NOT NULL,
    instance      TEXT,
    tenant        TEXT,
    message_id    TEXT,
    dedupe_key    TEXT   NOT NULL,
    received_us   BIGINT NOT NULL,
    json          TEXT   NOT NULL,
    state         TEXT,
    old_state     TEXT,
    old_task      TEXT,
    task          TEXT,
    image_type    BIGINT,
    image_status  TEXT,
    image_uuid    TEXT,
    image_size    BIGINT
) PARTITION BY RANGE (when_us);
ALTER SEQUENCE raw_events_id_seq OWNED BY raw_events.id;

-- The same indexes under the same names (0001, 0004, 0005, 0008, 0010), now partitioned:
-- attaching a partition adopts its matching indexes instead of building them.
CREATE UNIQUE INDEX raw_events_dedupe ON raw_events (deployment_id, when_us, dedupe_key);
CREATE INDEX raw_events_deployment ON raw_events (deployment_id, id);
CREATE INDEX raw_events_instance ON raw_events (instance, when_us);
CREATE INDEX raw_events_request ON raw_events (request_id, when_us);
CREATE INDEX raw_events_when ON raw_events (when_us);
CREATE INDEX raw_events_host ON raw_events (host, id);
CREATE INDEX raw_events_tenant ON raw_events (tenant, id);
CREATE INDEX raw_events_event ON raw_events (event, id);
CREATE INDEX raw_events_errors ON raw_events (id)
    WHERE (routing_key LIKE '%error' OR event LIKE '%.error');
CREATE INDEX raw_events_image_uuid ON raw_events (image_uuid) WHERE image_uuid IS NOT NULL;

-- json's compression as the old column had it (attcompression exists from PostgreSQL 14; read
-- through EXECUTE so that 12 and 13 never parse it).
DO $$
DECLARE
    method "char";
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'SELECT attcompression FROM pg_attribute '
                'WHERE attrelid = ''raw_events_legacy''::regclass AND attname = ''json'''
            INTO method;
        IF method = 'l' THEN
            EXECUTE 'ALTER TABLE raw_events ALTER COLUMN json SET COMPRESSION lz4';
        END IF;
    END IF;
END
$$;

-- The default partition: events of a time no partition covers (a clock far off, a day the
-- server did not create in time). Pruned row by row.
CREATE TABLE raw_events_default (LIKE raw_events INCLUDING ALL);
ALTER TABLE raw_events_default ADD PRIMARY KEY (id);

-- The legacy partition ends at the next UTC midnight; rows stamped later than that (clocks
-- ahead) move to the default partition, from where the server moves them into their day's
-- partition when it creates it. A database without events (a new install) keeps no legacy
-- partition: its events go to day partitions from the first day on.
DO $$
DECLARE
    day_us CONSTANT BIGINT := 86400000000;
    bound BIGINT := (floor(extract(epoch FROM now()) / 86400)::BIGINT + 1) * day_us;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM raw_events_legacy) THEN
        DROP TABLE raw_events_legacy;
        RETURN;
    END IF;
    INSERT INTO raw_events_default SELECT * FROM raw_events_legacy WHERE when_us >= bound;
    DELETE FROM raw_events_legacy WHERE when_us >= bound;
    EXECUTE format('ALTER TABLE raw_events ATTACH PARTITION raw_events_legacy '
                   'FOR VALUES FROM (MINVALUE) TO (%s)', bound);
END
$$;
ALTER TABLE raw_events ATTACH PARTITION raw_events_default DEFAULT;
