using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using FinsamOutcomes.Testing;
using Npgsql;

namespace FinsamOutcomes.EventStore.Tests;

public sealed record ThingHappened(string Name, int Number);

public sealed record ThingRenamed(string NewName);

/// <summary>Each test gets its own freshly migrated database on a real PostgreSQL.</summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    protected string ConnectionString { get; private set; } = null!;

    protected EventTypeRegistry Registry { get; } = new EventTypeRegistry()
        .Register<ThingHappened>("test.thing_happened.v2")
        .Register<ThingRenamed>("test.thing_renamed.v1")
        .Upcast("test.thing_happened.v1", "test.thing_happened.v2", old =>
        {
            // v1 had "title" and no number
            var upgraded = new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = old["title"]?.GetValue<string>(),
                ["number"] = 0,
            };
            return upgraded;
        });

    protected PostgresEventStore Store { get; private set; } = null!;

    protected virtual IEnumerable<IInlineProjection> InlineProjections => [];

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabases.CreateAsync(GetType().Name);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await SchemaMigrator.MigrateAsync(DataSource, Migration.EventStore);
        Store = new PostgresEventStore(DataSource, Registry, InlineProjections);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();

    protected static EventToAppend Event(object data, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), data, new EventMetadata("test", Guid.NewGuid()));

    protected Task<AppendResult> AppendAsync(string stream, ExpectedVersion expected, params object[] events) =>
        Store.AppendAsync(stream, "thing", "forbund-1", expected, events.Select(e => Event(e)).ToArray());

    protected async Task<long> ScalarAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Reads the whole feed from the start, in small batches, as a consumer would.</summary>
    protected async Task<List<RecordedEvent>> ReadWholeFeedAsync(int batch = 7)
    {
        var all = new List<RecordedEvent>();
        var cursor = FeedCursor.Start;
        while (true)
        {
            var page = await Store.ReadFeedAsync(cursor, batch);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
            cursor = page[^1].Cursor;
        }
    }

    protected static ProjectionRunnerOptions FastOptions() => new()
    {
        BatchSize = 50,
        PollInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMilliseconds(5),
        ErrorBackoff = TimeSpan.FromMilliseconds(100),
        StandbyRetry = TimeSpan.FromMilliseconds(100),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Waits (bounded) until the projection's checkpoint covers the last event of the log.</summary>
    protected async Task WaitUntilCaughtUpAsync(string projection, TimeSpan? timeout = null)
    {
        var head = await Store.HeadPositionAsync();
        var monitor = new ProjectionMonitor(DataSource, []);
        var reached = await monitor.WaitForAsync(head, timeout ?? TimeSpan.FromSeconds(30), [projection]);
        Assert.True(reached, $"projection {projection} did not reach position {head} in time");
    }
}
