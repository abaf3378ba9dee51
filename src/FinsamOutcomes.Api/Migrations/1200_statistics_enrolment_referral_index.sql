-- Issue 12: days decision -> enrolment (ReportSql.DecisionToEnrolment) for a narrow scope probed the participation
-- facts once per accepted referral of the scope's groups over their whole history (8,062 probes for the largest
-- förbund's group at 10 M events, 22-35 ms of an insats's or a förbund's report, whatever the period). With the
-- period's current enrolments from a referral in one index, the planner hashes the group's accepted referrals
-- against the period's enrolments instead (31 -> 10 ms for a half year at 10 M, EXPLAIN in
-- docs/adr/0010-report-performance.md, "Sixth step"). Current rows only: an as-of report keeps the probe through
-- stats_participations_referral. Report-only: dropped at a reset and built when the rebuild catches up (ReportIndexes).
CREATE INDEX stats_participations_enrolled_referral ON stats_participations (enrolled_on) INCLUDE (referral_id)
    WHERE valid_to_pos IS NULL AND referral_id IS NOT NULL AND NOT registered_in_error;
