-- What targeting needs beyond the key: person, demographics (birth year only), acquisition, and consent per channel
-- (null = never said). Kept from CustomersUpserted, newest version wins.
ALTER TABLE customer_profiles
    ADD COLUMN person_id            uuid    NULL,
    ADD COLUMN gender               text    NULL,
    ADD COLUMN birth_year           integer NULL,
    ADD COLUMN join_date            date    NULL,
    ADD COLUMN acquisition_channel  text    NULL,
    ADD COLUMN acquisition_campaign text    NULL,
    ADD COLUMN consent_email        boolean NULL,
    ADD COLUMN consent_sms          boolean NULL,
    ADD COLUMN consent_mail         boolean NULL,
    ADD COLUMN consent_phone        boolean NULL;
CREATE INDEX customer_profiles_person ON customer_profiles (person_id);

-- Customers erased in Ingestion (CustomerErased). A CustomersUpserted arriving late or redelivered, carrying a version
-- from before the erasure, must not bring the profile back; a customer who registers again later (same source and
-- external id, so the same id) has a newer version and does get a profile again.
CREATE TABLE erased_customers (
    customer_id uuid        PRIMARY KEY,
    erased_at   timestamptz NOT NULL          -- Ingestion's time of the erasure; versions up to it are stale
);
