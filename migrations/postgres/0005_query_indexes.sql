-- Indexes the /api/v1 queries need (bench-queries at 1,000,000 events), and no more.
-- Error rows only: `?errors=true` (API and live feed) lists the rare error rows by id. Without
-- it the query walks the primary key past every non-error row. Partial, so non-error rows cost
-- ingest nothing but the predicate; the WHERE clause is the query's IS_ERROR term, verbatim,
-- so the planner can prove the query implies it.
CREATE INDEX raw_events_errors ON raw_events (id)
    WHERE (routing_key LIKE '%error' OR event LIKE '%.error');
