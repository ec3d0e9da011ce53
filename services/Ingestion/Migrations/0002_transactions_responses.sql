-- Orders and returns; one row per (source, order id). Returns carry negative amounts.
CREATE TABLE transactions (
    transaction_id   uuid          PRIMARY KEY,    -- DeterministicGuid.ForTransaction(source, order_id)
    source           text          NOT NULL,
    order_id         text          NOT NULL,
    customer_id      uuid          NOT NULL REFERENCES customers ON DELETE CASCADE,
    occurred_at      timestamptz   NOT NULL,
    gross_amount     numeric(14,2) NOT NULL,
    discount_amount  numeric(14,2) NOT NULL DEFAULT 0,
    cost_amount      numeric(14,2) NULL,
    currency         char(3)       NOT NULL,
    quantity         integer       NOT NULL CHECK (quantity >= 0),
    channel          text          NULL,
    category         text          NULL,
    promotion_code   text          NULL,
    campaign_code    text          NULL,
    is_return        boolean       NOT NULL,
    recorded_at      timestamptz   NOT NULL
);
CREATE INDEX transactions_customer ON transactions (customer_id, occurred_at);

-- What customers did with campaign contacts, as channels report it.
CREATE TABLE responses (
    response_id    uuid          PRIMARY KEY,      -- from (source, external id) or from the response's content
    source         text          NOT NULL,
    external_id    text          NULL,
    campaign_code  text          NOT NULL,
    customer_id    uuid          NOT NULL REFERENCES customers ON DELETE CASCADE,
    channel        text          NOT NULL,
    type           text          NOT NULL,
    occurred_at    timestamptz   NOT NULL,
    value          numeric(14,2) NULL,
    recorded_at    timestamptz   NOT NULL
);
CREATE INDEX responses_customer ON responses (customer_id);
CREATE INDEX responses_campaign ON responses (campaign_code, type);
