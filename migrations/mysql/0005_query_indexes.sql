-- Indexes the /api/v1 queries need (bench-queries at 1,000,000 events), and no more.
-- Error rows: `?errors=true` lists the rare error rows by id. MySQL has no partial index, so the
-- error test is a virtual generated column (computed, not stored) with an index on (is_error,
-- id); the store's IS_ERROR term carries `/*! AND e.is_error = 1 */`, which only MySQL and
-- MariaDB execute, so the query walks this index. The expression is the IS_ERROR term verbatim.
ALTER TABLE raw_events
    ADD COLUMN is_error BOOLEAN AS (routing_key LIKE '%error' OR event LIKE '%.error') VIRTUAL,
    ADD INDEX raw_events_errors (is_error, id);
