-- The tenant and deployment of each request tracker's last end event, written at ingest with
-- the tracker. /stacky/kpi lists a day of trackers (up to 10,000) with those two; it read
-- them from each tracker's end event in raw_events, a lookup per row in every day partition
-- (133 ms at a million events). Neither column is indexed, so the trackers' updates stay HOT
-- (0009).
ALTER TABLE request_trackers ADD COLUMN end_tenant TEXT;
ALTER TABLE request_trackers ADD COLUMN end_deployment_id BIGINT;

-- What the stored trackers' end events say (the end's time names its partition).
UPDATE request_trackers t SET end_tenant = e.tenant, end_deployment_id = e.deployment_id
FROM timings tm JOIN raw_events e ON e.id = tm.end_raw_id AND e.when_us = tm.end_when
WHERE tm.id = t.last_timing_id;
