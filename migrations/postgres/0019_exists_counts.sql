-- The exists rows per (status, send_status), kept by triggers on every change of the two
-- exists tables, whoever makes it (ingest, the verifier, the /db API, retention, an operator's
-- own SQL): the status page, /api/v1/status, the verifier's gauges and an unfiltered
-- /db/stats/*/exists read a few rows instead of counting every exists row (56-81 ms at one to
-- three million events; SPEC §9: every page <= 20 ms at ten million).
-- Concurrent transactions (ingest batches, the verifier, the /db API) would wait on one row
-- per key until each commits: each server process adds to a shard of its own (its pid modulo
-- 16), and the readers sum the shards.
CREATE TABLE exists_counts (
    tbl         TEXT   NOT NULL,   -- 'instance_exists' or 'image_exists'
    status      TEXT   NOT NULL,
    send_status BIGINT NOT NULL,
    shard       INT    NOT NULL,
    n           BIGINT NOT NULL,   -- may be 0 or negative in a shard; the sum is the count
    PRIMARY KEY (tbl, status, send_status, shard)
);

-- Once per statement, from its transition tables: one upsert per key the statement changed
-- (the verifier moves thousands of rows per statement), in key order.
CREATE FUNCTION exists_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO exists_counts AS c (tbl, status, send_status, shard, n)
        SELECT TG_TABLE_NAME, status, send_status, pg_backend_pid() % 16, COUNT(*)
        FROM new_rows GROUP BY status, send_status ORDER BY status, send_status
        ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO exists_counts AS c (tbl, status, send_status, shard, n)
        SELECT TG_TABLE_NAME, status, send_status, pg_backend_pid() % 16, -COUNT(*)
        FROM old_rows GROUP BY status, send_status ORDER BY status, send_status
        ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO exists_counts AS c (tbl, status, send_status, shard, n)
        SELECT TG_TABLE_NAME, status, send_status, pg_backend_pid() % 16, SUM(d) FROM (
            SELECT status, send_status, 1 AS d FROM new_rows
            UNION ALL
            SELECT status, send_status, -1 FROM old_rows
        ) x GROUP BY status, send_status HAVING SUM(d) <> 0 ORDER BY status, send_status
        ON CONFLICT (tbl, status, send_status, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER instance_exists_counted_insert AFTER INSERT ON instance_exists
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exists_counts_change();
CREATE TRIGGER instance_exists_counted_update AFTER UPDATE ON instance_exists
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION exists_counts_change();
CREATE TRIGGER instance_exists_counted_delete AFTER DELETE ON instance_exists
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION exists_counts_change();

CREATE TRIGGER image_exists_counted_insert AFTER INSERT ON image_exists
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION exists_counts_change();
CREATE TRIGGER image_exists_counted_update AFTER UPDATE ON image_exists
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION exists_counts_change();
CREATE TRIGGER image_exists_counted_delete AFTER DELETE ON image_exists
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION exists_counts_change();

-- What the stored rows count.
INSERT INTO exists_counts (tbl, status, send_status, shard, n)
SELECT 'instance_exists', status, send_status, 0, COUNT(*) FROM instance_exists
GROUP BY status, send_status;
INSERT INTO exists_counts (tbl, status, send_status, shard, n)
SELECT 'image_exists', status, send_status, 0, COUNT(*) FROM image_exists
GROUP BY status, send_status;
