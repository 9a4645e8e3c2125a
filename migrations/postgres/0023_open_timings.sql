-- The open timings (a start, no end yet) of a batch's instances, which every ingest batch
-- loads: PostgreSQL only. Its planner estimates the open share of timings from stale
-- statistics (1,800 rows where 130,000 were open at 8.5 million events) and answered the
-- lookup with a hash join over a sequential scan of every timing (76 ms a batch, growing with
-- the table: ingest fell to 3,000 events/s near ten million). The lookup now takes the
-- lifecycles' ids first and then the open timings of those ids (store/aggregates/load.rs), so
-- every plan probes an index per id; this index holds the open timings only and matches the
-- lookup's conditions, so each probe skips the lifecycle's closed timings (2.7 MB beside the
-- table's 119 MB at ten million events). SQLite and MySQL/MariaDB probe timings_lifecycle;
-- MySQL/MariaDB have no partial index.
CREATE INDEX timings_open ON timings (lifecycle_id)
    WHERE end_raw_id IS NULL AND start_raw_id IS NOT NULL AND start_when IS NOT NULL;
