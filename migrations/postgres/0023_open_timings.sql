-- The open timings (a start, no end yet) of a batch's instances, which every ingest batch
-- loads: PostgreSQL only. Its planner estimates the open share of timings from stale
-- statistics (1,800 rows where 130,000 were open at 8.5 million events) and answered the
-- lookup with a hash join over a sequential scan of every timing (76 ms a batch, growing with
-- the table: ingest fell to 3,000 events/s near ten million). This index holds the open
-- timings only and matches the lookup's conditions, so the batch's lifecycles probe it. SQLite
-- and MySQL/MariaDB already answer the lookup from the lifecycles' instances through
-- timings_lifecycle (nested loops); MySQL/MariaDB have no partial index.
CREATE INDEX timings_open ON timings (lifecycle_id)
    WHERE end_raw_id IS NULL AND start_raw_id IS NOT NULL AND start_when IS NOT NULL;
