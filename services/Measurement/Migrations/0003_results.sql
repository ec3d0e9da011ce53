-- Results read the maintained statistics by their primary keys (campaign first); only two paths scan members:
-- winsorized revenue (every member of the campaign, through the primary key's campaign prefix) and the acquired cohort
-- of an acquisition campaign, its converters only: a partial index keeps that scan to the converters instead of all
-- members (a converted member's later updates stay HOT as long as converted does not change).
CREATE INDEX members_converters ON members (campaign_id, cell) WHERE converted;
