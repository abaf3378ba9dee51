-- Issue 12: an as-of report (asOfPosition/asOfTime, and the frozen comparison's past side) cannot use the current-row
-- period indexes of 0800: it read every version of every participation of the scope through the scope index and
-- filtered them by period and cursor (37,494 versions for 1,456 rows of the largest förbund's 2023-H1 at 10 M events,
-- 54 of the as-of report's 250 ms, against 12 ms for the plain report's). The same keys over every version let the
-- as-of read only the versions of the period's participations; the cursor test stays a filter
-- (docs/adr/0010-report-performance.md, "Seventh step"). Report-only: dropped at a reset, built at catch-up (ReportIndexes).
CREATE INDEX stats_participations_forbund_period_versions ON stats_participations (forbund_id, (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE NOT registered_in_error;
CREATE INDEX stats_participations_insats_period_versions ON stats_participations (insats_id, (coalesce(exited_on, 'infinity'::date)), enrolled_on)
    WHERE NOT registered_in_error;
CREATE INDEX stats_referrals_group_period_versions ON stats_referrals (beredningsgrupp_id, (coalesce(greatest(decided_on, withdrawn_on), 'infinity'::date)));
