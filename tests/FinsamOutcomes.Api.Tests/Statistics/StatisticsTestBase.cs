using System.Text.Json;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using FinsamOutcomes.Testing;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>A clock that always says the same time: "today" for the reports under test.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// Each test gets its own migrated database on a real PostgreSQL, seeds it by appending events, lets a
/// projection runner catch up, and asks <see cref="StatisticsService"/> with a fixed "today".
/// </summary>
public abstract class StatisticsTestBase : IAsyncLifetime
{
    /// <summary>"Now" for every report: 15 December 2024, Swedish time.</summary>
    protected static readonly DateTimeOffset Now = new(2024, 12, 15, 10, 0, 0, TimeSpan.FromHours(1));

    private readonly List<ProjectionRunner> _runners = [];

    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    protected PostgresEventStore Store { get; private set; } = null!;

    protected StatisticsService Service { get; private set; } = null!;

    protected Given Given { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = NpgsqlDataSource.Create(await TestDatabases.CreateAsync("stats"));
        await SchemaMigrator.MigrateAsync(DataSource, Database.Migrations);
        var registry = new EventTypeRegistry();
        foreach (var (type, name) in EventCatalogue.All)
        {
            registry.Register(type, name);
        }

        foreach (var (from, to, convert) in EventCatalogue.Upcasts)
        {
            registry.Upcast(from, to, convert);
        }

        Store = new PostgresEventStore(DataSource, registry);
        Service = new StatisticsService(DataSource, new FixedClock(Now));
        Given = new Given(Store);
    }

    public async Task DisposeAsync()
    {
        await StopRunnersAsync();
        await DataSource.DisposeAsync();
    }

    protected static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    protected static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    protected static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>Starts the statistics runner (once) and waits until it has projected the whole log.</summary>
    protected async Task ProjectedAsync(int batchSize = 500)
    {
        if (_runners.Count == 0)
        {
            StartRunner(batchSize);
        }

        await WaitUntilProjectedAsync();
    }

    /// <summary>Starts a statistics runner; while far behind it takes <paramref name="catchUpBatchSize"/> events a batch (default: the service's).</summary>
    protected ProjectionRunner StartRunner(int batchSize, int? catchUpBatchSize = null)
    {
        var runner = new ProjectionRunner(Store, NewProjection(), new ProjectionRunnerOptions
        {
            BatchSize = batchSize,
            CatchUpBatchSize = catchUpBatchSize ?? new ProjectionRunnerOptions().CatchUpBatchSize,
            PollInterval = TimeSpan.FromMilliseconds(50),
            RetryDelay = TimeSpan.FromMilliseconds(5),
            ErrorBackoff = TimeSpan.FromMilliseconds(100),
            StandbyRetry = TimeSpan.FromMilliseconds(100),
        });
        _runners.Add(runner);
        runner.Start();
        return runner;
    }

    /// <summary>The projection a runner of this test applies (a class may give it a report cache to empty on reset).</summary>
    protected virtual StatisticsProjection NewProjection() => new();

    protected async Task StopRunnersAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.DisposeAsync();
        }

        _runners.Clear();
    }

    protected async Task WaitUntilProjectedAsync()
    {
        var head = await Store.HeadPositionAsync();
        var monitor = new ProjectionMonitor(DataSource, []);
        Assert.True(
            await monitor.WaitForAsync(head, TimeSpan.FromSeconds(30), [StatisticsProjection.ProjectionName]),
            $"the statistics projection did not reach position {head}");
        Assert.Empty(await ParkedEventsAsync());
    }

    /// <summary>Resets the statistics tables and replays the whole log.</summary>
    protected async Task RebuildAsync()
    {
        await new ProjectionMonitor(DataSource, []).RequestRebuildAsync(StatisticsProjection.ProjectionName);
        await WaitUntilProjectedAsync();
    }

    protected async Task<StatisticsReport> ReportAsync(StatisticsScope scope, string period, DateOnly? today = null)
    {
        await ProjectedAsync();
        return await ReportAsync(new StatisticsQuery(scope, StatisticsPeriod.Parse(period)) { Today = today });
    }

    /// <summary>A report, checked to add up in every table.</summary>
    protected async Task<StatisticsReport> ReportAsync(StatisticsQuery query)
    {
        var report = await Service.GetReportAsync(query);
        ReportAssert.AddsUp(report);
        return report;
    }

    private async Task<List<string>> ParkedEventsAsync()
    {
        await using var cmd = DataSource.CreateCommand("SELECT event_type || ': ' || error FROM es_dead_letters");
        await using var reader = await cmd.ExecuteReaderAsync();
        var parked = new List<string>();
        while (await reader.ReadAsync())
        {
            parked.Add(reader.GetString(0));
        }

        return parked;
    }
}
