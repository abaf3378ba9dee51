using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FinsamOutcomes.Api.Features.Beredningsgrupper;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Features.Forbund;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.Participations;
using FinsamOutcomes.Api.Features.Referrals;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Features.Surveys;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Benchmarks.National;

/// <summary>
/// Writes <see cref="NationalGenerator"/>'s log into a database through the event store with the service's inline
/// read models, projects it with the statistics projection, and checks that a national report of it is not empty.
/// </summary>
internal static class NationalLog
{
    /// <summary>
    /// The scale that makes about <paramref name="events"/> events. Events grow nearly in proportion to the scale (the
    /// förbund, insatser and occurrences are a fixed part), so a dry run at the proportional guess and one
    /// proportional correction come close.
    /// </summary>
    public static double ScaleFor(long events, int seed)
    {
        var guess = events / (double)Count(seed, 1);
        return guess * events / Count(seed, guess);
    }

    private static long Count(int seed, double scale) =>
        new NationalGenerator(seed, scale).Months().Sum(month => month.Sum(append => (long)append.Events.Count));

    /// <summary>Migrates the (empty) database, writes the log with <paramref name="writers"/> concurrent writers, then projects it.</summary>
    public static async Task<long> GenerateAsync(NpgsqlDataSource dataSource, long events, int seed, int writers, TextWriter log, CancellationToken ct)
    {
        await SchemaMigrator.MigrateAsync(dataSource, Database.Migrations, cancellationToken: ct);
        await using (var existing = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM es_events)"))
        {
            if ((bool)(await existing.ExecuteScalarAsync(ct))!)
            {
                throw new BenchmarkFailedException("the database already holds events; generate into an empty one");
            }
        }

        var scale = ScaleFor(events, seed);
        log.WriteLine(FormattableString.Invariant($"generate: about {events:N0} events from seed {seed} (scale {scale:F3}), {writers} writer(s)"));
        var registry = Database.CreateRegistry();
        var store = new PostgresEventStore(dataSource, registry,
        [
            new ForbundReadModel(registry), new InsatsReadModel(), new BeredningsgruppReadModel(), new ReferralReadModel(),
            new ParticipationReadModel(), new EconomyReadModel(), new SurveyReadModel(),
        ]);
        var written = await WriteAsync(store, new NationalGenerator(seed, scale), seed, writers, log, ct);
        await ProjectAsync(store, log, ct);
        await CheckAsync(dataSource, log, ct);
        return written;
    }

    private static async Task<long> WriteAsync(PostgresEventStore store, NationalGenerator generator, int seed, int writers, TextWriter log, CancellationToken ct)
    {
        var versions = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long written = 0;
        var month = NationalGenerator.FirstDay.AddMonths(-1);
        foreach (var appends in generator.Months())
        {
            // insatser, groups, mergers and transfers first and in order: a participation's förbund is its insats's owner then
            foreach (var append in appends.Where(a => a.Structural))
            {
                written += await AppendAsync(store, versions, append, seed, ct);
            }

            // one stream's appends stay in order on one writer
            var people = appends.Where(a => !a.Structural).GroupBy(a => Partition(a.StreamId, writers)).ToArray();
            var counts = await Task.WhenAll(people.Select(async lane =>
            {
                long n = 0;
                foreach (var append in lane)
                {
                    n += await AppendAsync(store, versions, append, seed, ct);
                }

                return n;
            }));
            written += counts.Sum();
            month = month.AddMonths(1);
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.WriteLine(FormattableString.Invariant($"generate: {written:N0} events written, up to {month:yyyy-MM}, {written / clock.Elapsed.TotalSeconds:N0} events/s"));
            }
        }

        log.WriteLine(FormattableString.Invariant($"generate: {written:N0} events written in {clock.Elapsed.TotalSeconds:F0} s ({written / clock.Elapsed.TotalSeconds:N0} events/s)"));
        return written;
    }

    private static async Task<long> AppendAsync(PostgresEventStore store, ConcurrentDictionary<string, long> versions, GeneratedAppend append, int seed, CancellationToken ct)
    {
        var version = versions.GetValueOrDefault(append.StreamId);
        var metadata = new EventMetadata("national-generator", EventId(seed, append.StreamId, version, "correlation"));
        var events = append.Events.Select((e, i) => new EventToAppend(EventId(seed, append.StreamId, version + i + 1, "event"), e, metadata)).ToArray();
        var expected = version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version);
        var result = await store.AppendAsync(append.StreamId, append.StreamType, append.ForbundId, expected, events, ct);
        versions[append.StreamId] = result.NextExpectedVersion;
        return events.Length;
    }

    /// <summary>An id that depends only on the seed, the stream and the version, so a rerun writes the same ids whatever the writers' interleaving.</summary>
    private static Guid EventId(int seed, string streamId, long version, string purpose) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"{seed}/{streamId}/{version}/{purpose}")))[..16]);

    private static int Partition(string streamId, int writers)
    {
        var hash = 0u;
        foreach (var c in streamId)
        {
            hash = (hash * 31) + c;
        }

        return (int)(hash % (uint)writers);
    }

    /// <summary>Runs the statistics projection until it has reached the head of the log.</summary>
    public static async Task ProjectAsync(PostgresEventStore store, TextWriter log, CancellationToken ct)
    {
        var head = await store.HeadPositionAsync(ct);
        var clock = Stopwatch.StartNew();
        await using var runner = new ProjectionRunner(store, new StatisticsProjection(), new ProjectionRunnerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        runner.Start();
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var position = await CheckpointAsync(store.DataSource, ct);
            if (position >= head)
            {
                break;
            }

            if (!runner.IsAlive || runner.State == ProjectionRunnerState.Dead)
            {
                throw new BenchmarkFailedException($"the statistics projection stopped: {runner.LastError}");
            }

            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.WriteLine(FormattableString.Invariant($"project: position {position:N0} of {head:N0}, {runner.EventsApplied / clock.Elapsed.TotalSeconds:N0} events/s"));
            }

            await Task.Delay(200, ct);
        }

        log.WriteLine(FormattableString.Invariant($"project: {head:N0} positions in {clock.Elapsed.TotalSeconds:F0} s"));
    }

    private static async Task<long> CheckpointAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT coalesce((SELECT position FROM es_projection_checkpoints WHERE projection = $1), 0)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = StatisticsProjection.ProjectionName });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>No event parked, and the country's 2024 has participants, exits, referrals and goals.</summary>
    private static async Task CheckAsync(NpgsqlDataSource dataSource, TextWriter log, CancellationToken ct)
    {
        await using (var parked = dataSource.CreateCommand("SELECT count(*) FROM es_dead_letters"))
        {
            if ((long)(await parked.ExecuteScalarAsync(ct))! is var count and > 0)
            {
                throw new BenchmarkFailedException($"the statistics projection parked {count} generated events");
            }
        }

        await using (var analyze = dataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        var report = await new StatisticsService(dataSource, TimeProvider.System).GetReportAsync(
            new StatisticsQuery(StatisticsScope.Country(), StatisticsPeriod.Year(2024)) { Today = ReportToday }, ct);
        var summary = FormattableString.Invariant(
            $"active {report.Participants.Active.Total:N0}, new {report.Participants.New.Total:N0}, exited {report.Participants.Exited.Total:N0}, referrals {report.Referrals.Received.Total:N0}, goals {report.Goals.Count:N0}, occurrences {report.HeadCount.Occurrences:N0}");
        log.WriteLine($"check: country 2024: {summary}");
        if (report.Participants.Active.Total == 0 || report.Participants.Exited.Total == 0 || report.Referrals.Received.Total == 0 || report.Goals.Count == 0 || report.HeadCount.Occurrences == 0)
        {
            throw new BenchmarkFailedException($"the generated country's 2024 report is empty somewhere: {summary}");
        }
    }

    /// <summary>The "today" of every report of the generated country: after its last day, so 2024 and 2025 are complete.</summary>
    public static DateOnly ReportToday { get; } = new(2026, 1, 31);

    public static string Describe(long events) => events.ToString("N0", CultureInfo.InvariantCulture);
}
