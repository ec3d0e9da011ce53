-- Where an import's uploaded file waits for the worker, and which instance received it: a worker that lacks the file
-- leaves another instance's import alone, and fails its own when the file is gone (e.g. a restart lost the folder).
ALTER TABLE imports
    ADD COLUMN spool_path text NULL,
    ADD COLUMN spool_host text NULL;

-- The worker's queue: imports not finished yet, oldest first.
CREATE INDEX imports_pending ON imports (created_at) WHERE status IN ('queued', 'running');
