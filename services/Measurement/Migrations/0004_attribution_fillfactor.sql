-- Members and targeted customers are updated in place by every batch of purchases: room on each page lets PostgreSQL
-- keep the new row version on the same page without touching the indexes (HOT updates), when no indexed column changed.
ALTER TABLE members SET (fillfactor = 80);
ALTER TABLE targeted_customers SET (fillfactor = 80);
