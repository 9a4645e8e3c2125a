-- Indexes behind the /stacky queries that had none. MySQL has no partial indexes: these are
-- whole-column indexes (a NULL image_uuid or diff is one more small entry per row).
-- `uuid/?service=glance` and glance searches by image id.
CREATE INDEX raw_events_image_uuid ON raw_events (image_uuid);
-- `timings/?name=...`: one operation's complete timings, fastest first.
CREATE INDEX timings_name_diff ON timings (name, diff);
