-- Customers and prospects pushed by other systems; one row per (source, external id).
CREATE TABLE customers (
    customer_id          uuid        PRIMARY KEY,      -- DeterministicGuid.ForCustomer(source, external_id)
    person_id            uuid        NOT NULL,         -- shared by records of several sources with the same email
    source               text        NOT NULL,
    external_id          text        NOT NULL,
    lifecycle            text        NOT NULL CHECK (lifecycle IN ('prospect', 'customer')),
    first_name           text        NULL,
    last_name            text        NULL,
    email                text        NULL,             -- trimmed, lower case
    phone                text        NULL,             -- E.164-like: '+' and digits
    address_line         text        NULL,
    postal_code          text        NULL,
    city                 text        NULL,
    region               text        NULL,
    country              char(2)     NULL,             -- ISO 3166-1 alpha-2, upper case
    gender               text        NULL CHECK (gender IN ('female', 'male', 'other')),
    birth_date           date        NULL,
    join_date            date        NULL,
    acquisition_channel  text        NULL,
    acquisition_campaign text        NULL,
    attributes           jsonb       NOT NULL DEFAULT '{}'::jsonb,   -- free attributes: string -> string | number | bool
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL
    -- (source, external_id) is unique through customer_id, which is derived from it. A second unique constraint
    -- would not be the ON CONFLICT arbiter and would fail concurrent inserts of the same new customer.
);
CREATE INDEX customers_email ON customers (email) WHERE email IS NOT NULL;
CREATE INDEX customers_person ON customers (person_id);

-- Marketing consent per channel, with when and how it last changed.
CREATE TABLE consents (
    customer_id  uuid        NOT NULL REFERENCES customers ON DELETE CASCADE,
    channel      text        NOT NULL CHECK (channel IN ('email', 'sms', 'mail', 'phone')),
    granted      boolean     NOT NULL,
    changed_at   timestamptz NOT NULL,
    origin       text        NOT NULL,            -- 'customer' (pushed with the customer) or 'response:<response id>' (an opt-out)
    PRIMARY KEY (customer_id, channel)
);
