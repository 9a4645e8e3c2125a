-- The reports' window read (stacktach report summary / error_details: every nova event of a
-- day, in time order) reads only this index. The table's rows carry the notification body
-- (4.7 KB on average), so each spills onto an overflow page, and the parsed columns that
-- 0002 added after the body live there: reading them from the table read every event's
-- whole body (a day of a million events: 4.7 GB of pages, 18-20 s per report). The index
-- holds what the reports read, about 180 bytes per event, written in time order.
-- It starts with when_us, so it also serves every read raw_events_when served, which goes.
CREATE INDEX raw_events_window ON raw_events (
    when_us, exchange, event, request_id, instance, routing_key, state, old_state, tenant,
    image_type, deployment_id
);
DROP INDEX raw_events_when;

-- The same for the reads by request (the reports' events of a window's requests outside it,
-- the error details' rows of failed requests): the request index carries what they read, so
-- a failed request's events cost index pages, not their bodies' overflow chains. It replaces
-- the narrow index of 0001 under the same name (one index written per event, as before; wider).
DROP INDEX raw_events_request;
CREATE INDEX raw_events_request ON raw_events (
    request_id, when_us, exchange, event, routing_key, state, old_state, tenant, image_type,
    deployment_id, service, host, task, old_task
);
