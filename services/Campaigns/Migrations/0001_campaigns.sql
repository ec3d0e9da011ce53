-- Campaigns as designed: the validated design is kept whole (jsonb, the shape of CampaignDesign), with the columns
-- that lists, state changes and lookups by code need beside it.
CREATE TABLE campaigns (
    id              uuid        PRIMARY KEY,
    code            text        NOT NULL UNIQUE,      -- what responses and orders carry
    name            text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('platform', 'external')),
    objective       text        NOT NULL CHECK (objective IN ('acquisition', 'retention', 'cross_sell', 'win_back')),
    segment_id      uuid        NULL,                 -- target segment (platform campaigns)
    design          jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'scheduled', 'running', 'completed', 'cancelled')),
    -- launch progress: null before launch; awaiting_snapshot -> assigning -> assigned; failed with launch_error
    launch_state    text        NULL CHECK (launch_state IN ('awaiting_snapshot', 'assigning', 'assigned', 'failed')),
    launch_error    text        NULL,
    snapshot_id     uuid        NULL,
    member_count    integer     NULL,
    assigned_count  integer     NOT NULL DEFAULT 0,
    revision        integer     NOT NULL DEFAULT 1,   -- bumped by every change of the design (ETag of GET/PUT)
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    launched_at     timestamptz NULL,
    finished_at     timestamptz NULL                  -- completed or cancelled
);
CREATE INDEX campaigns_created ON campaigns (created_at, id);

-- Segmentation's segments, kept from SegmentDefined events so that a design naming an unknown segment is refused at once.
CREATE TABLE segments (
    segment_id  uuid    PRIMARY KEY,
    name        text    NOT NULL,
    deleted     boolean NOT NULL,
    version     bigint  NOT NULL
);

-- Snapshots asked of Segmentation (CreateSegmentSnapshot) for a preview or a launch, and their arrival.
CREATE TABLE snapshots (
    snapshot_id       uuid        PRIMARY KEY,          -- chosen here, carried by the command and the answer
    campaign_id       uuid        NOT NULL REFERENCES campaigns (id),
    purpose           text        NOT NULL CHECK (purpose IN ('preview', 'launch')),
    segment_id        uuid        NOT NULL,
    requested_at      timestamptz NOT NULL,
    status            text        NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'complete', 'refused')),
    refused_reason    text        NULL,
    as_of             timestamptz NULL,                 -- from SegmentSnapshotCreated
    member_count      integer     NULL,
    batch_count       integer     NULL,
    completed_at      timestamptz NULL
);
CREATE INDEX snapshots_campaign ON snapshots (campaign_id, requested_at);

-- Member batches received (a redelivered or repeated batch is recognised here).
CREATE TABLE snapshot_batches (
    snapshot_id   uuid    NOT NULL,
    batch_number  integer NOT NULL,
    PRIMARY KEY (snapshot_id, batch_number)
);

CREATE TABLE snapshot_members (
    snapshot_id      uuid             NOT NULL,
    customer_id      uuid             NOT NULL,
    value_tier       text             NULL,
    clv              double precision NULL,
    deal_seeker      boolean          NOT NULL,
    net_revenue_365  numeric          NOT NULL DEFAULT 0,
    orders_365       integer          NOT NULL DEFAULT 0,
    lifecycle        text             NULL,
    consent_email    boolean          NULL,
    consent_sms      boolean          NULL,
    consent_mail     boolean          NULL,
    consent_phone    boolean          NULL,
    PRIMARY KEY (snapshot_id, customer_id)
);
CREATE INDEX snapshot_members_customer ON snapshot_members (customer_id);

-- Contact details and consents from Ingestion's ContactDetailsChanged (personal data: erased on CustomerErased).
CREATE TABLE customers (
    customer_id    uuid    PRIMARY KEY,
    version        bigint  NOT NULL,
    first_name     text    NULL,
    last_name      text    NULL,
    email          text    NULL,
    phone          text    NULL,
    address_line   text    NULL,
    postal_code    text    NULL,
    city           text    NULL,
    region         text    NULL,
    country        char(2) NULL,
    consent_email  boolean NULL,
    consent_sms    boolean NULL,
    consent_mail   boolean NULL,
    consent_phone  boolean NULL
);

-- Erased customers: a late ContactDetailsChanged at or below erased_version must not bring them back.
CREATE TABLE erased_customers (
    customer_id     uuid        PRIMARY KEY,
    erased_version  bigint      NOT NULL,
    erased_at       timestamptz NOT NULL
);

-- Who is in which cell and wave of a launched campaign, with the launch-time attributes the analysis needs.
CREATE TABLE assignments (
    campaign_id      uuid             NOT NULL REFERENCES campaigns (id),
    customer_id      uuid             NOT NULL,
    cell             text             NOT NULL,       -- cell code; 'control'; 'global_control'
    wave             integer          NOT NULL,
    global_control   boolean          NOT NULL,
    value_tier       text             NULL,
    clv              double precision NULL,
    deal_seeker      boolean          NOT NULL,
    net_revenue_365  numeric          NOT NULL,
    orders_365       integer          NOT NULL,
    lifecycle        text             NULL,
    PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX assignments_customer ON assignments (customer_id);

-- Responses to campaigns (from ResponsesRecorded): conditions of later steps, and opt-outs.
CREATE TABLE responses (
    response_id    uuid        PRIMARY KEY,
    campaign_code  text        NOT NULL,
    customer_id    uuid        NOT NULL,
    channel        text        NOT NULL,
    type           text        NOT NULL,
    occurred_at    timestamptz NOT NULL
);
CREATE INDEX responses_campaign_customer ON responses (campaign_code, customer_id);
CREATE INDEX responses_customer ON responses (customer_id);

-- The global control group: a share of all customers, drawn by AssignmentHash with this installation's salt, never
-- contacted by any campaign. One row.
CREATE TABLE global_control (
    singleton  boolean          PRIMARY KEY DEFAULT true CHECK (singleton),
    share      double precision NOT NULL DEFAULT 0 CHECK (share >= 0 AND share < 0.5),
    salt       uuid             NOT NULL DEFAULT gen_random_uuid(),
    updated_at timestamptz      NOT NULL DEFAULT now()
);
INSERT INTO global_control DEFAULT VALUES;
