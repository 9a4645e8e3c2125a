-- The database's size per table as the sampler of `serve` and `worker` measured it (catalog
-- statistics, never COUNT(*)), for the status page's growth over the last day. One row per
-- table and hour, the newest sample of that hour (several processes sampling one database
-- overwrite each other's row), pruned by the sampler after a few days: the table stays tiny.
-- Times are UTC microseconds; sample_hour is sampled_at divided by an hour's microseconds.
-- A table name has at most 64 characters on MySQL and MariaDB. The index is declared inside
-- the CREATE TABLE: MySQL DDL is not transactional, one statement cannot fail half-way.
CREATE TABLE table_size_samples (
    table_name  VARCHAR(64) NOT NULL,
    sample_hour BIGINT      NOT NULL,
    sampled_at  BIGINT      NOT NULL,
    row_count   BIGINT      NOT NULL,
    total_bytes BIGINT      NOT NULL,
    -- How row_count was estimated: statistics, live_tuples, rowid_range or unknown.
    rows_basis  VARCHAR(16) NOT NULL,
    PRIMARY KEY (table_name, sample_hour),
    -- The status page reads the last day's samples; the sampler prunes the old ones.
    INDEX table_size_samples_at (sampled_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
