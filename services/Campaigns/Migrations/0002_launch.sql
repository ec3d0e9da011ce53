-- Launch progress (the assignment job resumes from here after a crash) and what was fixed at launch.
ALTER TABLE campaigns
    -- last customer id assigned (members are assigned in customer id order, one chunk per transaction)
    ADD COLUMN assign_cursor          uuid             NULL,
    -- CustomersAssigned batches written to the outbox so far (batch numbers follow on from here)
    ADD COLUMN assigned_batches       integer          NOT NULL DEFAULT 0,
    -- the waves as launched: the design's, or one wave at launch when it has none; starts already past moved to launch
    ADD COLUMN launched_waves         jsonb            NULL,
    -- the global control setting when assignment began, so every chunk (and a rerun) draws with the same one
    ADD COLUMN global_control_share   double precision NULL,
    ADD COLUMN global_control_salt    uuid             NULL;
