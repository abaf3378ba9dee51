using System.Diagnostics;
using System.Globalization;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Benchmarks.National;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// The statistics projection's rebuild of a national log (<see cref="NationalLog"/>), from checkpoint zero to the
/// head through a <see cref="ProjectionRunner"/> with the service's options, in events of the log per second.
/// Against a baseline of plain set-based SQL: one <c>INSERT … SELECT</c> over the log per fact table that is a
/// plain function of its events (each event puts a whole row; a version ends where the next event of its key
/// begins), into copies of those tables with the same indexes. The baseline's rows must equal the projection's
/// (EXCEPT ALL both ways, 0 rows), or no number is reported. The baseline's rate counts the events its tables are
/// made from; the ratio is the projection's rate over the baseline's.
/// </summary>
internal sealed class RebuildBenchmark(BenchServer server, BenchOptions options, TextWriter log)
{
    /// <summary>No checkpoint progress for this long means the rebuild has stopped.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    /// <summary>The baseline's tables: the event types each is made from and the SELECT of its rows (e: the event, w: its key's versions in feed order).</summary>
    private static readonly (string Table, string[] EventTypes, string Select, string Key)[] Baselines =
    [
        ("stats_forbund", ["forbund.registered.v1"],
            "e.data->>'forbundId', e.data->>'name', (e.data->>'registeredOn')::date", "e.data->>'forbundId'"),
        ("stats_insats_transfers", ["insats.transferred.v1"],
            "e.data->>'insatsId', (e.data->>'on')::date, e.data->>'fromForbundId', e.data->>'toForbundId'", "e.data->>'insatsId', e.data->>'on'"),
        ("stats_referral_completion_requests", ["referral.completion_requested.v1"],
            "e.data->>'referralId', (e.data->>'requestedOn')::date", "e.data->>'referralId', e.data->>'requestedOn'"),
        ("stats_activities", ["participation.activity_recorded.v1"],
            "e.data->>'participationId', e.data->>'activityId', e.data->>'kind', (e.data->>'on')::date, (e.data->>'durationMinutes')::integer",
            "e.data->>'participationId', e.data->>'activityId'"),
        ("stats_occupation_changes", ["participation.occupation_changed.v1", "participation.occupation_change_corrected.v1"],
            "e.data->>'participationId', e.data->>'changeId', (e.data->>'on')::date, e.data->>'kind', (e.data->>'extentPercent')::integer",
            "e.data->>'participationId', e.data->>'changeId'"),
    ];

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken ct)
    {
        BenchDatabase? generated = null;
        NpgsqlDataSource dataSource;
        if (options.Database is { } existing)
        {
            log.WriteLine($"rebuild: measuring on the log of database {existing}");
            dataSource = server.OpenExisting(existing);
        }
        else
        {
            generated = await server.CreateDatabaseAsync("rebuild", ct);
            dataSource = generated.DataSource;
            await NationalLog.GenerateAsync(dataSource, options.RebuildEvents, options.Seed, options.Writers, log, ct);
        }

        try
        {
            return [await MeasureAsync(dataSource, ct)];
        }
        finally
        {
            if (generated is not null)
            {
                await generated.DisposeAsync();
            }
            else
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    private async Task<ScenarioResult> MeasureAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var store = new PostgresEventStore(dataSource, Database.CreateRegistry());
        var events = checked((int)await ScalarAsync(dataSource, "SELECT count(*) FROM es_events", ct));
        var baselineEvents = checked((int)await ScalarAsync(dataSource,
            $"SELECT count(*) FROM es_events WHERE event_type IN ({string.Join(", ", Baselines.SelectMany(b => b.EventTypes).Select(t => $"'{t}'"))})", ct));
        foreach (var (table, _, _, _) in Baselines)
        {
            await ExecuteAsync(dataSource, $"DROP TABLE IF EXISTS {BaselineName(table)}; CREATE TABLE {BaselineName(table)} (LIKE {table} INCLUDING ALL)", ct);
        }

        await ExecuteAsync(dataSource, "VACUUM (ANALYZE) es_events", ct);
        log.WriteLine(FormattableString.Invariant(
            $"rebuild: {events:N0} events in the log, {baselineEvents:N0} of them make the baseline's tables ({string.Join(", ", Baselines.Select(b => b.Table))})"));

        var projection = new List<double>();
        var baseline = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            projection.Add(await RebuildAsync(store, ct));
            baseline.Add(await BaselineAsync(dataSource, ct));
            await CompareAsync(dataSource, ct);
            log.WriteLine(FormattableString.Invariant(
                $"rebuild: round {round}/{options.Rounds}: projection {events / projection[^1]:N0} events/s ({projection[^1]:F1} s), baseline {baselineEvents / baseline[^1]:N0} events/s ({baseline[^1]:F1} s); rows equal"));
        }

        log.WriteLine($"rebuild: sizes: {await SizesAsync(dataSource, ct)}");
        return new ScenarioResult(ScenarioFamily.Rebuild, "rebuild, statistics", 1, events, projection, baseline) { BaselineEvents = baselineEvents };
    }

    /// <summary>Requests a rebuild and runs the service's runner until its checkpoint is the head of the log again.</summary>
    private async Task<double> RebuildAsync(PostgresEventStore store, CancellationToken ct)
    {
        var dataSource = store.DataSource;
        var head = await HeadAsync(dataSource, ct);
        await ExecuteAsync(dataSource, $"UPDATE es_projection_checkpoints SET rebuild_requested = true WHERE projection = '{StatisticsProjection.ProjectionName}'", ct);
        await using var runner = new ProjectionRunner(store, new StatisticsProjection(), new ProjectionRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var lastApplied = 0L;
        var lastReport = TimeSpan.Zero;
        runner.Start();
        while (true)
        {
            await using (var cmd = dataSource.CreateCommand("SELECT tx_id::text, position, rebuild_requested FROM es_projection_checkpoints WHERE projection = $1"))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = StatisticsProjection.ProjectionName });
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                var at = new FeedCursor(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1));
                if (!reader.GetBoolean(2) && at >= head)
                {
                    break;
                }
            }

            if (runner.State == ProjectionRunnerState.Dead || !runner.IsAlive)
            {
                throw new BenchmarkFailedException($"the statistics projection stopped: {runner.LastError}");
            }

            if (runner.EventsApplied != lastApplied)
            {
                lastApplied = runner.EventsApplied;
                lastProgress = clock.Elapsed;
            }
            else if (clock.Elapsed - lastProgress > StallLimit)
            {
                throw new BenchmarkFailedException($"the rebuild made no progress for {StallLimit.TotalSeconds:F0} s at {lastApplied:N0} events ({runner.LastError})");
            }

            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.WriteLine(FormattableString.Invariant($"rebuild: {runner.EventsApplied:N0} events applied, {runner.EventsApplied / clock.Elapsed.TotalSeconds:N0} events/s"));
            }

            await Task.Delay(20, ct);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await runner.StopAsync();
        if (await ScalarAsync(dataSource, "SELECT count(*) FROM es_dead_letters", ct) is var parked and > 0)
        {
            throw new BenchmarkFailedException($"the rebuild parked {parked} events");
        }

        return seconds;
    }

    /// <summary>The baseline's tables from empty, in one transaction.</summary>
    private static async Task<double> BaselineAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await ExecuteAsync(dataSource, $"TRUNCATE {string.Join(", ", Baselines.Select(b => BaselineName(b.Table)))}", ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var clock = Stopwatch.StartNew();
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (table, types, select, key) in Baselines)
        {
            await using var cmd = new NpgsqlCommand($"""
                INSERT INTO {BaselineName(table)}
                SELECT {select}, e.tx_id, e.position, e.recorded_at, lead(e.tx_id) OVER w, lead(e.position) OVER w
                FROM es_events AS e
                WHERE e.event_type IN ({string.Join(", ", types.Select(t => $"'{t}'"))})
                WINDOW w AS (PARTITION BY {key} ORDER BY e.tx_id, e.position)
                """, connection, tx);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Every baseline table has exactly the projection's rows (as multisets).</summary>
    private static async Task CompareAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        foreach (var (table, _, _, _) in Baselines)
        {
            var differences = await ScalarAsync(dataSource, $"""
                SELECT (SELECT count(*) FROM (SELECT * FROM {table} EXCEPT ALL SELECT * FROM {BaselineName(table)}) AS a)
                     + (SELECT count(*) FROM (SELECT * FROM {BaselineName(table)} EXCEPT ALL SELECT * FROM {table}) AS b)
                """, ct);
            var rows = await ScalarAsync(dataSource, $"SELECT count(*) FROM {table}", ct);
            if (differences != 0 || rows == 0)
            {
                await using var cmd = dataSource.CreateCommand($"""
                    SELECT string_agg(d, '; ') FROM (
                        (SELECT 'projected ' || t::text AS d FROM (SELECT * FROM {table} EXCEPT ALL SELECT * FROM {BaselineName(table)}) AS t LIMIT 3)
                        UNION ALL
                        (SELECT 'baseline ' || t::text FROM (SELECT * FROM {BaselineName(table)} EXCEPT ALL SELECT * FROM {table}) AS t LIMIT 3)) AS x
                    """);
                throw new BenchmarkFailedException($"{table}: the projection and the baseline differ in {differences} rows ({rows} projected): {await cmd.ExecuteScalarAsync(ct)}");
            }
        }
    }

    private static async Task<string> SizesAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT pg_size_pretty(pg_total_relation_size('es_events')),
                   pg_size_pretty(sum(pg_total_relation_size(c.oid))::bigint),
                   sum(c.reltuples)::bigint
            FROM pg_class AS c
            WHERE c.relkind = 'r' AND c.relname LIKE 'stats\_%' AND c.relnamespace = 'public'::regnamespace
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return FormattableString.Invariant($"es_events {reader.GetString(0)}; statistics tables {reader.GetString(1)} with indexes, about {reader.GetInt64(2):N0} fact rows (every version, as last analysed)");
    }

    private static async Task<FeedCursor> HeadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT e.tx_id::text, e.position FROM es_events AS e ORDER BY e.tx_id DESC, e.position DESC LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new BenchmarkFailedException("the log is empty");
        }

        return new FeedCursor(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1));
    }

    private static string BaselineName(string table) => $"bench_baseline_{table}";

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        cmd.CommandTimeout = 0;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
