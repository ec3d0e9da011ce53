-- What the attribution needs beside 0001.

-- Members and targeted customers of an erased customer keep their outcome and their share of the statistics, but their
-- customer id is replaced by a random one (the same for all rows of one erasure) and they are never re-derived again
-- (their facts are gone); a member whose campaign was not known yet at the erasure is derived once, with no facts.
ALTER TABLE members ADD COLUMN anonymized boolean NOT NULL DEFAULT false;
ALTER TABLE targeted_customers ADD COLUMN anonymized boolean NOT NULL DEFAULT false;

-- CampaignCompleted may arrive before CampaignLaunched: the completion is kept here and applied when the campaign arrives.
CREATE TABLE campaign_completions (
    campaign_id  uuid        PRIMARY KEY,
    status       text        NOT NULL,
    at           timestamptz NOT NULL
);
