-- Gallring: each förbund's retention rule (forbund.retention_rule_set.v1), kept by the inline förbund read model,
-- and indexes for finding a participant's participations and referrals when the gallring job decides whether
-- their identity may go.
ALTER TABLE rm_forbund ADD COLUMN retention_months integer;
ALTER TABLE rm_forbund ADD COLUMN retention_reason text;

CREATE INDEX rm_participations_participant_idx ON rm_participations (participant_id);
CREATE INDEX rm_referrals_participant_idx ON rm_referrals (participant_id);
