-- Issue 12: 1400 has each fact table vacuumed after 20,000 inserted rows, so that the newest rows' pages are marked
-- all-visible and the reports' index-only scans skip the heap. 20,000 rows are a few days of activities, but months of
-- participation versions and most of a year of referrals at national scale (31,010 referrals in 2024 at 10 M events):
-- the rows a report of the current period reads most stayed unmarked for that long. Right after a 10 M rebuild 16,515
-- participation versions were not vacuumed yet, a tenth of the table's pages were unmarked, and a VACUUM took the
-- largest förbund's report from 50.8 to 47.7 ms p50 (docs/adr/0010-report-performance.md, "Ninth step"). Every fact
-- table but the activities is now vacuumed after 1,000 inserts; a vacuum reads only the pages not yet marked, and with
-- few dead versions skips its index passes.
ALTER TABLE stats_forbund SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_exit_reasons SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_forbund_mergers SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_insatser SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_insats_transfers SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_insats_goals SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_beredningsgrupper SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_referrals SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_referral_completion_requests SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_participations SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_participation_pauses SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_occurrences SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_occupation_changes SET (autovacuum_vacuum_insert_threshold = 1000);
ALTER TABLE stats_intake_pauses SET (autovacuum_vacuum_insert_threshold = 1000);
