using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.EventStore.Tests;

/// <summary>A read model of things; counts how often each event was applied, so double application shows.</summary>
internal sealed class ThingsProjection(string name = "things") : IProjection
{
    public string Name { get; } = name;

    public Func<ProjectionContext, RecordedEvent, Task>? BeforeApply { get; set; }

    /// <summary>The number of events of every batch the runner handed over, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> BatchSizes { get; } = new();

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        BatchSizes.Enqueue(events.Count);
        foreach (var e in events)
        {
            if (BeforeApply is not null)
            {
                await BeforeApply(context, e);
            }

            await using var cmd = context.Command(e.Data switch
            {
                ThingHappened => """
                    INSERT INTO t_things (stream_id, name, number, applied) VALUES ($1, $2, $3, 1)
                    ON CONFLICT (stream_id) DO UPDATE SET applied = t_things.applied + 1, name = $2, number = t_things.number + $3
                    """,
                ThingRenamed => "UPDATE t_things SET name = $2 WHERE stream_id = $1",
                _ => throw new InvalidOperationException("unexpected event"),
            });
            cmd.Parameters.Add(new NpgsqlParameter { Value = e.StreamId });
            switch (e.Data)
            {
                case ThingHappened happened:
                    cmd.Parameters.Add(new NpgsqlParameter { Value = happened.Name });
                    cmd.Parameters.Add(new NpgsqlParameter { Value = happened.Number });
                    break;
                case ThingRenamed renamed:
                    cmd.Parameters.Add(new NpgsqlParameter { Value = renamed.NewName });
                    break;
            }

            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var cmd = context.Command("TRUNCATE t_things");
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed class ProjectionTests : StoreTestBase
{
    private async Task InitializeTableAsync() =>
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS t_things (stream_id text PRIMARY KEY, name text NOT NULL, number int NOT NULL, applied int NOT NULL)");

    private async Task AppendManyAsync(int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await AppendAsync($"thing-{i}", ExpectedVersion.NoStream, new ThingHappened($"thing {i}", i));
        }
    }

    private async Task<string> ReadModelAsync()
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT coalesce(string_agg(stream_id || '=' || name || '/' || number || '/' || applied, ';' ORDER BY stream_id), '') FROM t_things");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task a_runner_projects_the_log_and_follows_new_events()
    {
        await InitializeTableAsync();
        await AppendManyAsync(30);
        var projection = new ThingsProjection();
        await using var runner = new ProjectionRunner(Store, projection, FastOptions());
        runner.Start();
        await WaitUntilCaughtUpAsync("things");
        await AppendAsync("thing-3", ExpectedVersion.Exactly(1), new ThingRenamed("renamed"));
        await AppendManyAsync(5, from: 30);
        await WaitUntilCaughtUpAsync("things");

        Assert.Equal(35, await ScalarAsync("SELECT count(*) FROM t_things"));
        Assert.Equal(35, await ScalarAsync("SELECT sum(applied) FROM t_things"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM t_things WHERE stream_id = 'thing-3' AND name = 'renamed'"));
    }

    [Fact]
    public async Task a_projection_crashed_mid_batch_resumes_without_applying_any_event_twice()
    {
        await InitializeTableAsync();
        await AppendManyAsync(60);
        var crashed = 0;
        var projection = new ThingsProjection
        {
            BeforeApply = async (context, e) =>
            {
                if (e.Data is ThingHappened { Number: 37 } && Interlocked.Exchange(ref crashed, 1) == 0)
                {
                    // the connection dies halfway through a batch: its transaction is lost
                    await using var kill = context.Command("SELECT pg_terminate_backend(pg_backend_pid())");
                    await kill.ExecuteNonQueryAsync();
                }
            },
        };
        var options = FastOptions();
        options.BatchSize = 10;
        await using var runner = new ProjectionRunner(Store, projection, options);
        runner.Start();
        await WaitUntilCaughtUpAsync("things");

        Assert.Equal(1, crashed);
        Assert.Equal(60, await ScalarAsync("SELECT count(*) FROM t_things"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied <> 1"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM es_dead_letters"));
    }

    [Fact]
    public async Task a_runner_behind_reads_catch_up_batches_and_after_catching_up_reads_the_batch_size_again()
    {
        await InitializeTableAsync();
        await AppendManyAsync(60);
        var projection = new ThingsProjection();
        await using var runner = StartSmallBatches(projection, catchUpBatchSize: 25);
        await WaitUntilCaughtUpAsync("things");
        var catchingUp = projection.BatchSizes.ToArray();

        // a batch larger than the batch size only right after a full one (of either size), never above 25
        Assert.Equal(60, catchingUp.Sum());
        Assert.Contains(25, catchingUp);
        Assert.True(catchingUp[0] <= 10, string.Join(",", catchingUp));
        for (var i = 1; i < catchingUp.Length; i++)
        {
            Assert.True(catchingUp[i] <= 25 && (catchingUp[i] <= 10 || catchingUp[i - 1] is 10 or 25), string.Join(",", catchingUp));
        }

        // caught up: the next events (fewer than a batch) go in batches of at most the batch size
        await AppendManyAsync(7, from: 60);
        await WaitUntilCaughtUpAsync("things");
        var live = projection.BatchSizes.Skip(catchingUp.Length).ToArray();
        Assert.Equal(7, live.Sum());
        Assert.All(live, size => Assert.InRange(size, 1, 10));
        Assert.Equal(67, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied = 1"));
    }

    [Fact]
    public async Task a_poison_event_is_retried_then_parked_and_the_events_after_it_are_projected()
    {
        await InitializeTableAsync();
        await AppendManyAsync(10);
        await AppendAsync("poisoned", ExpectedVersion.NoStream, new ThingHappened("poison", 99));
        await AppendManyAsync(10, from: 10);
        var attempts = 0;
        var projection = new ThingsProjection
        {
            BeforeApply = (_, e) =>
            {
                if (e.Data is ThingHappened { Name: "poison" })
                {
                    Interlocked.Increment(ref attempts);
                    throw new FormatException("cannot project the poison");
                }

                return Task.CompletedTask;
            },
        };
        await using var runner = new ProjectionRunner(Store, projection, FastOptions());
        runner.Start();
        await WaitUntilCaughtUpAsync("things");

        Assert.Equal(20, await ScalarAsync("SELECT count(*) FROM t_things"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied <> 1 OR stream_id = 'poisoned'"));
        await using var cmd = DataSource.CreateCommand("SELECT event_type, attempts, error, position FROM es_dead_letters WHERE projection = 'things'");
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("test.thing_happened.v2", reader.GetString(0));
        Assert.Equal(3, reader.GetInt32(1));
        Assert.Equal("FormatException: cannot project the poison", reader.GetString(2));
        Assert.Equal((await Store.ReadStreamAsync("poisoned"))[0].Position, reader.GetInt64(3));
        Assert.False(await reader.ReadAsync());
        // once in the whole batch, then three times alone
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task a_rebuild_while_running_yields_the_same_read_model_as_incremental_projection()
    {
        await InitializeTableAsync();
        await AppendManyAsync(25);
        var projection = new ThingsProjection();
        await using var runner = new ProjectionRunner(Store, projection, FastOptions());
        runner.Start();
        await WaitUntilCaughtUpAsync("things");
        for (var i = 0; i < 25; i += 4)
        {
            await AppendAsync($"thing-{i}", ExpectedVersion.Exactly(1), new ThingRenamed($"renamed {i}"));
            await AppendAsync($"thing-{i}", ExpectedVersion.Exactly(2), new ThingHappened($"again {i}", 1));
        }

        await WaitUntilCaughtUpAsync("things");
        var incremental = await ReadModelAsync();
        var appliedBefore = runner.EventsApplied;

        var monitor = new ProjectionMonitor(DataSource, [runner]);
        await monitor.RequestRebuildAsync("things");
        await WaitUntilCaughtUpAsync("things");

        Assert.Equal(incremental, await ReadModelAsync());
        Assert.Contains("thing-4=again 4/5/2", incremental, StringComparison.Ordinal);
        var total = await ScalarAsync("SELECT count(*) FROM es_events");
        Assert.Equal(appliedBefore + total, runner.EventsApplied);
    }

    [Fact]
    public async Task a_runner_behind_applies_the_batches_it_read_ahead_each_event_once()
    {
        await InitializeTableAsync();
        await AppendManyAsync(60);
        var projection = new ThingsProjection();
        await using var runner = StartSmallBatches(projection, catchUpBatchSize: 10);
        await WaitUntilCaughtUpAsync("things");

        // six full batches: the second to the sixth were read ahead while the one before was applied, and the
        // seventh (empty, caught up) too; the empty one is discarded or used, never applied
        Assert.Equal(60, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied = 1"));
        Assert.Equal(60, runner.EventsApplied);
        Assert.True(runner.BatchesPrefetched >= 5, $"{runner.BatchesPrefetched} batches read ahead");
        Assert.Equal([10, 10, 10, 10, 10, 10], projection.BatchSizes.ToArray());
    }

    [Fact]
    public async Task a_batch_read_ahead_is_discarded_when_a_rebuild_is_requested_meanwhile()
    {
        await InitializeTableAsync();
        await AppendManyAsync(60);
        var requestAt = -1;
        var requested = 0;
        var projection = new ThingsProjection
        {
            BeforeApply = async (_, e) =>
            {
                // while the second batch of the rebuild is applied, with the third read ahead: an operator asks again
                if (e.Data is ThingHappened { Number: var n } && n == Volatile.Read(ref requestAt) && Interlocked.Exchange(ref requested, 1) == 0)
                {
                    await new ProjectionMonitor(DataSource, []).RequestRebuildAsync("things");
                }
            },
        };
        await using var runner = StartSmallBatches(projection, catchUpBatchSize: 10);
        await WaitUntilCaughtUpAsync("things");
        var clean = await ReadModelAsync();
        var discardedBefore = runner.PrefetchesDiscarded;

        Volatile.Write(ref requestAt, 15);
        await new ProjectionMonitor(DataSource, []).RequestRebuildAsync("things");
        await WaitUntilCaughtUpAsync("things");

        // the batch read ahead after event 19 was not applied after the second reset: 60 events, then 20 of the
        // first rebuild, then 60 of the second, every row applied once since the last reset, as a clean rebuild makes them
        Assert.Equal(1, requested);
        Assert.True(runner.PrefetchesDiscarded > discardedBefore, $"{runner.PrefetchesDiscarded} read-aheads discarded");
        Assert.Equal(60 + 20 + 60, runner.EventsApplied);
        Assert.Equal(60, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied = 1"));
        Assert.Equal(clean, await ReadModelAsync());
    }

    [Fact]
    public async Task a_batch_read_ahead_is_discarded_when_a_poison_event_in_a_full_batch_is_parked()
    {
        await InitializeTableAsync();
        await AppendManyAsync(14);
        await AppendAsync("poisoned", ExpectedVersion.NoStream, new ThingHappened("poison", 99));
        await AppendManyAsync(45, from: 14);
        var projection = new ThingsProjection
        {
            BeforeApply = (_, e) => e.Data is ThingHappened { Name: "poison" } ? throw new FormatException("cannot project the poison") : Task.CompletedTask,
        };
        await using var runner = StartSmallBatches(projection, catchUpBatchSize: 10);
        await WaitUntilCaughtUpAsync("things");

        // the second batch (events 11-20) stops at the poison, the fifteenth; the batch read ahead after its
        // twentieth event would skip the five events behind the poison, so it is discarded and they are projected
        Assert.True(runner.PrefetchesDiscarded >= 1, $"{runner.PrefetchesDiscarded} read-aheads discarded");
        Assert.Equal(59, await ScalarAsync("SELECT count(*) FROM t_things"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied <> 1 OR stream_id = 'poisoned'"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM es_dead_letters WHERE projection = 'things'"));
    }

    /// <summary>
    /// A host shut down from outside stops its hosted services from two places at once and the container then disposes
    /// the runner; a stop after the disposal threw ObjectDisposedException and failed the host's shutdown.
    /// </summary>
    [Fact]
    public async Task a_runner_stopped_twice_at_once_and_then_disposed_and_stopped_again_stops_once_without_error()
    {
        await InitializeTableAsync();
        await AppendManyAsync(3);
        var runner = new ProjectionRunner(Store, new ThingsProjection(), FastOptions());
        runner.Start();
        await WaitUntilCaughtUpAsync("things");

        var first = runner.StopAsync();
        var second = runner.StopAsync();
        await runner.DisposeAsync();
        await Task.WhenAll(first, second);
        await runner.StopAsync();

        Assert.Equal(ProjectionRunnerState.Stopped, runner.State);
        Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM t_things"));
    }

    [Fact]
    public async Task a_runner_stopped_before_it_started_still_starts_and_stops()
    {
        await InitializeTableAsync();
        await AppendManyAsync(2);
        await using var runner = new ProjectionRunner(Store, new ThingsProjection(), FastOptions());
        await runner.StopAsync();

        runner.Start();
        await WaitUntilCaughtUpAsync("things");
        await runner.StopAsync();

        Assert.Equal(ProjectionRunnerState.Stopped, runner.State);
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM t_things"));
    }

    [Fact]
    public async Task only_one_runner_per_projection_is_active_and_a_standby_takes_over()
    {
        await InitializeTableAsync();
        await AppendManyAsync(10);
        var first = new ProjectionRunner(Store, new ThingsProjection(), FastOptions());
        await using var second = new ProjectionRunner(Store, new ThingsProjection(), FastOptions());
        first.Start();
        await WaitUntilCaughtUpAsync("things");
        second.Start();
        await WaitForStateAsync(second, ProjectionRunnerState.Standby);
        Assert.Equal(ProjectionRunnerState.Active, first.State);

        await first.DisposeAsync();
        await WaitForStateAsync(second, ProjectionRunnerState.Active);
        await AppendManyAsync(10, from: 10);
        await WaitUntilCaughtUpAsync("things");

        Assert.Equal(20, await ScalarAsync("SELECT count(*) FROM t_things"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM t_things WHERE applied <> 1"));
        Assert.Equal(10, first.EventsApplied);
        Assert.Equal(10, second.EventsApplied);
    }

    [Fact]
    public async Task a_runner_that_keeps_failing_or_never_runs_is_reported_unhealthy()
    {
        await InitializeTableAsync();
        await AppendManyAsync(3);
        var options = FastOptions();
        options.StallAfter = TimeSpan.FromMilliseconds(300);
        var failing = new ThingsProjection("failing")
        {
            BeforeApply = async (context, _) =>
            {
                await using var kill = context.Command("SELECT pg_terminate_backend(pg_backend_pid())");
                await kill.ExecuteNonQueryAsync();
            },
        };
        await using var failingRunner = new ProjectionRunner(Store, failing, options);
        // the healthy runner's limit is generous: on a loaded machine a heartbeat may come late by more than 300 ms,
        // which would make this test judge the machine rather than the runner
        var patient = FastOptions();
        patient.StallAfter = TimeSpan.FromSeconds(30);
        await using var healthyRunner = new ProjectionRunner(Store, new ThingsProjection(), patient);
        var neverStarted = new ProjectionRunner(Store, new ThingsProjection("never"), options);
        failingRunner.Start();
        healthyRunner.Start();
        await WaitUntilCaughtUpAsync("things");
        var monitor = new ProjectionMonitor(DataSource, [failingRunner, healthyRunner, neverStarted]);

        IReadOnlyList<ProjectionStatus> status = [];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            status = await monitor.GetStatusAsync();
            if (!status[0].Healthy)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.False(status[0].Healthy);
        Assert.Equal("runner keeps failing", status[0].Problem);
        Assert.Equal(3, status[0].PendingEvents);
        Assert.True(status[1].Healthy, status[1].Problem);
        Assert.Equal(0, status[1].PendingEvents);
        Assert.False(status[2].Healthy);
        Assert.Equal("runner is dead", status[2].Problem);
    }

    /// <summary>A runner started with batches of 10 events and catch-up batches of <paramref name="catchUpBatchSize"/>.</summary>
    private ProjectionRunner StartSmallBatches(ThingsProjection projection, int catchUpBatchSize)
    {
        var options = FastOptions();
        options.BatchSize = 10;
        options.CatchUpBatchSize = catchUpBatchSize;
        var runner = new ProjectionRunner(Store, projection, options);
        runner.Start();
        return runner;
    }

    private static async Task WaitForStateAsync(ProjectionRunner runner, ProjectionRunnerState state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (runner.State != state && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(state, runner.State);
    }
}

public sealed class MigrationTests
{
    [Fact]
    public async Task migrations_run_twice_apply_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await Testing.TestDatabases.CreateAsync("migrate_twice"));

        var first = await SchemaMigrator.MigrateAsync(dataSource, Migration.EventStore);
        var second = await SchemaMigrator.MigrateAsync(dataSource, Migration.EventStore);

        Assert.Equal(Migration.EventStore.Select(m => m.Key), first);
        Assert.Equal("eventstore/0001_event_store", first[0]);
        Assert.Empty(second);
        Assert.True(await SchemaMigrator.IsUpToDateAsync(dataSource, Migration.EventStore));
    }

    [Fact]
    public async Task two_processes_migrating_at_once_both_succeed_and_apply_each_migration_once()
    {
        var connection = await Testing.TestDatabases.CreateAsync("migrate_race");
        await using var a = NpgsqlDataSource.Create(connection);
        await using var b = NpgsqlDataSource.Create(connection);

        var results = await Task.WhenAll(
            Task.Run(() => SchemaMigrator.MigrateAsync(a, Migration.EventStore)),
            Task.Run(() => SchemaMigrator.MigrateAsync(b, Migration.EventStore)));

        // one process applied them all, the other found nothing left to do
        Assert.Equal(Migration.EventStore.Count, results.Sum(r => r.Count));
        Assert.Contains(results, r => r.Count == 0);
        await using var cmd = a.CreateCommand("SELECT count(*) FROM es_schema_migrations");
        Assert.Equal((long)Migration.EventStore.Count, await cmd.ExecuteScalarAsync());
    }
}
