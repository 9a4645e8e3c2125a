-- Compress the stored notification JSON and the quarantined bodies with lz4 instead of the
-- default pglz: compressing the JSON text is most of PostgreSQL's cost per stored event
-- (PERFORMANCE.md lesson 3; +57 % insert throughput for ~6 % more space). Applies to rows
-- written from now on.
--
-- Decided here, when the migration runs, and never an error: lz4 needs PostgreSQL 14 or later
-- built with lz4 (the server then lists it among default_toast_compression's values). On
-- PostgreSQL 12 and 13 (no per-column compression: SET COMPRESSION would not even parse, hence
-- EXECUTE) and on a server built without lz4 both columns keep the server's default (pglz),
-- with a NOTICE. The handler covers a refusal the probe did not foresee; it undoes both
-- ALTERs, so the two columns never differ.
--
-- This text replaced a bare ALTER TABLE ... SET COMPRESSION lz4 that failed on those servers;
-- a database that applied it has its stored checksum moved to this text's at startup
-- (server/src/store/migrate_repair.rs).
DO $$
BEGIN
    IF current_setting('server_version_num')::int < 140000 THEN
        RAISE NOTICE 'PostgreSQL % has no per-column compression: raw_events.json and '
            'quarantine.body keep the default (pglz)', current_setting('server_version');
    ELSIF NOT EXISTS (SELECT 1 FROM pg_settings
                      WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        RAISE NOTICE 'PostgreSQL built without lz4: raw_events.json and quarantine.body keep '
            'the default (pglz)';
    ELSE
        EXECUTE 'ALTER TABLE raw_events ALTER COLUMN json SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE quarantine ALTER COLUMN body SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression refused (%): raw_events.json and quarantine.body keep the '
        'default (pglz)', SQLERRM;
END
$$;
