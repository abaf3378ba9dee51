-- Issue 12: days decision -> enrolment (ReportSql.DecisionToEnrolment) for a narrow scope reads the scope's accepted
-- referrals and, for each, the participation enrolled from it: both from the index alone at the checkpoint
-- (docs/adr/0010-report-performance.md, "Third step"). At 10 M events, for the largest förbund's 8,062 accepted
-- referrals: 74 ms before, 23 ms after.

-- the participation enrolled from a referral, with what the figure filters on, so the lookup does not visit the
-- table; every version still, so that an as-of report reaches it too
DROP INDEX stats_participations_referral;
CREATE INDEX stats_participations_referral ON stats_participations (referral_id)
    INCLUDE (enrolled_on, registered_in_error, valid_to_pos)
    WHERE referral_id IS NOT NULL;

-- a group's accepted referrals as they stand now, with their decision date
CREATE INDEX stats_referrals_accepted ON stats_referrals (beredningsgrupp_id)
    INCLUDE (referral_id, decided_on)
    WHERE valid_to_pos IS NULL AND decision = 'accepted';
