namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// Events per second through <c>PostgresEventStore.AppendAsync</c>, one event per append, against
/// plain single-row INSERT transactions into a table of the same payload, and against Marten 9.59's quick append of
/// the same event (the measured peer, ADR 0004), with 1 and 16 writers.
/// </summary>
internal sealed class AppendBenchmark(BenchDatabase database, BenchOptions options, TextWriter log) : IAsyncDisposable
{
    public static readonly int[] WriterCounts = [1, 16];

    private readonly AppendWorkload _workload = new(database.DataSource);

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken ct)
    {
        await database.ExecuteAsync(AppendWorkload.CreatePlainTableSql, ct);
        await _workload.Marten.PrepareAsync(ct);

        var warmUp = Math.Max(200, options.AppendEvents / 10);
        log.WriteLine($"append: warm-up, {warmUp} events per kind and writer count");
        foreach (var writers in WriterCounts)
        {
            foreach (var kind in Enum.GetValues<AppendKind>())
            {
                await _workload.MeasureAsync(kind, writers, warmUp, ct);
            }
        }

        var results = new List<ScenarioResult>();
        foreach (var writers in WriterCounts)
        {
            var seconds = Enum.GetValues<AppendKind>().ToDictionary(k => k, _ => new List<double>());
            for (var round = 1; round <= options.Rounds; round++)
            {
                // Alternate the order so slow drift (a growing table, a background task) hits every kind alike.
                var kinds = round % 2 == 1 ? Enum.GetValues<AppendKind>() : Enum.GetValues<AppendKind>().Reverse().ToArray();
                foreach (var kind in kinds)
                {
                    await SettleAsync(ct);
                    var elapsed = await _workload.MeasureAsync(kind, writers, options.AppendEvents, ct);
                    seconds[kind].Add(elapsed);
                    log.WriteLine(FormattableString.Invariant(
                        $"append: round {round}/{options.Rounds}, {writers,2} writers, {kind,-19} {options.AppendEvents / elapsed,8:N0} events/s"));
                }
            }

            var baseline = seconds[AppendKind.PlainInsert];
            results.Add(new ScenarioResult(ScenarioFamily.Append, "append, new stream", writers, options.AppendEvents, seconds[AppendKind.StoreNewStream], baseline));
            results.Add(new ScenarioResult(ScenarioFamily.Append, "append, existing stream", writers, options.AppendEvents, seconds[AppendKind.StoreExistingStream], baseline));
            // ratio above 1: the store appends faster than Marten
            results.Add(new ScenarioResult(ScenarioFamily.Marten, "vs Marten, new stream", writers, options.AppendEvents, seconds[AppendKind.StoreNewStream], seconds[AppendKind.MartenNewStream]));
            results.Add(new ScenarioResult(ScenarioFamily.Marten, "vs Marten, existing stream", writers, options.AppendEvents, seconds[AppendKind.StoreExistingStream], seconds[AppendKind.MartenExistingStream]));
        }

        await VerifyAsync(ct);
        return results;
    }

    /// <summary>Vacuums and analyses between runs, so autovacuum is less likely to start inside one.</summary>
    private Task SettleAsync(CancellationToken ct) =>
        database.ExecuteAsync($"VACUUM (ANALYZE) es_events, es_streams, {AppendWorkload.PlainTable}, {MartenPeer.Schema}.mt_events, {MartenPeer.Schema}.mt_streams", ct);

    public ValueTask DisposeAsync() => _workload.DisposeAsync();

    private async Task VerifyAsync(CancellationToken ct)
    {
        var stored = await database.ScalarAsync("SELECT count(*) FROM es_events", ct);
        var plain = await database.ScalarAsync($"SELECT count(*) FROM {AppendWorkload.PlainTable}", ct);
        var marten = await database.ScalarAsync($"SELECT count(*) FROM {MartenPeer.Schema}.mt_events", ct);
        if (stored != _workload.StoreEvents || plain != _workload.PlainEvents || marten != _workload.Marten.Events)
        {
            throw new BenchmarkFailedException(
                $"Row counts do not match the writes: {stored} events for {_workload.StoreEvents} appended, {plain} rows for {_workload.PlainEvents} inserted, " +
                $"{marten} Marten events for {_workload.Marten.Events} appended.");
        }
    }
}
