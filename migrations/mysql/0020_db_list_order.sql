-- The /db API's usage lists in v2's default order (launches and deletes by launched_at, image
-- usages by created_at, image deletes by deleted_at; newest first, then by id): without an
-- index on the order, each page sorted the whole table (22 ms p95 for the launches at three
-- million events on SQLite, growing with the table). With one, a page reads its rows from the
-- index's end. The exists lists order by id (the primary key).
CREATE INDEX instance_usages_launched ON instance_usages (launched_at, id);
CREATE INDEX instance_deletes_launched ON instance_deletes (launched_at, id);
CREATE INDEX image_usages_created ON image_usages (created_at, id);
CREATE INDEX image_deletes_deleted ON image_deletes (deleted_at, id);
