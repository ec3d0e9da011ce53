-- Imports now run as jobs of the platform's scheduler (jobs table, platform migration 0002). Imports left queued or
-- running by the previous version get their job here, so an upgrade loses none.
INSERT INTO jobs (id, kind, payload, status, due_at, max_attempts, created_at)
SELECT import_id, 'ingestion.import', jsonb_build_object('importId', import_id), 'queued', created_at, 20, created_at
FROM imports WHERE status IN ('queued', 'running');

-- The old worker's queue; the scheduler has its own index on due jobs.
DROP INDEX imports_pending;
