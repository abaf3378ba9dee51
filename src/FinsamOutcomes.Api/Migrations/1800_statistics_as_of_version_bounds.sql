-- Issue 12: an as-of report read its period's participations through 1300's period indexes over every version, and
-- those hold every version that was open when it was ended: a participation enrolled in 2016 and exited in 2018 has a
-- version with no exit, and that version matches every later period. For the largest förbund's 2024 at 90 % of a
-- 10 M log, 24,064 versions were fetched from 7,677 heap pages to keep 1,894. A version is visible at a cursor only if
-- it was not ended before the cursor's transaction, so each index now has the transaction that ended the version
-- (the largest xid8 for a current one) after the scope's key, and ReportSql's as-of condition says so in a form the
-- index can use (ReportSql.Visible, bounded): 3,063 index entries and 1,643 heap pages for the same 1,894 rows
-- (docs/adr/0010-report-performance.md, "Ninth step"). The referral index the days from decision to enrolment use
-- includes the version's columns, as 1600 did for the activities. Same names; report-only (ReportIndexes).
DROP INDEX stats_participations_forbund_period_versions;
CREATE INDEX stats_participations_forbund_period_versions ON stats_participations
    (forbund_id, (coalesce(valid_to_tx, '18446744073709551615'::xid8)), (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE NOT registered_in_error;

DROP INDEX stats_participations_insats_period_versions;
CREATE INDEX stats_participations_insats_period_versions ON stats_participations
    (insats_id, (coalesce(valid_to_tx, '18446744073709551615'::xid8)), (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE NOT registered_in_error;

DROP INDEX stats_referrals_group_period_versions;
CREATE INDEX stats_referrals_group_period_versions ON stats_referrals
    (beredningsgrupp_id, (coalesce(valid_to_tx, '18446744073709551615'::xid8)), (coalesce(greatest(decided_on, withdrawn_on), 'infinity'::date)));

DROP INDEX stats_participations_referral;
CREATE INDEX stats_participations_referral ON stats_participations (referral_id)
    INCLUDE (enrolled_on, registered_in_error, valid_from_tx, valid_from_pos, valid_to_tx, valid_to_pos)
    WHERE referral_id IS NOT NULL;
