-- Host and tenant rollups: every stored event adds itself to one row per (its host, the hour
-- of its notification time, its event type) and one per (its tenant, hour, type), with how
-- many of them were errors. The host and tenant pages count a day of events from these rows
-- (at most 25 hours × the event types in use) instead of reading every event: at a million
-- events the pages read 10,000 events each and took 80-160 ms.
CREATE TABLE scope_rollups (
    id      INTEGER PRIMARY KEY,
    kind    TEXT    NOT NULL,   -- the raw_events column counted: 'host' or 'tenant'
    scope   TEXT    NOT NULL,   -- the host or tenant
    hour_us INTEGER NOT NULL,   -- the hour's start, UTC microseconds
    event   TEXT    NOT NULL,
    n       INTEGER NOT NULL,
    errors  INTEGER NOT NULL
);
-- The upsert's key, and the page's range of hours.
CREATE UNIQUE INDEX scope_rollups_key ON scope_rollups (kind, scope, hour_us, event);

-- A host's and a tenant's error events by notification time: the pages' exact error counts of
-- the last hour and day and their newest errors, one range each. Partial, as raw_events_errors
-- (0005): only error rows pay for them; the WHERE clause is the queries' IS_ERROR term.
CREATE INDEX raw_events_host_errors ON raw_events (host, when_us)
    WHERE (routing_key LIKE '%error' OR event LIKE '%.error');
CREATE INDEX raw_events_tenant_errors ON raw_events (tenant, when_us)
    WHERE (routing_key LIKE '%error' OR event LIKE '%.error');

-- What the events stored so far add up to. (LIKE ignores ASCII case on SQLite; ingest tests
-- the suffixes as written. The two differ only for an upper-case routing key or event type.)
INSERT INTO scope_rollups (kind, scope, hour_us, event, n, errors)
SELECT kind, scope, hour_us, event, COUNT(*), SUM(is_error) FROM (
    SELECT 'host' AS kind, host AS scope, event,
           when_us - ((when_us % 3600000000) + 3600000000) % 3600000000 AS hour_us,
           CASE WHEN routing_key LIKE '%error' OR event LIKE '%.error' THEN 1 ELSE 0 END AS is_error
    FROM raw_events WHERE host IS NOT NULL
    UNION ALL
    SELECT 'tenant', tenant, event,
           when_us - ((when_us % 3600000000) + 3600000000) % 3600000000,
           CASE WHEN routing_key LIKE '%error' OR event LIKE '%.error' THEN 1 ELSE 0 END
    FROM raw_events WHERE tenant IS NOT NULL
) x GROUP BY kind, scope, hour_us, event
ORDER BY hour_us; -- ids follow the hours, as ingest gives them (retention stops its walk by hour)
