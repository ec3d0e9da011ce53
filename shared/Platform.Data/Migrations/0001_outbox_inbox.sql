-- The platform's own tables, present in every service database.

-- Events written in the same transaction as the state change that caused them;
-- OutboxRelay publishes them to RabbitMQ and marks them sent.
CREATE TABLE outbox_messages (
    sequence      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    uuid        NOT NULL UNIQUE,
    message_type  text        NOT NULL,
    body          json        NOT NULL,    -- json, not jsonb: stored as written, no conversion cost on bulk paths
    trace_parent  text        NULL,
    trace_state   text        NULL,
    created_at    timestamptz NOT NULL,
    sent_at       timestamptz NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text        NULL,
    -- set when a message can never be published (e.g. its type no longer exists); kept for inspection
    parked_at     timestamptz NULL
);
-- Batches of 1,000 records make large bodies; compressing them costs more CPU than the disk it saves.
ALTER TABLE outbox_messages ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE INDEX outbox_messages_pending ON outbox_messages (sequence) WHERE sent_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_messages_sent_at ON outbox_messages (sent_at) WHERE sent_at IS NOT NULL;

-- Messages a consumer has already handled: the row is written in the same transaction as the
-- consumer's effect, so a redelivered message has no second effect.
CREATE TABLE inbox_messages (
    message_id   uuid        NOT NULL,
    consumer     text        NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (message_id, consumer)
);
CREATE INDEX inbox_messages_received_at ON inbox_messages (received_at);
