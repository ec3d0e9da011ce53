-- Where an import's uploaded file waits for the worker, and which instance received it: a worker that lacks the file
-- leaves another instance's import alone, and fails its own when the file is gone (e.g. a restart lost the folder).
-- chunk_rows fixes how the file is cut into chunks, so a resumed import cuts it the same way.
ALTER TABLE imports
    ADD COLUMN spool_path text    NULL,
    ADD COLUMN spool_host text    NULL,
    ADD COLUMN chunk_rows integer NOT NULL DEFAULT 10000;

-- The worker's queue: imports not finished yet, oldest first.
CREATE INDEX imports_pending ON imports (created_at) WHERE status IN ('queued', 'running');

-- Chunks of an import that are committed (in the same transaction as their rows): chunks are written in parallel and
-- may commit out of order, so a resumed import redoes exactly the chunks missing here.
CREATE TABLE import_chunks (
    import_id  uuid    NOT NULL REFERENCES imports ON DELETE CASCADE,
    chunk      integer NOT NULL,   -- 0 = rows 1..chunk_rows after the header
    PRIMARY KEY (import_id, chunk)
);
