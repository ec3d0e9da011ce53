-- Dispatch: the contact policy, the contacts ledger (every contact and every block with its reason), deferrals
-- (quiet hours, capacity), channel adapters and webhook deliveries.

-- The contact policy (one row, the validated document of ContactPolicy as JSON); the global control share lives in
-- global_control beside its salt.
CREATE TABLE contact_policy (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    policy     jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);

-- One row per (campaign, customer, step): the contact made, or why it was not made. contact_id is derived from
-- (campaign, customer, step), so a step that runs again (restart, second replica) cannot add a second row.
-- Step 0 holds the never-contacted control and global control members of a wave.
CREATE TABLE contacts (
    contact_id    uuid          PRIMARY KEY,
    campaign_id   uuid          NOT NULL REFERENCES campaigns (id),
    customer_id   uuid          NOT NULL,           -- replaced by a random id when the customer is erased
    cell          text          NOT NULL,
    wave          integer       NOT NULL,
    step          integer       NOT NULL,
    channel       text          NULL,               -- null when no channel was chosen
    offer_code    text          NULL,
    cost          numeric       NOT NULL,
    at            timestamptz   NOT NULL,
    status        text          NOT NULL CHECK (status IN ('dispatched', 'exported', 'blocked', 'skipped')),
    block_reason  text          NULL,
    erased        boolean       NOT NULL DEFAULT false
);
-- "Is this member done with this step?" for every member a step job looks at, and a step's contacts for its export.
-- One index on purpose: with a second one led by (campaign_id, step), statistics taken before a step (no contacts of
-- it yet) made the planner answer the question by scanning all of the step's contacts for every member.
CREATE INDEX contacts_campaign_step_member ON contacts (campaign_id, step, customer_id);
CREATE INDEX contacts_campaign_at ON contacts (campaign_id, at, contact_id);
-- Frequency caps and capacity count made contacts of all campaigns per customer / per channel and day.
CREATE INDEX contacts_customer_at ON contacts (customer_id, at) WHERE status IN ('dispatched', 'exported');
CREATE INDEX contacts_channel_at ON contacts (channel, at) WHERE status IN ('dispatched', 'exported');

-- Contacts put off by the policy (quiet hours, daily capacity): one row per deferral, for the audit; a member is
-- taken again once the latest not_before of its (campaign, customer, step) has passed.
CREATE TABLE contact_deferrals (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id  uuid        NOT NULL REFERENCES campaigns (id),
    customer_id  uuid        NOT NULL,
    step         integer     NOT NULL,
    channel      text        NOT NULL,
    reason       text        NOT NULL CHECK (reason IN ('quiet_hours', 'capacity')),
    at           timestamptz NOT NULL,
    not_before   timestamptz NOT NULL
);
CREATE INDEX contact_deferrals_member ON contact_deferrals (campaign_id, step, customer_id, not_before);

-- Step jobs walk a cell's members of a wave highest value first (CLV, then net revenue) with a keyset.
CREATE INDEX assignments_dispatch_order ON assignments
    (campaign_id, wave, cell, (coalesce(clv, '-infinity'::float8)) DESC, net_revenue_365 DESC, customer_id DESC);

-- How each channel's contacts leave the platform: a signed webhook or a file the mail house / call centre fetches.
CREATE TABLE channel_configs (
    channel     text        PRIMARY KEY CHECK (channel IN ('direct_mail', 'outbound_call', 'email', 'sms')),
    mode        text        NOT NULL CHECK (mode IN ('webhook', 'file')),
    url         text        NULL,
    secret      text        NULL,
    updated_at  timestamptz NOT NULL
);

-- One webhook batch of a step's contacts; delivered by a job, parked after its last attempt, replayable.
CREATE TABLE deliveries (
    id           uuid        PRIMARY KEY,
    campaign_id  uuid        NOT NULL REFERENCES campaigns (id),
    channel      text        NOT NULL,
    wave         integer     NOT NULL,
    step         integer     NOT NULL,
    payload      jsonb       NOT NULL,              -- the batch as sent (personal data: erased customers are removed)
    status       text        NOT NULL CHECK (status IN ('pending', 'delivered', 'parked')),
    attempts     integer     NOT NULL DEFAULT 0,
    replays      integer     NOT NULL DEFAULT 0,
    last_error   text        NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz NULL
);
CREATE INDEX deliveries_status ON deliveries (status, created_at, id);
CREATE INDEX deliveries_payload ON deliveries USING gin (payload jsonb_path_ops);
