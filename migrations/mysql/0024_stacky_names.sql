-- The event and host names of v2's three raw tables (nova, glance, generic: every other
-- exchange), each with the newest notification time stored with it, upserted by every batch.
-- /stacky/events/ and /stacky/hosts/ list them, and every watch poll and /stacky/summary/ read
-- the nova event names: a few rows, where a GROUP BY scan of raw_events tested each name's
-- first thousand rows for the service. Retention drops a name once its newest time is past the
-- events' horizon. Clustered by its key (InnoDB stores rows in primary key order); the id
-- (retention walks by it) is a unique key of its own. Binary collation, as raw_events.
CREATE TABLE stacky_names (
    id        BIGINT       NOT NULL AUTO_INCREMENT UNIQUE,
    kind      VARCHAR(8)   NOT NULL,   -- 'event', 'host', or 'no_host' (name ''): an event without one
    service   VARCHAR(8)   NOT NULL,   -- 'nova', 'glance' or 'generic'
    name      VARCHAR(255) NOT NULL,
    last_when BIGINT       NOT NULL,   -- the newest notification time stored with it, UTC µs
    CONSTRAINT stacky_names_key PRIMARY KEY (kind, service, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

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
