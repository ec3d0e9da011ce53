-- Measurement keeps its own copies of what other services announced (campaigns, assignments, contacts, responses,
-- purchases, scores), derives each member's outcome from them (attribution) and maintains per-cell sufficient
-- statistics, so results are computed from a few rows at request time. Every fact may arrive in any order and more
-- than once: members are re-derived from the facts, never patched by increments of a single message.

-- Campaigns as launched (CampaignLaunched). Cells, waves and offers as announced (jsonb, the contract's shape).
CREATE TABLE campaigns (
    id                   uuid        PRIMARY KEY,
    code                 text        NOT NULL UNIQUE,
    name                 text        NOT NULL,
    objective            text        NOT NULL,
    kind                 text        NOT NULL,
    launched_at          timestamptz NOT NULL,
    response_window_days integer     NOT NULL,
    currency             text        NOT NULL,
    budget               numeric     NULL,
    member_count         integer     NOT NULL,
    global_control_share float8      NOT NULL,
    cells                jsonb       NOT NULL,
    waves                jsonb       NOT NULL,
    offers               jsonb       NOT NULL,
    status               text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'cancelled')),
    completed_at         timestamptz NULL
);

-- Wave starts and cell offers flattened for the attribution's joins.
CREATE TABLE campaign_waves (
    campaign_id  uuid        NOT NULL REFERENCES campaigns (id),
    wave         integer     NOT NULL,
    share        float8      NOT NULL,
    starts_at    timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, wave)
);

CREATE TABLE campaign_cells (
    campaign_id          uuid    NOT NULL REFERENCES campaigns (id),
    cell                 text    NOT NULL,
    share                float8  NOT NULL,
    is_control           boolean NOT NULL,
    offer_code           text    NULL,
    cost_per_redemption  numeric NOT NULL DEFAULT 0,  -- of the cell's offer
    PRIMARY KEY (campaign_id, cell)
);

-- Batches of CustomersAssigned received (a repeated batch is recognised here even under another message id).
CREATE TABLE assigned_batches (
    campaign_id   uuid    NOT NULL,
    batch_number  integer NOT NULL,
    batch_count   integer NOT NULL,
    PRIMARY KEY (campaign_id, batch_number)
);

-- One row per campaign member (CustomersAssigned), with the attributes as they were at launch and the outcome the
-- attribution derived. window_start: the member's first contact (dispatched or exported), else the wave's start
-- (control members, and treated members never contacted); null while the campaign itself is not known yet.
CREATE TABLE members (
    campaign_id        uuid        NOT NULL,
    customer_id        uuid        NOT NULL,
    cell               text        NOT NULL,
    wave               integer     NOT NULL,
    global_control     boolean     NOT NULL,
    value_tier         text        NULL,
    clv                float8      NULL,
    deal_seeker        boolean     NOT NULL,
    pre_revenue        numeric     NOT NULL,   -- net revenue in the 365 days before launch: the CUPED covariate
    pre_orders         integer     NOT NULL,
    lifecycle          text        NULL,
    -- derived by the attribution (defaults: nothing happened yet)
    window_start       timestamptz NULL,
    window_end         timestamptz NULL,
    contacted          boolean     NOT NULL DEFAULT false,   -- at least one contact dispatched or exported
    contacted_steps    integer     NOT NULL DEFAULT 0,       -- bit (step - 1) set when contacted in that step
    responded_steps    integer     NOT NULL DEFAULT 0,       -- contacted steps whose contact preceded a response in the window
    reached            boolean     NOT NULL DEFAULT false,
    responded          boolean     NOT NULL DEFAULT false,
    converted          boolean     NOT NULL DEFAULT false,
    redeemed           boolean     NOT NULL DEFAULT false,
    orders             integer     NOT NULL DEFAULT 0,
    revenue            numeric     NOT NULL DEFAULT 0,       -- net revenue in the window (returns subtract)
    margin             numeric     NOT NULL DEFAULT 0,
    contact_cost       numeric     NOT NULL DEFAULT 0,
    offer_cost         numeric     NOT NULL DEFAULT 0,
    first_purchase_at  timestamptz NULL,                     -- first order in the window
    active_after_90    boolean     NOT NULL DEFAULT false,   -- an order 90 days or more after window_start
    PRIMARY KEY (campaign_id, customer_id)
);
CREATE INDEX members_customer ON members (customer_id);

-- Contacts (ContactsDispatched): immutable facts, one per (campaign, customer, step).
CREATE TABLE contacts (
    contact_id    uuid        PRIMARY KEY,
    campaign_id   uuid        NOT NULL,
    customer_id   uuid        NOT NULL,
    cell          text        NOT NULL,
    wave          integer     NOT NULL,
    step          integer     NOT NULL,
    channel       text        NOT NULL,
    offer_code    text        NULL,
    cost          numeric     NOT NULL,
    at            timestamptz NOT NULL,
    status        text        NOT NULL,
    block_reason  text        NULL
);
CREATE INDEX contacts_member ON contacts (customer_id, campaign_id);

-- Responses (ResponsesRecorded), by campaign code: kept whether or not the campaign is known yet.
CREATE TABLE responses (
    response_id    uuid        PRIMARY KEY,
    campaign_code  text        NOT NULL,
    customer_id    uuid        NOT NULL,
    channel        text        NOT NULL,
    type           text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    value          numeric     NULL
);
CREATE INDEX responses_customer ON responses (customer_id, occurred_at);

-- Purchases (TransactionsRecorded) of every customer: a customer may join a campaign after buying (external campaigns
-- are imported afterwards), and the cohorts are followed for months after the window.
CREATE TABLE purchases (
    transaction_id  uuid        PRIMARY KEY,
    customer_id     uuid        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    net_amount      numeric     NOT NULL,   -- gross minus discount; negative for a return
    margin          numeric     NOT NULL,   -- net minus cost of goods (cost unknown: counted as zero)
    cost_known      boolean     NOT NULL,
    is_return       boolean     NOT NULL,
    campaign_code   text        NULL,
    promotion_code  text        NULL
);
CREATE INDEX purchases_customer ON purchases (customer_id, occurred_at);

-- Latest scores per customer (CustomersScored), kept from the highest run number.
CREATE TABLE customer_scores (
    customer_id         uuid    PRIMARY KEY,
    run_number          bigint  NOT NULL,
    value_tier          text    NULL,
    clv                 float8  NULL,
    probability_alive   float8  NULL,
    churn_risk          text    NULL,
    deal_seeker         boolean NOT NULL,
    orders              integer NOT NULL
);

-- Customers erased: their facts are deleted and never stored again; their members stay as anonymous rows (the
-- campaign's statistics must not change when someone leaves) but lose the link to the person.
CREATE TABLE erased_customers (
    customer_id  uuid        PRIMARY KEY,
    erased_at    timestamptz NOT NULL
);

-- Sufficient statistics per (campaign, cell, wave, value tier, contacted), maintained by the attribution with the
-- difference between each member's old and new outcome. Every figure of a results page is a sum of these rows.
-- y = revenue, margin, profit (margin - contact cost - offer cost); x = pre_revenue; cost = contact + offer cost.
CREATE TABLE cell_stats (
    campaign_id      uuid    NOT NULL,
    cell             text    NOT NULL,
    wave             integer NOT NULL,
    value_tier       text    NOT NULL,   -- '' when not scored
    contacted        boolean NOT NULL,
    members          bigint  NOT NULL DEFAULT 0,
    reached          bigint  NOT NULL DEFAULT 0,
    responders       bigint  NOT NULL DEFAULT 0,
    converters       bigint  NOT NULL DEFAULT 0,
    redeemers        bigint  NOT NULL DEFAULT 0,
    active_after_90  bigint  NOT NULL DEFAULT 0,
    orders           bigint  NOT NULL DEFAULT 0,
    revenue_sum      numeric NOT NULL DEFAULT 0,
    revenue_sq       numeric NOT NULL DEFAULT 0,
    margin_sum       numeric NOT NULL DEFAULT 0,
    margin_sq        numeric NOT NULL DEFAULT 0,
    profit_sum       numeric NOT NULL DEFAULT 0,
    profit_sq        numeric NOT NULL DEFAULT 0,
    cost_sum         numeric NOT NULL DEFAULT 0,
    cost_sq          numeric NOT NULL DEFAULT 0,
    profit_cost      numeric NOT NULL DEFAULT 0,   -- Σ profit·cost (ROI's delta method)
    contact_cost_sum numeric NOT NULL DEFAULT 0,
    offer_cost_sum   numeric NOT NULL DEFAULT 0,
    x_sum            numeric NOT NULL DEFAULT 0,
    x_sq             numeric NOT NULL DEFAULT 0,
    x_revenue        numeric NOT NULL DEFAULT 0,   -- Σ x·revenue
    x_margin         numeric NOT NULL DEFAULT 0,
    x_profit         numeric NOT NULL DEFAULT 0,
    x_responders     numeric NOT NULL DEFAULT 0,   -- Σ x over responders (x·y for a 0/1 outcome)
    x_converters     numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, cell, wave, value_tier, contacted)
);

-- Per channel step: contacts made and blocked (with their reasons), their cost, and responders among those contacted.
CREATE TABLE step_stats (
    campaign_id   uuid    NOT NULL,
    cell          text    NOT NULL,
    wave          integer NOT NULL,
    step          integer NOT NULL,
    channel       text    NOT NULL,   -- '' for blocked before a channel was chosen
    status        text    NOT NULL,   -- dispatched, exported, blocked
    block_reason  text    NOT NULL,   -- '' unless blocked
    contacts      bigint  NOT NULL DEFAULT 0,
    cost_sum      numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, cell, wave, step, channel, status, block_reason)
);

CREATE TABLE step_responders (
    campaign_id  uuid    NOT NULL,
    cell         text    NOT NULL,
    wave         integer NOT NULL,
    step         integer NOT NULL,
    responders   bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, cell, wave, step)
);

-- Customers in at least one campaign target, for the global control's platform-wide comparison: the global control
-- flag of their first assignment, and what they bought since they were first targeted.
CREATE TABLE targeted_customers (
    customer_id        uuid        PRIMARY KEY,
    global_control     boolean     NOT NULL,
    first_targeted_at  timestamptz NULL,
    pre_revenue        numeric     NOT NULL DEFAULT 0,
    buyer              boolean     NOT NULL DEFAULT false,
    orders             integer     NOT NULL DEFAULT 0,
    revenue            numeric     NOT NULL DEFAULT 0
);

CREATE TABLE global_control_stats (
    global_control  boolean PRIMARY KEY,
    customers       bigint  NOT NULL DEFAULT 0,
    buyers          bigint  NOT NULL DEFAULT 0,
    revenue_sum     numeric NOT NULL DEFAULT 0,
    revenue_sq      numeric NOT NULL DEFAULT 0,
    x_sum           numeric NOT NULL DEFAULT 0,
    x_sq            numeric NOT NULL DEFAULT 0,
    x_revenue       numeric NOT NULL DEFAULT 0,
    x_buyers        numeric NOT NULL DEFAULT 0
);
