-- Purchase aggregates needed by scores: orders bought with a discount or a promotion code (deal seeking), net revenue
-- of orders whose cost is known (margin), and the number of distinct purchase days (BG/NBD's frequency + 1).
ALTER TABLE customer_purchases
    ADD COLUMN discounted_orders_count integer       NOT NULL DEFAULT 0,
    ADD COLUMN costed_net_revenue      numeric(16,2) NOT NULL DEFAULT 0,
    ADD COLUMN purchase_days           integer       NOT NULL DEFAULT 0;

-- The same sums per customer, UTC day and kind (order or return): what scores as of a past date and the lifetime
-- models read. Additive like customer_purchases, so events may arrive in any order.
CREATE TABLE customer_daily_purchases (
    customer_id             uuid          NOT NULL,
    day                     date          NOT NULL,
    is_return               boolean       NOT NULL,
    orders_count            integer       NOT NULL,
    gross_revenue           numeric(16,2) NOT NULL,
    net_revenue             numeric(16,2) NOT NULL,
    discount_total          numeric(16,2) NOT NULL,
    cost_total              numeric(16,2) NOT NULL,
    costed_net_revenue      numeric(16,2) NOT NULL,
    discounted_orders_count integer       NOT NULL,
    PRIMARY KEY (customer_id, day, is_return)
);

-- Channel mix: orders and net revenue per sales channel ('unknown' when the source did not say).
CREATE TABLE customer_channel_purchases (
    customer_id  uuid          NOT NULL,
    channel      text          NOT NULL,
    orders_count integer       NOT NULL,
    net_revenue  numeric(16,2) NOT NULL,
    PRIMARY KEY (customer_id, channel)
);

-- Settings of this business for scores (tiers, deal seekers, churn bands, margin, CLV inputs); one row.
CREATE TABLE scoring_settings (
    id         integer     PRIMARY KEY CHECK (id = 1),
    settings   jsonb       NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Lifetime-model fits, kept with their inputs.
CREATE TABLE model_fits (
    id                uuid        PRIMARY KEY,
    calibration_end   date        NOT NULL,
    time_unit         text        NOT NULL CHECK (time_unit IN ('day', 'week')),
    customers         integer     NOT NULL,
    bg_nbd            jsonb       NOT NULL,   -- r, alpha, a, b, logLikelihood, iterations, converged
    gamma_gamma       jsonb       NULL,       -- p, q, gamma, logLikelihood, customers; null without repeat buyers
    created_at        timestamptz NOT NULL,
    duration_ms       integer     NOT NULL
);

-- Scoring runs: queued by the API or the schedule, executed by one replica at a time.
CREATE TABLE score_runs (
    id                uuid        PRIMARY KEY,
    as_of             timestamptz NOT NULL,
    as_of_given       boolean     NOT NULL,   -- false: "now", scored from the running aggregates (fast path)
    trigger           text        NOT NULL CHECK (trigger IN ('api', 'schedule')),
    status            text        NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    settings          jsonb       NOT NULL,   -- the settings the run used
    model_fit_id      uuid        NULL REFERENCES model_fits (id),
    customers_scored  integer     NULL,
    error             text        NULL,
    requested_at      timestamptz NOT NULL,
    started_at        timestamptz NULL,
    finished_at       timestamptz NULL
);
CREATE INDEX score_runs_queued ON score_runs (requested_at) WHERE status IN ('queued', 'running');

-- The latest scores of every customer with a profile; replaced as a whole by each run.
CREATE TABLE customer_scores (
    customer_id         uuid             PRIMARY KEY,
    run_id              uuid             NOT NULL,
    as_of               timestamptz      NOT NULL,
    recency_score       smallint         NULL,     -- 1..5, null without purchases
    frequency_score     smallint         NULL,
    monetary_score      smallint         NULL,
    rfm_cell            text             NULL,     -- e.g. '545'
    value               numeric(16,2)    NULL,     -- the measure tiers rank by
    value_tier          text             NULL CHECK (value_tier IN ('top', 'middle', 'bottom')),
    discounted_share    double precision NULL,
    deal_seeker         boolean          NOT NULL,
    p_alive             double precision NULL,
    expected_purchases  double precision NULL,
    expected_spend      double precision NULL,
    clv                 double precision NULL,
    clv_economics       double precision NULL,
    churn_risk          text             NULL CHECK (churn_risk IN ('low', 'medium', 'high'))
);

-- Segment definitions: a JSON rule tree over the documented fields (see RuleCompiler).
CREATE TABLE segments (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    description text        NULL,
    rule        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- A segment's membership frozen at a moment, with what campaigns need. Never changes after it is made, except that
-- an erased customer's row is removed (erasure wins over immutability); member_count keeps the size at creation.
CREATE TABLE segment_snapshots (
    id            uuid        PRIMARY KEY,
    segment_id    uuid        NOT NULL REFERENCES segments (id),
    segment_name  text        NOT NULL,
    rule          jsonb       NOT NULL,
    purpose       text        NULL,
    as_of         timestamptz NOT NULL,
    score_run_id  uuid        NULL,
    member_count  integer     NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE TABLE segment_snapshot_members (
    snapshot_id     uuid             NOT NULL REFERENCES segment_snapshots (id),
    customer_id     uuid             NOT NULL,
    value_tier      text             NULL,
    rfm_cell        text             NULL,
    clv             double precision NULL,
    p_alive         double precision NULL,
    churn_risk      text             NULL,
    deal_seeker     boolean          NOT NULL,
    consent_email   boolean          NULL,
    consent_sms     boolean          NULL,
    consent_mail    boolean          NULL,
    consent_phone   boolean          NULL,
    PRIMARY KEY (snapshot_id, customer_id)
);
CREATE INDEX segment_snapshot_members_customer ON segment_snapshot_members (customer_id);

CREATE FUNCTION snapshots_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'segment_snapshot_members' THEN
        IF EXISTS (SELECT 1 FROM erased_customers e WHERE e.customer_id = OLD.customer_id) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'segment snapshots never change (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER segment_snapshots_immutable BEFORE UPDATE OR DELETE ON segment_snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshots_are_immutable();
CREATE TRIGGER segment_snapshot_members_immutable BEFORE UPDATE OR DELETE ON segment_snapshot_members
    FOR EACH ROW EXECUTE FUNCTION snapshots_are_immutable();
CREATE TRIGGER segment_snapshots_no_truncate BEFORE TRUNCATE ON segment_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION snapshots_are_immutable();
CREATE TRIGGER segment_snapshot_members_no_truncate BEFORE TRUNCATE ON segment_snapshot_members
    FOR EACH STATEMENT EXECUTE FUNCTION snapshots_are_immutable();
