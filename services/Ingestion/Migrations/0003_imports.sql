-- Bulk CSV imports: one row per uploaded file, with its progress.
CREATE TABLE imports (
    import_id      uuid        PRIMARY KEY,
    kind           text        NOT NULL CHECK (kind IN ('customers', 'transactions', 'responses')),
    status         text        NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    file_name      text        NULL,
    file_sha256    text        NOT NULL,
    file_bytes     bigint      NOT NULL,
    options        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    rows_read      bigint      NOT NULL DEFAULT 0,
    rows_accepted  bigint      NOT NULL DEFAULT 0,   -- valid rows (new or already known)
    rows_new       bigint      NOT NULL DEFAULT 0,   -- valid rows not seen before (published)
    rows_rejected  bigint      NOT NULL DEFAULT 0,
    error          text        NULL,                 -- why a whole file failed
    created_at     timestamptz NOT NULL,
    started_at     timestamptz NULL,
    completed_at   timestamptz NULL
);

-- Per-row problems of an import: row number (1 = first data row after the header), field, message. No row values.
CREATE TABLE import_errors (
    import_id   uuid   NOT NULL REFERENCES imports ON DELETE CASCADE,
    row_number  bigint NOT NULL,
    field       text   NOT NULL,
    message     text   NOT NULL,
    PRIMARY KEY (import_id, row_number, field)
);
