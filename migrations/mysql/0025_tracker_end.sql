-- The tenant and deployment of each request tracker's last end event, written at ingest with
-- the tracker. /stacky/kpi lists a day of trackers (up to 10,000) with those two; it read
-- them from each tracker's end event in raw_events, a random read per row of the clustered
-- rows, bodies included: 1.5 s at a million events with the default 128 MB buffer pool.
ALTER TABLE request_trackers
    ADD COLUMN end_tenant VARCHAR(255),
    ADD COLUMN end_deployment_id BIGINT;

-- What the stored trackers' end events say.
UPDATE request_trackers t
JOIN timings tm ON tm.id = t.last_timing_id
JOIN raw_events e ON e.id = tm.end_raw_id
SET t.end_tenant = e.tenant, t.end_deployment_id = e.deployment_id;
