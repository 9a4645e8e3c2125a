-- The event and host names of v2's three raw tables (nova, glance, generic: every other
-- exchange), each with the newest notification time stored with it, upserted by every batch.
-- /stacky/events/ and /stacky/hosts/ list them, and every watch poll and /stacky/summary/ read
-- the nova event names: a few rows, where a loose index scan of raw_events tested each name's
-- first thousand rows for the service (300 ms for /stacky/events/ at a million events, 16 ms a
-- watch poll). Retention drops a name once its newest time is past the events' horizon.
CREATE TABLE stacky_names (
    id        INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,   -- 'event', 'host', or 'no_host' (name ''): an event without one
    service   TEXT    NOT NULL,   -- 'nova', 'glance' or 'generic'
    name      TEXT    NOT NULL,
    last_when INTEGER NOT NULL    -- the newest notification time stored with it, UTC µs
);
-- The upsert's key, and the lists (by kind and service, in name order).
CREATE UNIQUE INDEX stacky_names_key ON stacky_names (kind, service, name);

-- The names of the events stored so far.
INSERT INTO stacky_names (kind, service, name, last_when)
SELECT 'event', CASE exchange WHEN 'nova' THEN 'nova' WHEN 'glance' THEN 'glance'
                ELSE 'generic' END AS svc, event, MAX(when_us)
FROM raw_events GROUP BY svc, event;
INSERT INTO stacky_names (kind, service, name, last_when)
SELECT 'host', CASE exchange WHEN 'nova' THEN 'nova' WHEN 'glance' THEN 'glance'
               ELSE 'generic' END AS svc, host, MAX(when_us)
FROM raw_events WHERE host IS NOT NULL GROUP BY svc, host;
INSERT INTO stacky_names (kind, service, name, last_when)
SELECT 'no_host', CASE exchange WHEN 'nova' THEN 'nova' WHEN 'glance' THEN 'glance'
                  ELSE 'generic' END AS svc, '', MAX(when_us)
FROM raw_events WHERE host IS NULL GROUP BY svc;
