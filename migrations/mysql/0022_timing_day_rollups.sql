-- Timing rollups per UTC day: the sums of timing_rollups' hours (count, total, exact extremes)
-- per (day, operation, duration bucket), written by ingest beside the hours. The timings page
-- reads its window's whole days from here and only the hours before the first midnight from
-- timing_rollups: a 7-day window is about 8 rows per operation and bucket, not 168 (the hourly
-- rows made the 7-day page 55 ms on MariaDB at three million events). /stacky/summary sums
-- these too. Retention takes a day once it is wholly before the timings' horizon. Clustered by
-- its key, as timing_rollups; the id (retention walks by it) is a unique key of its own.
CREATE TABLE timing_day_rollups (
    id       BIGINT       NOT NULL AUTO_INCREMENT UNIQUE,
    day_us   BIGINT       NOT NULL,   -- the UTC day's start, microseconds
    name     VARCHAR(255) NOT NULL,   -- the operation (the event type without .start/.end)
    bucket   BIGINT       NOT NULL,   -- timing_rollup_buckets
    n        BIGINT       NOT NULL,
    total_us BIGINT       NOT NULL,
    min_us   BIGINT       NOT NULL,
    max_us   BIGINT       NOT NULL,
    CONSTRAINT timing_day_rollups_key PRIMARY KEY (day_us, name, bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

-- What the hours stored so far add up to.
INSERT INTO timing_day_rollups (day_us, name, bucket, n, total_us, min_us, max_us)
SELECT day_us, name, bucket, SUM(n), SUM(total_us), MIN(min_us), MAX(max_us) FROM (
    SELECT hour_us - MOD(MOD(hour_us, 86400000000) + 86400000000, 86400000000) AS day_us,
           name, bucket, n, total_us, min_us, max_us
    FROM timing_rollups
) x GROUP BY day_us, name, bucket;
