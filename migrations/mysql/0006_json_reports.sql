-- v2's JsonReport: the output of a report job (nova usage audit, pretty summary, ...), served
-- verbatim by /stacky/report/<id>/ and listed by /stacky/reports/ and /stacky/reports/search/.
-- Times are UTC microseconds (v2: period_* DATETIME, created DECIMAL(20,6)).
CREATE TABLE json_reports (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    period_start BIGINT       NOT NULL,
    period_end   BIGINT       NOT NULL,
    created      BIGINT       NOT NULL,
    name         VARCHAR(255) NOT NULL,
    version      BIGINT       NOT NULL DEFAULT 1,
    json         LONGTEXT     NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 /*M!100500 COLLATE=utf8mb4_nopad_bin*/ /*!80017 COLLATE=utf8mb4_0900_bin*/;
-- /stacky/reports/ lists by creation time; /stacky/reports/search/ matches names.
CREATE INDEX json_reports_created ON json_reports (created);
CREATE INDEX json_reports_name ON json_reports (name);
