-- A row the broker refuses waits for its own next attempt (exponential backoff) instead of holding back the relay,
-- and is parked after Outbox:MaxAttempts such attempts (attempts counts only rounds in which the broker was reachable).
ALTER TABLE outbox_messages ADD COLUMN next_attempt_at timestamptz NULL;
-- Parked rows are listed and replayed by the admin API.
CREATE INDEX outbox_messages_parked ON outbox_messages (sequence) WHERE parked_at IS NOT NULL;
