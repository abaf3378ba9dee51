using System.Diagnostics;
using System.Globalization;
using FinsamOutcomes.Api.Features.Participations;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Benchmarks.National;

/// <summary>
/// <c>reports --report-writers W</c>: while the reports are measured, W writers record activities through the store
/// (with the service's inline read model) for participations of the log that are active and not paused, each dated on
/// or after its enrolment and in 2024, so the reported year changes under the reports; and the statistics projection
/// runs with the service's runner options, as in the service. Every 100 ms the projection's lag is sampled: events of
/// the log not yet applied, and the age of the oldest of them. When the reports are done the writers stop and the
/// time the projection then needs to reach the head is measured.
/// </summary>
internal sealed class ConcurrentWrites : IAsyncDisposable
{
    private static readonly DateOnly FirstDay = new(2024, 1, 1);
    private static readonly DateOnly LastDay = new(2024, 12, 31);
    private static readonly Domain.Common.ActivityKind[] Kinds = Enum.GetValues<Domain.Common.ActivityKind>();

    private readonly NpgsqlDataSource _dataSource;
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private readonly List<double> _appendMs = [];
    private readonly List<(long Events, double Seconds)> _lag = [];
    private readonly ProjectionRunner _runner;
    private readonly PostgresEventStore _store;
    private readonly Stopwatch _clock = new();
    private long _appended;

    private ConcurrentWrites(NpgsqlDataSource dataSource, TextWriter log)
    {
        _dataSource = dataSource;
        _log = log;
        var registry = Database.CreateRegistry();
        _store = new PostgresEventStore(dataSource, registry, [new ParticipationReadModel()]);
        _runner = new ProjectionRunner(new PostgresEventStore(dataSource, registry), new StatisticsProjection(), new ProjectionRunnerOptions());
    }

    /// <summary>Starts the projection, the writers and the lag sampler.</summary>
    public static async Task<ConcurrentWrites> StartAsync(NpgsqlDataSource dataSource, int writers, int seed, TextWriter log, CancellationToken ct)
    {
        var load = new ConcurrentWrites(dataSource, log);
        var people = await load.PeopleAsync(ct);
        if (people.Count < writers)
        {
            throw new BenchmarkFailedException($"reports: {people.Count} active participations to record activities for, fewer than {writers} writers");
        }

        log.WriteLine(FormattableString.Invariant($"reports: {writers} writer(s) record activities for {people.Count:N0} active participations while the reports run; the statistics projection runs beside them"));
        load._runner.Start();
        load._clock.Start();
        for (var w = 0; w < writers; w++)
        {
            var lane = people.Where((_, i) => i % writers == w).ToArray();
            var random = new Random(seed + w);
            load._tasks.Add(Task.Run(() => load.WriteAsync(lane, random, load._stop.Token), CancellationToken.None));
        }

        load._tasks.Add(Task.Run(() => load.SampleAsync(load._stop.Token), CancellationToken.None));
        return load;
    }

    /// <summary>Stops the writers, then waits for the projection to reach the head; prints what was measured.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        var written = _clock.Elapsed.TotalSeconds;
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
        var head = await HeadAsync(ct);
        var catchUp = Stopwatch.StartNew();
        while (await CheckpointAsync(ct) < head)
        {
            if (_runner.State == ProjectionRunnerState.Dead || !_runner.IsAlive)
            {
                throw new BenchmarkFailedException($"the statistics projection stopped: {_runner.LastError}");
            }

            if (catchUp.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new BenchmarkFailedException("the statistics projection did not reach the head within 5 minutes of the writers stopping");
            }

            await Task.Delay(50, ct);
        }

        var appendMs = _appendMs.ToArray();
        var lagEvents = _lag.Select(l => (double)l.Events).ToArray();
        var lagSeconds = _lag.Select(l => l.Seconds).ToArray();
        _log.WriteLine(FormattableString.Invariant(
            $"reports: writers recorded {_appended:N0} activities in {written:F0} s ({_appended / written:N0} events/s), append p50 {At(appendMs, 0.5):F1} ms, p99 {At(appendMs, 0.99):F1} ms"));
        _log.WriteLine(FormattableString.Invariant(
            $"reports: projection lag over {_lag.Count:N0} samples: events behind p50 {At(lagEvents, 0.5):N0}, p99 {At(lagEvents, 0.99):N0}, max {lagEvents.DefaultIfEmpty(0).Max():N0}"));
        _log.WriteLine(FormattableString.Invariant(
            $"reports: projection lag: oldest unapplied event p50 {At(lagSeconds, 0.5):F2} s, p99 {At(lagSeconds, 0.99):F2} s, max {lagSeconds.DefaultIfEmpty(0).Max():F2} s; at the head {catchUp.Elapsed.TotalSeconds:F2} s after the writers stopped"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _runner.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>The nearest-rank percentile the report timings use; 0 with no samples.</summary>
    private static double At(IReadOnlyList<double> values, double p) => values.Count == 0 ? 0 : ReportTiming.Percentile(values, p);

    /// <summary>Participations active now and not paused, with their enrolment date and their stream's förbund.</summary>
    private async Task<List<(string Id, DateOnly EnrolledOn, string ForbundId)>> PeopleAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(
            """
            SELECT x.participation_id, x.enrolled_on, s.forbund_id
            FROM stats_participations x
            JOIN es_streams s ON s.stream_id = 'participation-' || x.participation_id
            WHERE x.valid_to_pos IS NULL AND NOT x.registered_in_error AND x.exited_on IS NULL AND x.enrolled_on <= '2024-12-31'
              AND NOT EXISTS (SELECT 1 FROM stats_participation_pauses s
                              WHERE s.participation_id = x.participation_id AND s.valid_to_pos IS NULL AND s.resumed_on IS NULL)
            ORDER BY x.participation_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var people = new List<(string, DateOnly, string)>();
        while (await reader.ReadAsync(ct))
        {
            people.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2)));
        }

        return people;
    }

    private async Task WriteAsync((string Id, DateOnly EnrolledOn, string ForbundId)[] lane, Random random, CancellationToken ct)
    {
        var times = new List<double>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var (id, enrolledOn, forbundId) = lane[random.Next(lane.Length)];
                var from = enrolledOn > FirstDay ? enrolledOn : FirstDay;
                var on = from.AddDays(random.Next(LastDay.DayNumber - from.DayNumber + 1));
                var recorded = new ActivityRecorded(id, $"bench-{Guid.NewGuid():N}", Kinds[random.Next(Kinds.Length)], on, 30 + (15 * random.Next(6)));
                var clock = Stopwatch.StartNew();
                await _store.AppendAsync(
                    $"participation-{id}", "participation", forbundId, ExpectedVersion.Any,
                    [new EventToAppend(Guid.NewGuid(), recorded, new EventMetadata("bench-writer", Guid.NewGuid()))], ct);
                times.Add(clock.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref _appended);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        lock (_appendMs)
        {
            _appendMs.AddRange(times);
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await using (var cmd = _dataSource.CreateCommand(
                    """
                    SELECT (SELECT count(*) FROM es_events e WHERE e.position > c.position),
                           coalesce(extract(epoch FROM now() - (SELECT e.recorded_at FROM es_events e WHERE e.position > c.position ORDER BY e.position LIMIT 1)), 0)::float8
                    FROM es_projection_checkpoints c WHERE c.projection = $1
                    """))
                {
                    cmd.Parameters.Add(new NpgsqlParameter { Value = StatisticsProjection.ProjectionName });
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    await reader.ReadAsync(ct);
                    _lag.Add((reader.GetInt64(0), reader.GetDouble(1)));
                }

                await Task.Delay(100, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<long> HeadAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT coalesce(max(position), 0) FROM es_events");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<long> CheckpointAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT position FROM es_projection_checkpoints WHERE projection = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = StatisticsProjection.ProjectionName });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
