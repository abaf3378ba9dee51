-- Issue 12: a narrow scope's report reaches its activities and its enrolments from referrals from the scope itself,
-- not from the whole country's period (docs/adr/0010-report-performance.md, "One statement per report").

-- the activities of one participation in a period (ReportSql.Activities for every scope but the country). Every
-- version, so an as-of report reads only the period's versions; at the checkpoint the lookup reads the index only
-- (kind and valid_to_pos are in it; activities are rarely corrected, so the versions are about the current rows)
CREATE INDEX stats_activities_participation_period ON stats_activities (participation_id, activity_on) INCLUDE (kind, valid_to_pos);

-- the participation enrolled from an accepted referral (ReportSql.DecisionToEnrolment); every version, so that an
-- as-of report, which cannot use the current-row indexes, reaches it too
CREATE INDEX stats_participations_referral ON stats_participations (referral_id)
    WHERE referral_id IS NOT NULL;
