-- The job scheduler (Platform.Data/Jobs): background work with a due time, claimed by one worker at a time under a
-- lease, retried with backoff, with one history row per attempt.
CREATE TABLE jobs (
    id            uuid        PRIMARY KEY,
    kind          text        NOT NULL,
    -- At most one job per (kind, unique_key): a periodic job's key is its due time, so replicas enqueue it once.
    unique_key    text        NULL,
    payload       jsonb       NOT NULL,
    status        text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
    due_at        timestamptz NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,   -- attempts started, the running one included
    max_attempts  integer     NOT NULL CHECK (max_attempts > 0),
    -- Who runs it and until when: a worker that stops renewing (it died) loses the job when lease_until passes.
    lease_owner   text        NULL,
    lease_until   timestamptz NULL,
    last_error    text        NULL,
    trace_parent  text        NULL,                 -- the trace of the request that enqueued it
    trace_state   text        NULL,
    created_at    timestamptz NOT NULL,
    started_at    timestamptz NULL,                 -- first attempt
    finished_at   timestamptz NULL,                 -- succeeded or dead
    UNIQUE (kind, unique_key)
);
-- What a poll looks at: jobs not finished, by due time.
CREATE INDEX jobs_due ON jobs (due_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_finished_at ON jobs (finished_at) WHERE finished_at IS NOT NULL;

-- One row per attempt: who ran it, when, and how it ended (running, succeeded, failed, abandoned = its worker's
-- lease expired before it finished, e.g. the process died or stopped).
CREATE TABLE job_runs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id       uuid        NOT NULL REFERENCES jobs ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    worker       text        NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'abandoned')),
    error        text        NULL
);
CREATE INDEX job_runs_job ON job_runs (job_id, attempt);
