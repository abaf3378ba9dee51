-- Issue 12: the reports read the fact tables mostly by index-only scans, which skip the heap only on pages the
-- visibility map marks all-visible, and only VACUUM marks them. With PostgreSQL's defaults autovacuum visits a table
-- after inserts of 20 % of its size (or updates of 20 %), so the newest rows, which are the ones a report of the
-- current year reads, stayed unmarked for months in service and after every rebuild: at 10 M events the country
-- report's scan of 2024's activities fetched 936,734 of its 1,015,278 rows from the heap, and the report took
-- 2.9 s against 1.7 s once vacuumed (docs/adr/0010-report-performance.md, "Eighth step"). Each fact table is now
-- vacuumed after every 20,000 rows inserted whatever its size, and after dead versions of 1 % of it; a vacuum reads
-- only the pages not yet marked. Table settings survive the TRUNCATE of a reset.
ALTER TABLE stats_forbund SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_exit_reasons SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_forbund_mergers SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_insatser SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_insats_transfers SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_insats_goals SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_beredningsgrupper SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_referrals SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_referral_completion_requests SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_participations SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_participation_pauses SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_activities SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_occurrences SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_occupation_changes SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE stats_intake_pauses SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_scale_factor = 0.01);
