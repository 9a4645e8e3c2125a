-- Aggregate rows are updated in place many times (a lifecycle per event of its instance, a
-- request tracker per .end, a timing when it closes). Free space in each page lets PostgreSQL
-- make those HOT updates: the new row version stays on its page and no index is touched.
ALTER TABLE lifecycles SET (fillfactor = 70);
ALTER TABLE request_trackers SET (fillfactor = 70);
ALTER TABLE timings SET (fillfactor = 80);
ALTER TABLE instance_usages SET (fillfactor = 80);
