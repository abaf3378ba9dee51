-- Issue 12: a report's participations of the period (ReportSql's p) and its referrals came through 0800's and 1500's
-- period indexes, then from the heap, one page per row: the largest förbund's 2,273 participations of 2024 lay on
-- 1,579 heap pages and its group's 1,252 referrals on 1,361, the country's 60,531 participations on 60,610 pages at
-- 10 M events. With the columns the figures read included, the current rows come from the index alone (the
-- visibility map is kept by 1400's autovacuum settings), and p lists exactly those columns
-- (docs/adr/0010-report-performance.md, "Ninth step"). Each includes every scope's columns, so whichever of them the
-- planner takes for a scope reads no heap page. Same names and keys; report-only (ReportIndexes): dropped at a reset and
-- built when the rebuild catches up.
DROP INDEX stats_participations_forbund_period;
CREATE INDEX stats_participations_forbund_period ON stats_participations (forbund_id, (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    INCLUDE (kommun, insats_id, participation_id, participant_id, referral_id, gender, age_at_start, exited_on, exit_reason_code,
             exit_category, education_at_start, occupation_at_start, occupation_at_exit, support_at_start, support_at_exit,
             months_on_support_before, first_activity_on, referring_party)
    WHERE valid_to_pos IS NULL AND NOT registered_in_error;

DROP INDEX stats_participations_insats_period;
CREATE INDEX stats_participations_insats_period ON stats_participations (insats_id, (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    INCLUDE (forbund_id, kommun, participation_id, participant_id, referral_id, gender, age_at_start, exited_on, exit_reason_code,
             exit_category, education_at_start, occupation_at_start, occupation_at_exit, support_at_start, support_at_exit,
             months_on_support_before, first_activity_on, referring_party)
    WHERE valid_to_pos IS NULL AND NOT registered_in_error;

DROP INDEX stats_participations_period;
CREATE INDEX stats_participations_period ON stats_participations ((coalesce(exited_on, 'infinity'::date)), enrolled_on)
    INCLUDE (forbund_id, kommun, insats_id, participation_id, participant_id, referral_id, gender, age_at_start, exited_on, exit_reason_code,
             exit_category, education_at_start, occupation_at_start, occupation_at_exit, support_at_start, support_at_exit,
             months_on_support_before, first_activity_on, referring_party)
    WHERE valid_to_pos IS NULL AND NOT registered_in_error;

DROP INDEX stats_referrals_group_period;
CREATE INDEX stats_referrals_group_period ON stats_referrals (beredningsgrupp_id, (coalesce(greatest(decided_on, withdrawn_on), 'infinity'::date)))
    INCLUDE (referral_id, received_on, decision, decided_on, withdrawn_on, referring_party, gender, cap_override)
    WHERE valid_to_pos IS NULL;

DROP INDEX stats_referrals_period;
CREATE INDEX stats_referrals_period ON stats_referrals ((coalesce(greatest(decided_on, withdrawn_on), 'infinity'::date)), received_on)
    INCLUDE (referral_id, beredningsgrupp_id, decision, decided_on, withdrawn_on, referring_party, gender, cap_override)
    WHERE valid_to_pos IS NULL;
