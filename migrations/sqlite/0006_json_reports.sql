-- v2's JsonReport: the output of a report job (nova usage audit, pretty summary, ...), served
-- verbatim by /stacky/report/<id>/ and listed by /stacky/reports/ and /stacky/reports/search/.
-- Times are UTC microseconds (v2: period_* DATETIME, created DECIMAL(20,6)).
CREATE TABLE json_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    period_start INTEGER NOT NULL,
    period_end   INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    json         TEXT    NOT NULL
);
-- /stacky/reports/ lists by creation time; /stacky/reports/search/ matches names.
CREATE INDEX json_reports_created ON json_reports (created);
CREATE INDEX json_reports_name ON json_reports (name);
