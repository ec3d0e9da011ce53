-- Model fit honesty: a fit is converged, degenerate (the data do not determine the parameters) or failed, with the
-- reason; only converged fits are used for scoring and CLV. Fits stored before this kept a converged flag per model.
ALTER TABLE model_fits ADD COLUMN status text NULL CHECK (status IN ('converged', 'degenerate', 'failed'));
ALTER TABLE model_fits ADD COLUMN status_reason text NULL;

UPDATE model_fits
SET status = CASE WHEN (bg_nbd->>'converged')::boolean AND coalesce((gamma_gamma->>'converged')::boolean, true)
                  THEN 'converged' ELSE 'failed' END,
    status_reason = CASE WHEN (bg_nbd->>'converged')::boolean AND coalesce((gamma_gamma->>'converged')::boolean, true)
                  THEN NULL ELSE 'fitted before fit statuses were recorded: the optimizer reported no convergence' END;

ALTER TABLE model_fits ALTER COLUMN status SET NOT NULL;
ALTER TABLE model_fits ADD CONSTRAINT model_fits_reason_unless_converged CHECK ((status = 'converged') = (status_reason IS NULL));

-- The latest converged fit is what scoring picks by default.
CREATE INDEX model_fits_converged_latest ON model_fits (created_at DESC, id) WHERE status = 'converged';
