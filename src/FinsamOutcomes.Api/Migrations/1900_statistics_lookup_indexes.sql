-- Issue 12: two figures look something up for each participation of the period, and each lookup read the heap. The
-- occupation on the period's last day (ReportSql.OccupationAtEnd) took each participation's current changes through
-- the current-row index, fetched them and sorted them for the latest on or before the day: 23,196 lookups for the
-- country's 2024 at 10 M events, 80 ms in EXPLAIN. The referring party of each new participation
-- (ReportSql.ReferringPartyOfNew) fetched its referral's row: 37,870 lookups, 80 ms. With these two indexes each lookup
-- reads one index entry, the latest change in the index's order or the referral's party
-- (docs/adr/0010-report-performance.md, "Ninth step"). Report-only (ReportIndexes).
CREATE INDEX stats_occupation_changes_latest ON stats_occupation_changes (participation_id, changed_on, valid_from_tx, valid_from_pos)
    INCLUDE (kind)
    WHERE valid_to_pos IS NULL;

CREATE INDEX stats_referrals_referring_party ON stats_referrals (referral_id)
    INCLUDE (referring_party)
    WHERE valid_to_pos IS NULL;
