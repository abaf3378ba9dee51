-- Issue 12: reports whose cost follows the period, not the history (docs/adr/0007-report-performance.md).
--
-- A report at the projection's checkpoint reads only current row versions (valid_to_pos IS NULL; ReportSql.Visible),
-- and only the participations active in the period: coalesce(exited_on, 'infinity') >= @from AND enrolled_on <= @to.
-- These partial indexes hold exactly the current rows, keyed by the scope and then by the end of the participation,
-- so a report reads the participations that ended on or after the period's start (or are still open) and no older
-- history. The expression must stay written as ReportSql.ActiveInPeriod writes it.

CREATE INDEX stats_participations_forbund_period ON stats_participations (forbund_id, (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE valid_to_pos IS NULL AND NOT registered_in_error;
CREATE INDEX stats_participations_insats_period ON stats_participations (insats_id, (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE valid_to_pos IS NULL AND NOT registered_in_error;
CREATE INDEX stats_participations_period ON stats_participations ((coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE valid_to_pos IS NULL AND NOT registered_in_error;

-- the period's activities (ReportSql.Activities)
CREATE INDEX stats_activities_period ON stats_activities (activity_on) INCLUDE (participation_id, kind)
    WHERE valid_to_pos IS NULL;

-- the referrals a period's figures can count: open, or decided or withdrawn on or after its start (ReportSql.ReferralInPeriod)
CREATE INDEX stats_referrals_group_period ON stats_referrals (beredningsgrupp_id, (coalesce(greatest(decided_on, withdrawn_on), 'infinity'::date)))
    WHERE valid_to_pos IS NULL;
