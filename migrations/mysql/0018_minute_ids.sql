-- The id range of each minute of notification time: the lowest and highest raw_events id with a
-- time in the minute, widened by every batch that stores one, and how many there are. A time
-- window's events all lie between the lowest and highest id of its minutes, so the
-- /api/v1/events page of a window walks that range of ids when the events fill it densely (the
-- planner walked every id from the page's cursor on: 21 s for an hour at three million events).
-- Clustered by its minute (InnoDB stores rows in primary key order); the id (retention walks by
-- it) is a unique key of its own.
CREATE TABLE minute_ids (
    id        BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
    minute_us BIGINT NOT NULL,   -- the minute's start, UTC microseconds
    min_id    BIGINT NOT NULL,
    max_id    BIGINT NOT NULL,
    n         BIGINT NOT NULL,   -- events stored with a time in the minute
    CONSTRAINT minute_ids_minute PRIMARY KEY (minute_us)
) ENGINE=InnoDB;

-- What the events stored so far span.
INSERT INTO minute_ids (minute_us, min_id, max_id, n)
SELECT when_us - MOD(MOD(when_us, 60000000) + 60000000, 60000000) AS minute_us, MIN(id), MAX(id),
       COUNT(*)
FROM raw_events GROUP BY minute_us
ORDER BY minute_us; -- ids follow the minutes, as ingest gives them (retention stops its walk by minute)
