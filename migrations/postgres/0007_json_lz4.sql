-- Compress the stored notification JSON with lz4 instead of the default pglz: compressing the
-- JSON text is most of PostgreSQL's cost per stored event (PERFORMANCE.md lesson 3; +57 % insert
-- throughput for ~6 % more space). Applies to rows written from now on.
ALTER TABLE raw_events ALTER COLUMN json SET COMPRESSION lz4;
ALTER TABLE quarantine ALTER COLUMN body SET COMPRESSION lz4;
