-- What Campaigns needs from Segmentation (issue 9).

-- Snapshot members carry the customer's lifecycle and the net revenue and orders of the 365 days before the snapshot
-- (from customer_daily_purchases), stored as sent. Members of older snapshots get 0 / 0 / null, as their events had.
ALTER TABLE segment_snapshot_members
    ADD COLUMN net_revenue_365 numeric(16,2) NOT NULL DEFAULT 0,
    ADD COLUMN orders_365      integer       NOT NULL DEFAULT 0,
    ADD COLUMN lifecycle       text          NULL;

-- Segments are deleted softly: snapshots keep referring to them, and SegmentDefined announces the deletion. A deleted
-- segment's name is free again. Versions come from a sequence, taken by the writing statement once it holds the row
-- (so a later committed change always has a higher version, whatever the clocks).
CREATE SEQUENCE segment_versions;
ALTER TABLE segments
    ADD COLUMN deleted_at timestamptz NULL,
    ADD COLUMN version    bigint      NOT NULL DEFAULT nextval('segment_versions');
ALTER SEQUENCE segment_versions OWNED BY segments.version;
ALTER TABLE segments DROP CONSTRAINT segments_name_key;
CREATE UNIQUE INDEX segments_live_name ON segments (name) WHERE deleted_at IS NULL;

-- Segments that exist before this migration are announced once, so consumers' catalogs start complete (the outbox
-- relay publishes these rows like any other).
INSERT INTO outbox_messages (message_id, message_type, body, created_at)
SELECT gen_random_uuid(), 'Platform.Contracts.Segmentation.SegmentDefined, Platform.Contracts',
       json_build_object('segmentId', id, 'name', name, 'deleted', false, 'version', version), now()
FROM segments
ORDER BY version;
