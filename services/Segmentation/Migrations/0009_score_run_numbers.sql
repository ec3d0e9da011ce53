-- Completed scoring runs are announced (CustomersScored) with a run number from this sequence, taken in the run's
-- transaction under the scoring lock: runs are serialized, so a later run always has a higher number, whatever the clocks.
CREATE SEQUENCE score_run_numbers;
ALTER TABLE score_runs ADD COLUMN run_number bigint NULL UNIQUE;
