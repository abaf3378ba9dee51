using System.Diagnostics;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// Events per second through a <see cref="ProjectionRunner"/> from checkpoint zero to the head of a
/// pre-filled log, against a plain keyset-paged <c>SELECT ... ORDER BY position</c> of every column
/// that writes the same read-model rows, batch for batch, in the same kind of transaction.
/// </summary>
internal sealed class FeedBenchmark(BenchDatabase database, BenchOptions options, TextWriter log)
{
    private const int FillWriters = 16;

    /// <summary>No event applied for this long means the runner has stopped short of the head.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(15);

    private readonly AppendWorkload _workload = new(database.DataSource);
    private readonly int _batchSize = new ProjectionRunnerOptions().BatchSize;
    private int _runs;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken ct)
    {
        await database.ExecuteAsync(FeedReadModel.CreateTableSql(FeedReadModel.ProjectedTable), ct);
        await database.ExecuteAsync(FeedReadModel.CreateTableSql(FeedReadModel.BaselineTable), ct);

        log.WriteLine($"feed: filling the log with {options.FeedEvents} events ({FillWriters} writers, one event per append)");
        await _workload.MeasureAsync(AppendKind.StoreNewStream, FillWriters, options.FeedEvents, ct);
        await database.ExecuteAsync("VACUUM (ANALYZE) es_events", ct);

        log.WriteLine("feed: warm-up, one full pass of each");
        await MeasureRunnerAsync(ct);
        await MeasureBaselineAsync(ct);

        var store = new List<double>();
        var baseline = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            if (round % 2 == 1)
            {
                store.Add(await MeasureRunnerAsync(ct));
                baseline.Add(await MeasureBaselineAsync(ct));
            }
            else
            {
                baseline.Add(await MeasureBaselineAsync(ct));
                store.Add(await MeasureRunnerAsync(ct));
            }

            log.WriteLine(FormattableString.Invariant(
                $"feed: round {round}/{options.Rounds}, runner {options.FeedEvents / store[^1],8:N0} events/s, baseline {options.FeedEvents / baseline[^1],8:N0} events/s"));
        }

        return [new ScenarioResult(ScenarioFamily.Feed, "feed, projection runner", 1, options.FeedEvents, store, baseline)];
    }

    /// <summary>A new projection name per run, so each starts from checkpoint zero.</summary>
    private async Task<double> MeasureRunnerAsync(CancellationToken ct)
    {
        await PrepareAsync(FeedReadModel.ProjectedTable, ct);
        var projection = new FeedProjection($"bench_feed_{++_runs}");
        await using var runner = new ProjectionRunner(_workload.Store, projection, new ProjectionRunnerOptions { BatchSize = _batchSize, CatchUpBatchSize = _batchSize });

        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        var lastApplied = 0L;
        runner.Start();
        while (runner.EventsApplied < options.FeedEvents)
        {
            if (runner.State is ProjectionRunnerState.Retrying or ProjectionRunnerState.Dead)
            {
                throw new BenchmarkFailedException($"The projection runner failed ({runner.State}): {runner.LastError}");
            }

            if (runner.EventsApplied != lastApplied)
            {
                lastApplied = runner.EventsApplied;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > StallLimit)
            {
                await runner.StopAsync();
                throw new BenchmarkFailedException(await DescribeStallAsync(projection.Name, lastApplied, ct));
            }

            await Task.Delay(1, ct);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await runner.StopAsync();
        await VerifyAsync(FeedReadModel.ProjectedTable, ct);
        return seconds;
    }

    /// <summary>Events at or behind the runner's checkpoint that never reached the projection were skipped by the feed.</summary>
    private async Task<string> DescribeStallAsync(string projection, long applied, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            $"""
            SELECT count(*) FROM es_events e JOIN es_projection_checkpoints c ON c.projection = $1
            WHERE (e.tx_id, e.position) <= (c.tx_id, c.position)
              AND NOT EXISTS (SELECT 1 FROM {FeedReadModel.ProjectedTable} p WHERE p.position = e.position)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = projection });
        var skipped = (long)(await cmd.ExecuteScalarAsync(ct))!;
        return FormattableString.Invariant(
            $"The projection runner stopped making progress after applying {applied:N0} of {options.FeedEvents:N0} events; ") +
            (skipped > 0
                ? FormattableString.Invariant($"{skipped:N0} events behind its checkpoint were never delivered by the feed (skipped).")
                : "no event behind its checkpoint is missing, so something on the server holds the feed back (an open transaction?).");
    }

    private async Task<double> MeasureBaselineAsync(CancellationToken ct)
    {
        await PrepareAsync(FeedReadModel.BaselineTable, ct);
        var started = Stopwatch.GetTimestamp();
        await using (var connection = await database.DataSource.OpenConnectionAsync(ct))
        {
            var after = 0L;
            while (await ReadPageAsync(connection, after, ct) is { Count: > 0 } page)
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await FeedReadModel.InsertAsync(
                    connection, tx, FeedReadModel.BaselineTable,
                    page.Select(r => r.Position).ToArray(),
                    page.Select(r => r.EventId).ToArray(),
                    page.Select(r => r.StreamId).ToArray(),
                    page.Select(r => r.EventType).ToArray(),
                    ct);
                await tx.CommitAsync(ct);
                after = page[^1].Position;
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await VerifyAsync(FeedReadModel.BaselineTable, ct);
        return seconds;
    }

    private async Task<List<PlainRow>> ReadPageAsync(NpgsqlConnection connection, long after, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT position, tx_id, event_id, stream_id, version, event_type, data, metadata, forbund_id, recorded_at
            FROM es_events WHERE position > $1 ORDER BY position LIMIT $2
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = after });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _batchSize });
        var page = new List<PlainRow>(_batchSize);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            page.Add(new PlainRow(
                reader.GetInt64(0),
                reader.GetFieldValue<ulong>(1),
                reader.GetGuid(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetString(7),
                reader.GetString(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return page;
    }

    private async Task PrepareAsync(string table, CancellationToken ct)
    {
        await database.ExecuteAsync($"TRUNCATE {table}", ct);
        await database.ExecuteAsync($"VACUUM (ANALYZE) es_projection_checkpoints, {table}", ct);
    }

    private async Task VerifyAsync(string table, CancellationToken ct)
    {
        var rows = await database.ScalarAsync($"SELECT count(*) FROM {table}", ct);
        if (rows != options.FeedEvents)
        {
            throw new BenchmarkFailedException($"{table} has {rows} rows after a full pass over {options.FeedEvents} events.");
        }
    }

    /// <summary>Every column of an event row, read the way a plain consumer would.</summary>
    private sealed record PlainRow(
        long Position, ulong TxId, Guid EventId, string StreamId, long Version, string EventType,
        string Data, string Metadata, string ForbundId, DateTimeOffset RecordedAt);
}
