-- API keys of the gateway. The key itself is never stored: only its SHA-256 (keys are 256 random bits, so a fast
-- hash is as strong as a slow one and costs nothing per request) and a short prefix to recognize it in lists.
CREATE TABLE api_keys (
    id                  uuid PRIMARY KEY,
    name                text NOT NULL,
    prefix              text NOT NULL,
    key_hash            bytea NOT NULL UNIQUE,
    scopes              text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['ingest', 'marketer', 'admin']),
    requests_per_second integer NOT NULL CHECK (requests_per_second > 0),
    burst               integer NOT NULL CHECK (burst > 0),
    created_at          timestamptz NOT NULL,
    revoked_at          timestamptz
);
