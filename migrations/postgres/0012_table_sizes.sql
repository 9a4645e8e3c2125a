-- The database's size per table as the sampler of `serve` and `worker` measured it (catalog
-- statistics, never COUNT(*)), for the status page's growth over the last day. One row per
-- table and hour, the newest sample of that hour (several processes sampling one database
-- overwrite each other's row), pruned by the sampler after a few days: the table stays tiny.
-- Times are UTC microseconds; sample_hour is sampled_at divided by an hour's microseconds.
CREATE TABLE table_size_samples (
    table_name  TEXT   NOT NULL,
    sample_hour BIGINT NOT NULL,
    sampled_at  BIGINT NOT NULL,
    row_count   BIGINT NOT NULL,
    total_bytes BIGINT NOT NULL,
    -- How row_count was estimated: statistics, live_tuples, rowid_range or unknown.
    rows_basis  TEXT   NOT NULL,
    PRIMARY KEY (table_name, sample_hour)
);
-- The status page reads the last day's samples; the sampler prunes the old ones.
CREATE INDEX table_size_samples_at ON table_size_samples (sampled_at);
