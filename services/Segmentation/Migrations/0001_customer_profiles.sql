-- One profile per customer, kept from ingestion events. No contact details: only what scoring and targeting need.
CREATE TABLE customer_profiles (
    customer_id          uuid        PRIMARY KEY,
    source               text        NOT NULL,
    external_id          text        NOT NULL,
    lifecycle            text        NOT NULL,
    country              char(2)     NULL,
    region               text        NULL,
    -- version of the customer data this row reflects; an older event never overwrites a newer one
    customer_updated_at  timestamptz NOT NULL,
    created_at           timestamptz NOT NULL
);
