-- The exists rows per (status, send_status), kept by triggers on every change of the two
-- exists tables, whoever makes it (ingest, the verifier, the /db API, retention, an operator's
-- own SQL): the status page, /api/v1/status, the verifier's gauges and an unfiltered
-- /db/stats/*/exists read a few rows instead of counting every exists row (56-81 ms at one to
-- three million events; SPEC §9: every page <= 20 ms at ten million).
-- One writer at a time on SQLite: one row per key (shard 0).
CREATE TABLE exists_counts (
    tbl         TEXT    NOT NULL,   -- 'instance_exists' or 'image_exists'
    status      TEXT    NOT NULL,
    send_status INTEGER NOT NULL,
    shard       INTEGER NOT NULL,
    n           INTEGER NOT NULL,   -- may be 0: a key whose rows all moved on
    PRIMARY KEY (tbl, status, send_status, shard)
) WITHOUT ROWID;

CREATE TRIGGER instance_exists_counted_insert AFTER INSERT ON instance_exists BEGIN
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', NEW.status, NEW.send_status, 0, 1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER instance_exists_counted_update AFTER UPDATE OF status, send_status ON instance_exists BEGIN
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', OLD.status, OLD.send_status, 0, -1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n - 1;
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', NEW.status, NEW.send_status, 0, 1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER instance_exists_counted_delete AFTER DELETE ON instance_exists BEGIN
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('instance_exists', OLD.status, OLD.send_status, 0, -1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER image_exists_counted_insert AFTER INSERT ON image_exists BEGIN
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', NEW.status, NEW.send_status, 0, 1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER image_exists_counted_update AFTER UPDATE OF status, send_status ON image_exists BEGIN
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', OLD.status, OLD.send_status, 0, -1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n - 1;
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', NEW.status, NEW.send_status, 0, 1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER image_exists_counted_delete AFTER DELETE ON image_exists BEGIN
    INSERT INTO exists_counts (tbl, status, send_status, shard, n)
    VALUES ('image_exists', OLD.status, OLD.send_status, 0, -1)
    ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = n - 1;
END;

-- What the stored rows count.
INSERT INTO exists_counts (tbl, status, send_status, shard, n)
SELECT 'instance_exists', status, send_status, 0, COUNT(*) FROM instance_exists
GROUP BY status, send_status;
INSERT INTO exists_counts (tbl, status, send_status, shard, n)
SELECT 'image_exists', status, send_status, 0, COUNT(*) FROM image_exists
GROUP BY status, send_status;
