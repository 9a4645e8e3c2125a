-- The exists rows per (status, send_status), kept by triggers on every change of the two
-- exists tables, whoever makes it (ingest, the verifier, the /db API, retention, an operator's
-- own SQL): the status page, /api/v1/status, the verifier's gauges and an unfiltered
-- /db/stats/*/exists read a few rows instead of counting every exists row (56-81 ms at one to
-- three million events; SPEC §9: every page <= 20 ms at ten million).
-- Concurrent transactions (ingest batches, the verifier, the /db API) would wait on one row
-- per key until each commits: each connection adds to a shard of its own (its id modulo 16),
-- and the readers sum the shards. With binary logging on, creating the triggers needs the
-- SUPER privilege or log_bin_trust_function_creators.
CREATE TABLE exists_counts (
    tbl         VARCHAR(32)  NOT NULL,   -- 'instance_exists' or 'image_exists'
    status      VARCHAR(255) NOT NULL,
    send_status BIGINT       NOT NULL,
    shard       INT          NOT NULL,
    n           BIGINT       NOT NULL,   -- may be 0 or negative in a shard; the sum is the count
    PRIMARY KEY (tbl, status, send_status, shard)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

CREATE TRIGGER instance_exists_counted_insert AFTER INSERT ON instance_exists FOR EACH ROW
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', NEW.status, NEW.send_status, CONNECTION_ID() % 16, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
CREATE TRIGGER instance_exists_counted_update AFTER UPDATE ON instance_exists FOR EACH ROW
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', OLD.status, OLD.send_status, CONNECTION_ID() % 16, -1),
           ('instance_exists', NEW.status, NEW.send_status, CONNECTION_ID() % 16, 1)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
CREATE TRIGGER instance_exists_counted_delete AFTER DELETE ON instance_exists FOR EACH ROW
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', OLD.status, OLD.send_status, CONNECTION_ID() % 16, -1)
    ON DUPLICATE KEY UPDATE n = n - 1;

CREATE TRIGGER image_exists_counted_insert AFTER INSERT ON image_exists FOR EACH ROW
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', NEW.status, NEW.send_status, CONNECTION_ID() % 16, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
CREATE TRIGGER image_exists_counted_update AFTER UPDATE ON image_exists FOR EACH ROW
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', OLD.status, OLD.send_status, CONNECTION_ID() % 16, -1),
           ('image_exists', NEW.status, NEW.send_status, CONNECTION_ID() % 16, 1)
    ON DUPLICATE KEY UPDATE n = n + VALUES(n);
CREATE TRIGGER image_exists_counted_delete AFTER DELETE ON image_exists FOR EACH ROW
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', OLD.status, OLD.send_status, CONNECTION_ID() % 16, -1)
    ON DUPLICATE KEY UPDATE n = n - 1;

-- What the stored rows count.
INSERT INTO exists_counts (tbl, status, send_status, shard, n)
SELECT 'instance_exists', status, send_status, 0, COUNT(*) FROM instance_exists
GROUP BY status, send_status;
INSERT INTO exists_counts (tbl, status, send_status, shard, n)
SELECT 'image_exists', status, send_status, 0, COUNT(*) FROM image_exists
GROUP BY status, send_status;
