-- The shared status board: every `serve` and `worker` process writes its consumers' state
-- here every 5 s (and once at shutdown, with stopped_at set), so every web node shows every
-- process's consumers, and marks a process whose beat stopped. One row per process and
-- consumer (deployment, exchange); a process without consumers (a web node) writes one row
-- with an empty deployment and exchange. The writers delete rows whose beat is a day old,
-- so dead processes vanish and the table stays tiny. Times are UTC microseconds.
CREATE TABLE process_heartbeats (
    -- Chosen at random when the process starts: a restarted process is a new one.
    process_id   TEXT    NOT NULL,
    deployment   TEXT    NOT NULL,
    exchange     TEXT    NOT NULL,
    pid          INTEGER NOT NULL,
    host         TEXT    NOT NULL,
    -- serve, web_node or worker.
    kind         TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    beat_at      INTEGER NOT NULL,
    -- The final beat's time: the process shut down cleanly. NULL while it runs.
    stopped_at   INTEGER,
    -- connecting, connected, reconnecting, disabled or stopped.
    state        TEXT    NOT NULL,
    stored_count INTEGER NOT NULL,
    quarantined  INTEGER NOT NULL,
    reconnects   INTEGER NOT NULL,
    last_minute  INTEGER NOT NULL,
    last_message INTEGER,
    -- Sanitised and at most 400 characters.
    last_error   TEXT,
    PRIMARY KEY (process_id, deployment, exchange)
);
-- The web nodes read the rows beating within the day; the writers delete the older ones.
CREATE INDEX process_heartbeats_beat ON process_heartbeats (beat_at);
