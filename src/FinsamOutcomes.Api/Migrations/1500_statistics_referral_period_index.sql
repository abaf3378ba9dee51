-- Issue 12: the referrals of the country's period (ReportSql's referrals, every group in scope) were read through the
-- current-row index, every current referral of the log in key order, filtered by period: 275,618 rows for the 34,095
-- of 2024 at 10 M events, 91-100 ms of the country's report. 0800's period index leads with the group, which fits a
-- narrow scope's few groups but not the country's every group. With the period first the country reads only its
-- period's referrals (11 ms; docs/adr/0010-report-performance.md, "Eighth step"). Report-only: dropped at a reset and
-- built when the rebuild catches up (ReportIndexes).
CREATE INDEX stats_referrals_period ON stats_referrals ((coalesce(greatest(decided_on, withdrawn_on), 'infinity'::date)), received_on)
    WHERE valid_to_pos IS NULL;
