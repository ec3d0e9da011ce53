-- Customers and prospects pushed by other systems; one row per (source, external id).
CREATE TABLE customers (
    customer_id  uuid        PRIMARY KEY,          -- DeterministicGuid.ForCustomer(source, external_id)
    source       text        NOT NULL,
    external_id  text        NOT NULL,
    lifecycle    text        NOT NULL CHECK (lifecycle IN ('prospect', 'customer')),
    first_name   text        NULL,
    last_name    text        NULL,
    email        text        NULL,                 -- trimmed, lower case
    phone        text        NULL,
    city         text        NULL,
    region       text        NULL,
    country      char(2)     NULL,                 -- ISO 3166-1 alpha-2, upper case
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    UNIQUE (source, external_id)
);
