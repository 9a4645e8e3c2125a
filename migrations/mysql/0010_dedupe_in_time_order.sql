-- The dedupe index was keyed by (deployment, message id). Message ids are random, so every
-- stored event dirtied a random leaf page of it: about one page written per event, more than
-- the row itself. A redelivered message is the same bytes, so it has the same timestamp; with
-- the timestamp in the key the index grows at its end like the rows do, and a redelivery still
-- meets its first copy. (Two different messages that reuse a message id with different
-- timestamps are both kept: they are not a redelivery.) One ALTER, so it is atomic.
ALTER TABLE raw_events
    DROP INDEX raw_events_dedupe,
    ADD UNIQUE INDEX raw_events_dedupe (deployment_id, when_us, dedupe_key);
