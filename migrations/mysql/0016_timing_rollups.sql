-- Timing rollups: every timing that completes adds itself to one row per (hour its end fell
-- in, operation, duration bucket), with the count, the sum and the exact extremes. The timings
-- page and /stacky/summary read these (a row per hour, operation and duration bucket in use)
-- instead of every duration, so they grow with the hours and buckets, not with every timing.
-- Percentiles come from the buckets (each about 12 % wide); count, min, max and mean are exact.
-- Clustered by its key (InnoDB stores rows in primary key order), so the pages' range of hours
-- reads contiguous rows instead of one primary-key lookup per row; the id (retention walks by
-- it) is a unique key of its own.
CREATE TABLE timing_rollups (
    id       BIGINT       NOT NULL AUTO_INCREMENT UNIQUE,
    hour_us  BIGINT       NOT NULL,   -- the hour's start, UTC microseconds
    name     VARCHAR(255) NOT NULL,   -- the operation (the event type without .start/.end)
    bucket   BIGINT       NOT NULL,   -- timing_rollup_buckets
    n        BIGINT       NOT NULL,
    total_us BIGINT       NOT NULL,
    min_us   BIGINT       NOT NULL,
    max_us   BIGINT       NOT NULL,
    CONSTRAINT timing_rollups_key PRIMARY KEY (hour_us, name, bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;

-- The buckets: bucket 0 holds negative durations (an .end stamped before its .start), bucket i
-- holds [floor of i, floor of i + 1), the last everything from a week up. The same list is
-- app::model::ROLLUP_FLOORS_US (a test compares them); stored rows name these buckets, so the
-- list never changes.
CREATE TABLE timing_rollup_buckets (
    bucket   BIGINT NOT NULL PRIMARY KEY,
    floor_us BIGINT NOT NULL UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
INSERT INTO timing_rollup_buckets (bucket, floor_us) VALUES
(1, 0), (2, 1000), (3, 1330), (4, 1780), (5, 2370), (6, 3160),
(7, 4220), (8, 5620), (9, 7500), (10, 10000), (11, 13300), (12, 17800),
(13, 23700), (14, 31600), (15, 42200), (16, 56200), (17, 75000), (18, 100000),
(19, 112000), (20, 126000), (21, 141000), (22, 158000), (23, 177000), (24, 199000),
(25, 223000), (26, 250000), (27, 273000), (28, 297000), (29, 324000), (30, 354000),
(31, 386000), (32, 420000), (33, 459000), (34, 500000), (35, 545000), (36, 595000),
(37, 648000), (38, 707000), (39, 771000), (40, 841000), (41, 917000), (42, 1000000),
(43, 1090000), (44, 1190000), (45, 1300000), (46, 1410000), (47, 1540000), (48, 1680000),
(49, 1830000), (50, 2000000), (51, 2240000), (52, 2510000), (53, 2820000), (54, 3160000),
(55, 3550000), (56, 3980000), (57, 4460000), (58, 5000000), (59, 5450000), (60, 5950000),
(61, 6480000), (62, 7070000), (63, 7710000), (64, 8410000), (65, 9170000), (66, 10000000),
(67, 10900000), (68, 11900000), (69, 13000000), (70, 14100000), (71, 15400000), (72, 16800000),
(73, 18300000), (74, 20000000), (75, 21000000), (76, 22100000), (77, 23300000), (78, 24500000),
(79, 25800000), (80, 27100000), (81, 28500000), (82, 30000000), (83, 32700000), (84, 35700000),
(85, 38900000), (86, 42400000), (87, 46300000), (88, 50500000), (89, 55000000), (90, 60000000),
(91, 65400000), (92, 71400000), (93, 77800000), (94, 84900000), (95, 92500000), (96, 101000000),
(97, 110000000), (98, 120000000), (99, 135000000), (100, 151000000), (101, 169000000), (102, 190000000),
(103, 213000000), (104, 239000000), (105, 268000000), (106, 300000000), (107, 327000000), (108, 357000000),
(109, 389000000), (110, 424000000), (111, 463000000), (112, 505000000), (113, 550000000), (114, 600000000),
(115, 688000000), (116, 790000000), (117, 906000000), (118, 1040000000), (119, 1190000000), (120, 1370000000),
(121, 1570000000), (122, 1800000000), (123, 1960000000), (124, 2140000000), (125, 2330000000), (126, 2550000000),
(127, 2780000000), (128, 3030000000), (129, 3300000000), (130, 3600000000), (131, 4960000000), (132, 6830000000),
(133, 9410000000), (134, 13000000000), (135, 17900000000), (136, 24600000000), (137, 33900000000), (138, 46700000000),
(139, 64300000000), (140, 88500000000), (141, 122000000000), (142, 168000000000), (143, 231000000000), (144, 319000000000),
(145, 439000000000), (146, 604800000000);

-- What the timings stored so far add up to.
INSERT INTO timing_rollups (hour_us, name, bucket, n, total_us, min_us, max_us)
SELECT hour_us, name, bucket, COUNT(*), SUM(diff), MIN(diff), MAX(diff) FROM (
    SELECT end_when - MOD(MOD(end_when, 3600000000) + 3600000000, 3600000000) AS hour_us, t.name, t.diff,
           CASE WHEN t.diff < 0 THEN 0 ELSE
               (SELECT b.bucket FROM timing_rollup_buckets b WHERE b.floor_us <= t.diff
                ORDER BY b.floor_us DESC LIMIT 1) END AS bucket
    FROM timings t WHERE t.diff IS NOT NULL AND t.end_when IS NOT NULL
) x GROUP BY hour_us, name, bucket;

-- The timings page read durations by end time; it reads the rollups now. The index cost a page
-- per finished timing.
DROP INDEX timings_end_when ON timings;
