-- Indexes the web pages need, and no more: every index costs ingest speed.
-- Drill-down, search and the host/tenant pages list rows with one value, newest first:
-- `WHERE host = ? ORDER BY id DESC LIMIT n` walks (host, id) backwards without a sort. (An
-- InnoDB secondary index already ends with the primary key, as SQLite's does; the explicit id
-- keeps the definition identical to PostgreSQL's.)
CREATE INDEX raw_events_host ON raw_events (host, id);
CREATE INDEX raw_events_tenant ON raw_events (tenant, id);
CREATE INDEX raw_events_event ON raw_events (event, id);
-- Service and routing key have few distinct values: a backwards walk of the primary key finds
-- the newest matches fast, so they get no index.

-- The timings page: operations that ended in a window; the slowest requests of the last day.
CREATE INDEX timings_end_when ON timings (end_when);
CREATE INDEX request_trackers_start ON request_trackers (start);
-- The instance page's exists rows.
CREATE INDEX instance_exists_instance ON instance_exists (instance);
