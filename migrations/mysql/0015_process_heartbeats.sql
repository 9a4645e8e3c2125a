-- The shared status board: every `serve` and `worker` process writes its consumers' state
-- here every 5 s (and once at shutdown, with stopped_at set), so every web node shows every
-- process's consumers, and marks a process whose beat stopped. One row per process and
-- consumer (deployment, exchange); a process without consumers (a web node) writes one row
-- with an empty deployment and exchange. The writers delete rows whose beat is a day old,
-- so dead processes vanish and the table stays tiny. Times are UTC microseconds.
-- A process id is 16 hex digits; names are VARCHAR(255) as elsewhere (the key is at most
-- 2,168 bytes, under InnoDB's 3,072). The index is declared inside the CREATE TABLE: MySQL DDL
-- is not transactional, one statement cannot fail half-way.
CREATE TABLE process_heartbeats (
    -- Chosen at random when the process starts: a restarted process is a new one.
    process_id   VARCHAR(32)  NOT NULL,
    deployment   VARCHAR(255) NOT NULL,
    exchange     VARCHAR(255) NOT NULL,
    pid          BIGINT       NOT NULL,
    host         VARCHAR(255) NOT NULL,
    -- serve, web_node or worker.
    kind         VARCHAR(16)  NOT NULL,
    started_at   BIGINT       NOT NULL,
    beat_at      BIGINT       NOT NULL,
    -- The final beat's time: the process shut down cleanly. NULL while it runs.
    stopped_at   BIGINT,
    -- connecting, connected, reconnecting, disabled or stopped.
    state        VARCHAR(16)  NOT NULL,
    stored_count BIGINT       NOT NULL,
    quarantined  BIGINT       NOT NULL,
    reconnects   BIGINT       NOT NULL,
    last_minute  BIGINT       NOT NULL,
    last_message BIGINT,
    -- Sanitised and at most 400 characters.
    last_error   VARCHAR(400),
    PRIMARY KEY (process_id, deployment, exchange),
    -- The web nodes read the rows beating within the day; the writers delete the older ones.
    INDEX process_heartbeats_beat (beat_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
