using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// The report-only indexes a reset drops and the rebuild builds again at the head of the log (<see cref="ReportIndexes"/>,
/// ADR 0008, fourth step): they come back as the migrations made them, a crash between leaves them to start-up, a
/// migration that changes one of them still works, and reports without them give the same figures.
/// </summary>
public sealed class ReportIndexTests : StatisticsTestBase
{
    private async Task SomeOfEverythingAsync()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1", kommuner: ["K1"]);
        await Given.BeredningsgruppAsync("g1", "f1", ["i1"], 5);
        for (var i = 0; i < 6; i++)
        {
            var id = $"p{i}";
            await Given.ReferralAsync($"r{i}", "f1", "g1", ReferringParty.Af, (Gender)(i % 4), D("2024-01-02").AddDays(i * 4));
            await Given.ReferralEventAsync($"r{i}", new ReferralAccepted($"r{i}", "i1", D("2024-01-05").AddDays(i * 4), null));
            await Given.EnrolAsync(id, "i1", D("2024-01-10").AddDays(i * 4), (Gender)(i % 4), 20 + i * 5, referral: $"r{i}");
            await Given.ActivityAsync(id, D("2024-01-12").AddDays(i * 6));
            await Given.ActivityAsync(id, D("2024-02-12").AddDays(i * 6));
            if (i % 2 == 0)
            {
                await Given.ExitAsync(id, D("2024-05-01").AddDays(i * 9), Given.StandardReasons[i % Given.StandardReasons.Count].Code);
            }
        }
    }

    /// <summary>The log projected: the indexes as the migrations made them, and the reports over it.</summary>
    private async Task<(Dictionary<string, string> Indexes, string Reports)> ProjectedWithIndexesAsync()
    {
        await SomeOfEverythingAsync();
        await ProjectedAsync();
        return (await IndexesAsync(), await ReportsAsync());
    }

    /// <summary>Waits (bounded) until no report-only index is left dropped, and says so.</summary>
    private async Task WaitUntilIndexesBuiltAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await DeferredAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, await DeferredAsync());
    }

    /// <summary>Every index of the fact tables with its definition, by name.</summary>
    private async Task<Dictionary<string, string>> IndexesAsync()
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'stats\\_%' ORDER BY indexname");
        await using var reader = await cmd.ExecuteReaderAsync();
        var indexes = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            indexes[reader.GetString(0)] = reader.GetString(1);
        }

        return indexes;
    }

    private async Task<long> DeferredAsync()
    {
        await using var cmd = DataSource.CreateCommand("SELECT count(*) FROM stats_deferred_indexes");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string> ReportsAsync()
    {
        var reports = new List<string>();
        foreach (var scope in new[] { StatisticsScope.Country(), StatisticsScope.Forbund("f1"), StatisticsScope.Insats("i1") })
        {
            reports.Add(Json(await ReportAsync(new StatisticsQuery(scope, StatisticsPeriod.Parse("2024")))));
        }

        return string.Join("\n", reports);
    }

    /// <summary>What a crash right after a reset leaves: the reset committed (tables empty, checkpoint at the start, indexes dropped).</summary>
    private async Task ResetAsIfCrashedAsync()
    {
        await StopRunnersAsync();
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await new StatisticsProjection().ResetAsync(new ProjectionContext(connection, tx), CancellationToken.None);
        await using (var cmd = new Npgsql.NpgsqlCommand("UPDATE es_projection_checkpoints SET tx_id = '0', position = 0 WHERE projection = 'statistics'", connection, tx))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
    }

    [Fact]
    public async Task a_rebuild_builds_the_report_only_indexes_again_as_the_migrations_made_them()
    {
        var (migrated, reports) = await ProjectedWithIndexesAsync();
        // the list names indexes the migrations make (it does not rot), and only indexes of the fact tables
        Assert.All(ReportIndexes.Names, name => Assert.True(migrated.ContainsKey(name), name));

        await RebuildAsync();
        await WaitUntilIndexesBuiltAsync();
        Assert.Equal(migrated, await IndexesAsync());
        Assert.Equal(reports, await ReportsAsync());
    }

    /// <summary>
    /// The plan of a statement after <see cref="ReportSql.With"/>'s expressions at the checkpoint, for the period 2024, with
    /// sequential and bitmap scans off: what is left is an index scan, only from the index when the index holds every
    /// column the statement reads of its table.
    /// </summary>
    private async Task<string> PlanOfAsync(ScopeKind kind, string statement)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var settings = new Npgsql.NpgsqlCommand("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off", connection, tx))
        {
            await settings.ExecuteNonQueryAsync();
        }

        await using var cmd = new Npgsql.NpgsqlCommand($"EXPLAIN {ReportSql.With(kind)} {statement}", connection, tx);
        cmd.Parameters.AddWithValue("at_tx", "0");
        cmd.Parameters.AddWithValue("at_pos", 0L);
        cmd.Parameters.AddWithValue("latest", true);
        cmd.Parameters.AddWithValue("from", D("2024-01-01"));
        cmd.Parameters.AddWithValue("to", D("2024-12-31"));
        cmd.Parameters.AddWithValue("today", D("2025-01-15"));
        cmd.Parameters.AddWithValue("insats", "i1");
        cmd.Parameters.AddWithValue("forbunds", new[] { "f1" });
        cmd.Parameters.AddWithValue("kommun", "K1");
        var plan = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join("\n", plan);
    }

    /// <summary>
    /// Migration 1700 (ADR 0010, ninth step): the period's participations of every scope (p) and the period's referrals of
    /// the scope's groups are read from the period indexes alone, so a report visits no heap page for them. Fails when
    /// p or the referrals read a column the index does not include (the scan then fetches every row from the heap).
    /// </summary>
    [Fact]
    public async Task the_period_rows_of_every_scope_are_read_from_the_period_indexes_alone()
    {
        await SomeOfEverythingAsync();
        await ProjectedAsync();
        await using (var vacuum = DataSource.CreateCommand("VACUUM (ANALYZE) stats_participations, stats_referrals"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        foreach (var kind in new[] { ScopeKind.Country, ScopeKind.Forbund, ScopeKind.Kommun, ScopeKind.Insats })
        {
            // whichever period index the planner takes for the scope (they all include every scope's columns)
            var p = await PlanOfAsync(kind, "SELECT * FROM p");
            Assert.True(p.Contains("Index Only Scan using stats_participations_", StringComparison.Ordinal), $"{kind}: {p}");
            Assert.False(p.Contains("Index Scan using stats_participations", StringComparison.Ordinal), $"{kind}: {p}");
            var r = await PlanOfAsync(kind, "SELECT * FROM referrals");
            Assert.True(r.Contains("Index Only Scan using stats_referrals_", StringComparison.Ordinal), $"{kind}: {r}");
            Assert.False(r.Contains("Index Scan using stats_referrals", StringComparison.Ordinal), $"{kind}: {r}");
        }
    }

    /// <summary>
    /// Migration 1900 (ADR 0010, ninth step): the two lookups made for each participation of the period read one index
    /// entry each, not the heap: the latest occupation change on or before the period's end, and the referring party of
    /// a new participation's referral.
    /// </summary>
    [Fact]
    public async Task the_lookups_per_participation_read_their_index_alone()
    {
        await SomeOfEverythingAsync();
        await Given.ParticipationAsync("p1", new OccupationChanged("p1", "c1", D("2024-03-01"), OccupationKind.PaidWork, 50));
        await ProjectedAsync();
        await using (var vacuum = DataSource.CreateCommand("VACUUM (ANALYZE) stats_occupation_changes, stats_referrals"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        var occupation = await PlanOfAsync(ScopeKind.Country, ReportSql.OccupationAtEnd);
        Assert.True(occupation.Contains("Index Only Scan Backward using stats_occupation_changes_latest", StringComparison.Ordinal), occupation);
        var party = await PlanOfAsync(ScopeKind.Country, ReportSql.ReferringPartyOfNew);
        Assert.True(party.Contains("Index Only Scan using stats_referrals_referring_party", StringComparison.Ordinal), party);
    }

    /// <summary>Each fact table's storage settings (pg_class.reloptions), by table.</summary>
    private async Task<Dictionary<string, string[]>> SettingsAsync()
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT c.relname, coalesce(c.reloptions, '{}') FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname = ANY (@tables)");
        cmd.Parameters.AddWithValue("tables", FactTable.All.Select(t => t.Name).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        var settings = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            settings[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        }

        return settings;
    }

    /// <summary>
    /// Migrations 1400 and 2000 (ADR 0010, eighth and ninth steps): every fact table is vacuumed after a fixed number of
    /// inserted rows whatever its size (20,000 activities, 1,000 rows of any other table), so the pages of the newest rows
    /// are marked all-visible and the reports' index-only scans skip the heap; a reset's TRUNCATE keeps the settings, so a
    /// rebuilt log is vacuumed the same way.
    /// </summary>
    [Fact]
    public async Task every_fact_table_is_vacuumed_after_a_fixed_number_of_inserts_before_and_after_a_rebuild()
    {
        // 1400, then 2000: the activities after 20,000 inserts, every other table after 1,000
        string[] Expected(string table) =>
        [
            "autovacuum_vacuum_insert_scale_factor=0", "autovacuum_vacuum_scale_factor=0.01",
            $"autovacuum_vacuum_insert_threshold={(table == FactTable.Activities.Name ? 20000 : 1000)}",
        ];

        await ProjectedWithIndexesAsync();
        var migrated = await SettingsAsync();
        Assert.Equal(FactTable.All.Select(t => t.Name).Order(StringComparer.Ordinal), migrated.Keys.Order(StringComparer.Ordinal));
        Assert.All(migrated, table => Assert.Equal(Expected(table.Key).Order(StringComparer.Ordinal), table.Value.Order(StringComparer.Ordinal)));

        await RebuildAsync();
        await WaitUntilIndexesBuiltAsync();
        Assert.Equal(migrated, await SettingsAsync());
    }

    /// <summary>How many times each fact table was analysed by an ANALYZE command (not autovacuum), by table.</summary>
    private async Task<Dictionary<string, long>> AnalysedAsync()
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY (@tables)");
        cmd.Parameters.AddWithValue("tables", FactTable.All.Select(t => t.Name).ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>
    /// A rebuild analyses every fact table when it reaches the head (ADR 0008, "After the head: every table analysed"): the
    /// analyses while growing stop at 2,000,000 events, and reports planned on them estimated the later years' rows as none.
    /// This log is shorter than the first threshold (2,000 events), so only the analysis at the head can count.
    /// </summary>
    [Fact]
    public async Task a_rebuild_analyses_every_fact_table_when_it_reaches_the_head()
    {
        await ProjectedWithIndexesAsync();
        var before = await AnalysedAsync();

        await RebuildAsync();
        await WaitUntilIndexesBuiltAsync();
        // the runner's backend reports its statistics within about a second of its commit
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var after = await AnalysedAsync();
        while (after.Any(t => t.Value <= before.GetValueOrDefault(t.Key)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            after = await AnalysedAsync();
        }

        Assert.Equal(FactTable.All.Select(t => t.Name).Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        Assert.All(after, table => Assert.True(table.Value > before.GetValueOrDefault(table.Key), $"{table.Key} was not analysed"));
    }

    [Fact]
    public async Task a_reset_drops_only_the_report_only_indexes_and_reports_without_them_give_the_same_figures()
    {
        var (migrated, reports) = await ProjectedWithIndexesAsync();
        await StopRunnersAsync();

        // the indexes dropped as a reset drops them, the rows kept: what a report meets during a rebuild, but with every row
        await using (var connection = await DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await ReportIndexes.DeferAsync(connection, tx, CancellationToken.None);
            await tx.CommitAsync();
        }

        var during = await IndexesAsync();
        Assert.Equal(migrated.Keys.Except(ReportIndexes.Names).Order(StringComparer.Ordinal), during.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ReportIndexes.Names.Count, await DeferredAsync());
        Assert.Equal(reports, await ReportsAsync());
    }

    [Fact]
    public async Task a_crash_after_a_reset_leaves_the_indexes_to_start_up_which_builds_them_before_a_migration_that_changes_one()
    {
        var (migrated, reports) = await ProjectedWithIndexesAsync();
        await ResetAsIfCrashedAsync();
        Assert.Equal(ReportIndexes.Names.Count, await DeferredAsync());

        // the next version's start-up: its migrations include one that replaces a report-only index
        const string changed = "CREATE INDEX stats_participations_referral ON public.stats_participations USING btree (referral_id) INCLUDE (enrolled_on) WHERE (referral_id IS NOT NULL)";
        var applied = await SchemaMigrator.MigrateAsync(
            DataSource,
            [.. Database.Migrations, new Migration("finsam", "9900_test_changes_a_report_index", $"DROP INDEX stats_participations_referral; {changed};")],
            beforeMigrations: ReportIndexes.RestoreAsync);

        Assert.Equal(["finsam/9900_test_changes_a_report_index"], applied);
        Assert.Equal(0, await DeferredAsync());
        var indexes = await IndexesAsync();
        Assert.Equal(changed, indexes["stats_participations_referral"]);
        indexes["stats_participations_referral"] = migrated["stats_participations_referral"];
        Assert.Equal(migrated, indexes);

        // and the projection, started again, rebuilds the same rows from the reset it had committed
        StartRunner(batchSize: 500);
        await WaitUntilProjectedAsync();
        Assert.Equal(reports, await ReportsAsync());
    }

    [Fact]
    public async Task a_runner_that_restarts_after_a_reset_builds_the_indexes_when_it_reaches_the_head()
    {
        var (migrated, _) = await ProjectedWithIndexesAsync();
        await ResetAsIfCrashedAsync();

        // no start-up in between (the service's migrations ran before the crash): the runner builds them at the head
        StartRunner(batchSize: 7, catchUpBatchSize: 7);
        await WaitUntilProjectedAsync();
        await WaitUntilIndexesBuiltAsync();
        Assert.Equal(migrated, await IndexesAsync());
    }
}
