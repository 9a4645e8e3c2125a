-- Retention (stacktach prune).
-- The raw events a kept usage row points at stay when their horizon passes (the verifier
-- and the reports read those bodies): the prune asks, per page of old events, whether a row
-- refers to each one. Usage rows are a few per instance per day, so ingest barely pays.
CREATE INDEX instance_exists_raw ON instance_exists (raw_id);
CREATE INDEX image_exists_raw ON image_exists (raw_id);
CREATE INDEX instance_deletes_raw ON instance_deletes (raw_id);
CREATE INDEX image_deletes_raw ON image_deletes (raw_id);
CREATE INDEX image_usages_raw ON image_usages (last_raw_id);

-- Indexes on the referencing side of the foreign keys that had none (InnoDB creates these by
-- itself, so MySQL/MariaDB has had them since 0003). Without them, deleting a parent row
-- (retention: a timing, a lifecycle, a usage, a delete) scans the whole child table once per
-- deleted row to check the key. The tracker ones cost a tracker update its HOT path on
-- PostgreSQL when last_timing_id changes: the price MySQL already pays.
CREATE INDEX request_trackers_lifecycle ON request_trackers (lifecycle_id);
CREATE INDEX request_trackers_timing ON request_trackers (last_timing_id);
CREATE INDEX instance_exists_usage ON instance_exists (usage_id);
CREATE INDEX instance_exists_delete ON instance_exists (delete_id);
CREATE INDEX image_exists_usage ON image_exists (usage_id);
CREATE INDEX image_exists_delete ON image_exists (delete_id);
