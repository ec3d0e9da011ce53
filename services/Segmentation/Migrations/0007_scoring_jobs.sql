-- Scoring runs now execute as jobs of the platform's scheduler (jobs table, platform migration 0002). Runs left queued
-- or running by the previous version get their job here, so an upgrade loses none.
INSERT INTO jobs (id, kind, payload, status, due_at, max_attempts, created_at)
SELECT id, 'segmentation.scoring-run', jsonb_build_object('runId', id), 'queued', requested_at, 5, requested_at
FROM score_runs WHERE status IN ('queued', 'running');

-- The old worker's queue; the scheduler has its own index on due jobs.
DROP INDEX score_runs_queued;
