-- The tenant and deployment of each request tracker's last end event, written at ingest with
-- the tracker. /stacky/kpi lists a day of trackers (up to 10,000) with those two; it read
-- them from each tracker's end event in raw_events, a random read per row of a table whose
-- rows carry their notification body (and whose columns after the body sit on its overflow
-- pages): 100 ms at a million events, 1.5 s on MariaDB, whose buffer pool holds little of it.
ALTER TABLE request_trackers ADD COLUMN end_tenant TEXT;
ALTER TABLE request_trackers ADD COLUMN end_deployment_id INTEGER;

-- What the stored trackers' end events say.
UPDATE request_trackers SET end_tenant = e.tenant, end_deployment_id = e.deployment_id
FROM timings tm JOIN raw_events e ON e.id = tm.end_raw_id
WHERE tm.id = request_trackers.last_timing_id;
