-- Plan previews: the design as it was when the preview was asked for, the statistical parameters, the snapshot it counts
-- (asked of Segmentation with purpose 'preview'), and once that snapshot is complete the figures (counts only, no
-- personal data), computed once and kept.
CREATE TABLE previews (
    preview_id              uuid             PRIMARY KEY,
    campaign_id             uuid             NOT NULL REFERENCES campaigns (id),
    snapshot_id             uuid             NOT NULL REFERENCES snapshots (snapshot_id),
    revision                integer          NOT NULL,   -- of the campaign's design
    design                  jsonb            NOT NULL,
    baseline_response_rate  double precision NOT NULL,
    relative_lift_to_detect double precision NULL,
    power                   double precision NOT NULL,
    alpha                   double precision NOT NULL,
    requested_at            timestamptz      NOT NULL,
    figures                 jsonb            NULL,
    computed_at             timestamptz      NULL
);
CREATE INDEX previews_campaign ON previews (campaign_id, requested_at);
