-- Retention (stacktach prune).
-- The raw events a kept usage row points at stay when their horizon passes (the verifier
-- and the reports read those bodies): the prune asks, per page of old events, whether a row
-- refers to each one. Usage rows are a few per instance per day, so ingest barely pays.
CREATE INDEX instance_exists_raw ON instance_exists (raw_id);
CREATE INDEX image_exists_raw ON image_exists (raw_id);
CREATE INDEX instance_deletes_raw ON instance_deletes (raw_id);
CREATE INDEX image_deletes_raw ON image_deletes (raw_id);
CREATE INDEX image_usages_raw ON image_usages (last_raw_id);
