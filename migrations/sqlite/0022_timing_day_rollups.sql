-- Timing rollups per UTC day: the sums of timing_rollups' hours (count, total, exact extremes)
-- per (day, operation, duration bucket), written by ingest beside the hours. The timings page
-- reads its window's whole days from here and only the hours before the first midnight from
-- timing_rollups: a 7-day window is about 8 rows per operation and bucket, not 168 (the hourly
-- rows made the 7-day page 20 ms at three million events). /stacky/summary sums these too.
-- Retention takes a day once it is wholly before the timings' horizon.
CREATE TABLE timing_day_rollups (
    id       INTEGER PRIMARY KEY,
    day_us   INTEGER NOT NULL,   -- the UTC day's start, microseconds
    name     TEXT    NOT NULL,   -- the operation (the event type without .start/.end)
    bucket   INTEGER NOT NULL,   -- timing_rollup_buckets
    n        INTEGER NOT NULL,
    total_us INTEGER NOT NULL,
    min_us   INTEGER NOT NULL,
    max_us   INTEGER NOT NULL
);
-- The upsert's key, and the pages' range by day.
CREATE UNIQUE INDEX timing_day_rollups_key ON timing_day_rollups (day_us, name, bucket);

-- What the hours stored so far add up to.
INSERT INTO timing_day_rollups (day_us, name, bucket, n, total_us, min_us, max_us)
SELECT day_us, name, bucket, SUM(n), SUM(total_us), MIN(min_us), MAX(max_us) FROM (
    SELECT hour_us - ((hour_us % 86400000000) + 86400000000) % 86400000000 AS day_us,
           name, bucket, n, total_us, min_us, max_us
    FROM timing_rollups
) x GROUP BY day_us, name, bucket;
