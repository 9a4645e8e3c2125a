-- Indexes behind the /stacky queries that had none.
-- `uuid/?service=glance` and glance searches by image id. Partial: nova rows (most of the
-- table) have no image id, so they cost this index nothing at ingest.
CREATE INDEX raw_events_image_uuid ON raw_events (image_uuid) WHERE image_uuid IS NOT NULL;
-- `timings/?name=...`: one operation's complete timings, fastest first.
CREATE INDEX timings_name_diff ON timings (name, diff) WHERE diff IS NOT NULL;
