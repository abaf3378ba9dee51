-- Issue 12: an as-of report (and the past side of a frozen comparison) looks up each participation's activities of
-- the period by 0900's index, and tests each version against the cursor. The cursor's columns were not in the index,
-- so every version was fetched from the heap: 2,273 lookups, 36,000 heap rows, 76 ms of the largest förbund's as-of
-- report at 10 M events, where the report at the checkpoint reads the index only (docs/adr/0010-report-performance.md,
-- "Eighth step"). With the version's columns included both read the index only. Report-only (ReportIndexes).
DROP INDEX stats_activities_participation_period;
CREATE INDEX stats_activities_participation_period ON stats_activities (participation_id, activity_on)
    INCLUDE (kind, valid_from_tx, valid_from_pos, valid_to_tx, valid_to_pos);
