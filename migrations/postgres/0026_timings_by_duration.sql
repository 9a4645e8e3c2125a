-- /stacky/timings/?name= lists an operation's timings by duration, then id (stable pages):
-- `ORDER BY diff, id`. SQLite's and MySQL's index entries end with the row's id, so
-- (name, diff) gives that order there; PostgreSQL's end with the row's place in the heap, so
-- it read every timing of the operation and sorted them (120 ms p95 at ten million events,
-- where one operation has hundreds of thousands). With the id in the index it reads the
-- page's entries only. It replaces timings_name_diff, whose every read it also serves.
CREATE INDEX timings_name_diff_id ON timings (name, diff, id) WHERE diff IS NOT NULL;
DROP INDEX timings_name_diff;
