namespace FinsamOutcomes.EventStore.Tests;

[Collection(FeedVisibility.Name)]
public sealed class AppendTests : StoreTestBase
{
    [Fact]
    public async Task appended_events_are_read_back_in_version_order_with_metadata()
    {
        var result = await AppendAsync("thing-1", ExpectedVersion.NoStream, new ThingHappened("a", 1), new ThingRenamed("b"));

        Assert.Equal(0, result.FromVersion);
        Assert.Equal(2, result.NextExpectedVersion);
        Assert.False(result.AlreadyAppended);

        var events = await Store.ReadStreamAsync("thing-1");
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.Equal(new ThingHappened("a", 1), events[0].Data);
        Assert.Equal("test.thing_happened.v2", events[0].EventType);
        Assert.Equal("test", events[0].Metadata.Actor);
        Assert.Equal("forbund-1", events[1].ForbundId);
        Assert.Equal(result.LastPosition, events[1].Position);

        var tail = await Store.ReadStreamAsync("thing-1", afterVersion: 1);
        Assert.Equal(new ThingRenamed("b"), Assert.Single(tail).Data);
    }

    [Fact]
    public async Task a_stream_folds_into_its_state_and_version()
    {
        var appended = await AppendAsync("fold-1", ExpectedVersion.NoStream, new ThingHappened("a", 1), new ThingHappened("b", 2), new ThingRenamed("c"));

        var (state, version, lastPosition) = await Store.FoldStreamAsync("fold-1", 0, (sum, e) => e is ThingHappened t ? sum + t.Number : sum);

        Assert.Equal(3, state);
        Assert.Equal(3, version);
        Assert.Equal(appended.LastPosition, lastPosition);
    }

    [Fact]
    public async Task stored_type_names_are_the_registered_names_never_clr_names()
    {
        await AppendAsync("names-1", ExpectedVersion.NoStream, new ThingHappened("a", 1));

        var stored = await ScalarAsync("SELECT count(*) FROM es_events WHERE event_type = 'test.thing_happened.v2'");
        var clr = await ScalarAsync("SELECT count(*) FROM es_events WHERE event_type LIKE '%ThingHappened%'");
        Assert.Equal(1, stored);
        Assert.Equal(0, clr);
    }

    [Fact]
    public async Task an_old_event_version_is_upcast_on_read()
    {
        await AppendAsync("old-1", ExpectedVersion.NoStream, new ThingHappened("x", 5));
        // what an older release of the code wrote
        await ExecuteAsync(
            """
            INSERT INTO es_events (event_id, stream_id, version, event_type, data, metadata, forbund_id)
            VALUES (gen_random_uuid(), 'old-1', 2, 'test.thing_happened.v1', '{"title":"legacy"}', '{"actor":"old"}', 'forbund-1')
            """);

        var events = await Store.ReadStreamAsync("old-1");

        Assert.Equal(new ThingHappened("legacy", 0), events[1].Data);
        Assert.Equal("test.thing_happened.v2", events[1].EventType);
    }

    [Fact]
    public async Task appending_at_a_stale_version_is_a_typed_conflict_that_leaves_no_trace()
    {
        await AppendAsync("conflict-1", ExpectedVersion.NoStream, new ThingHappened("a", 1));
        await AppendAsync("conflict-1", ExpectedVersion.Exactly(1), new ThingHappened("b", 2));

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => AppendAsync("conflict-1", ExpectedVersion.Exactly(1), new ThingHappened("c", 3)));

        Assert.Equal("conflict-1", conflict.StreamId);
        Assert.Equal(1, conflict.Expected.Value);
        Assert.Equal(2, conflict.ActualVersion);
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM es_events WHERE stream_id = 'conflict-1'"));

        var again = await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => AppendAsync("conflict-1", ExpectedVersion.NoStream, new ThingHappened("d", 4)));
        Assert.Equal(2, again.ActualVersion);
    }

    [Fact]
    public async Task sixteen_concurrent_appenders_at_the_same_version_one_wins_and_the_feed_has_no_hole()
    {
        await AppendAsync("race-1", ExpectedVersion.NoStream, new ThingHappened("start", 0));
        var start = new TaskCompletionSource();

        var attempts = Enumerable.Range(1, 16).Select(async i =>
        {
            await start.Task;
            try
            {
                await AppendAsync("race-1", ExpectedVersion.Exactly(1), new ThingHappened($"writer-{i}", i), new ThingHappened($"writer-{i}-b", i));
                return (Won: true, Conflict: (ConcurrencyConflictException?)null);
            }
            catch (ConcurrencyConflictException ex)
            {
                return (Won: false, Conflict: ex);
            }
        }).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, o => o.Won);
        Assert.Equal(15, outcomes.Count(o => o.Conflict is { StreamId: "race-1", ActualVersion: 3 }));

        var events = await Store.ReadStreamAsync("race-1");
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        var winner = ((ThingHappened)events[1].Data).Number;
        Assert.Equal(winner, ((ThingHappened)events[2].Data).Number);

        var feed = await ReadWholeFeedAsync();
        Assert.Equal(events.Select(e => e.EventId), feed.Select(e => e.EventId));
        Assert.Equal(3, await ScalarAsync("SELECT count(*) FROM es_events"));
        Assert.Equal(3, await ScalarAsync("SELECT version FROM es_streams WHERE stream_id = 'race-1'"));
    }

    [Fact]
    public async Task a_retried_append_with_the_same_event_ids_adds_nothing_and_succeeds()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var batch = new[] { Event(new ThingHappened("a", 1), ids[0]), Event(new ThingHappened("b", 2), ids[1]) };

        var first = await Store.AppendAsync("retry-1", "thing", "forbund-1", ExpectedVersion.NoStream, batch);
        var retry = await Store.AppendAsync("retry-1", "thing", "forbund-1", ExpectedVersion.NoStream, batch);

        Assert.False(first.AlreadyAppended);
        Assert.True(retry.AlreadyAppended);
        Assert.Equal(first.NextExpectedVersion, retry.NextExpectedVersion);
        Assert.Equal(first.LastPosition, retry.LastPosition);
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM es_events"));
    }

    [Fact]
    public async Task concurrent_retries_of_one_append_all_succeed_and_write_once()
    {
        await AppendAsync("retry-2", ExpectedVersion.NoStream, new ThingHappened("a", 1));
        var batch = new[] { Event(new ThingHappened("b", 2)) };
        var start = new TaskCompletionSource();

        var retries = Enumerable.Range(0, 8).Select(async _ =>
        {
            await start.Task;
            return await Store.AppendAsync("retry-2", "thing", "forbund-1", ExpectedVersion.Exactly(1), batch);
        }).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(retries);

        Assert.Single(results, r => !r.AlreadyAppended);
        Assert.All(results, r => Assert.Equal(2, r.NextExpectedVersion));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM es_events"));
    }

    [Fact]
    public async Task an_append_that_reuses_only_some_event_ids_is_refused()
    {
        var id = Guid.NewGuid();
        await Store.AppendAsync("mix-1", "thing", "forbund-1", ExpectedVersion.NoStream, [Event(new ThingHappened("a", 1), id)]);

        await Assert.ThrowsAsync<IdempotencyMismatchException>(() => Store.AppendAsync(
            "mix-1", "thing", "forbund-1", ExpectedVersion.Exactly(1), [Event(new ThingHappened("a", 1), id), Event(new ThingHappened("b", 2))]));

        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM es_events"));
    }

    [Fact]
    public async Task the_same_event_ids_with_other_data_are_not_a_retry_and_are_refused()
    {
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await Store.AppendAsync("other-data-1", "thing", "forbund-1", ExpectedVersion.NoStream,
            [Event(new ThingHappened("a", 1), ids[0]), Event(new ThingHappened("b", 2), ids[1])]);

        await Assert.ThrowsAsync<IdempotencyMismatchException>(() => Store.AppendAsync("other-data-1", "thing", "forbund-1", ExpectedVersion.NoStream,
            [Event(new ThingHappened("a", 1), ids[0]), Event(new ThingHappened("b", 3), ids[1])]));
        await Assert.ThrowsAsync<IdempotencyMismatchException>(() => Store.AppendAsync("other-data-1", "thing", "forbund-1", ExpectedVersion.Any,
            [Event(new ThingHappened("a", 1), ids[0]), Event(new ThingHappened("b", 3), ids[1])]));

        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM es_events"));
    }

    [Fact]
    public async Task work_given_to_an_append_commits_with_it_and_rolls_back_with_it()
    {
        await ScalarAsync("CREATE TABLE IF NOT EXISTS side_effects (stream_id text PRIMARY KEY)");
        AppendTransactionWork Record(string streamId) => async (connection, transaction, ct) =>
        {
            await using var cmd = new Npgsql.NpgsqlCommand("INSERT INTO side_effects VALUES ($1)", connection, transaction);
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = streamId });
            await cmd.ExecuteNonQueryAsync(ct);
        };

        await Store.AppendAsync("work-1", "thing", "forbund-1", ExpectedVersion.NoStream, [Event(new ThingHappened("a", 1))], Record("work-1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync("work-2", "thing", "forbund-1", ExpectedVersion.NoStream,
            [Event(new ThingHappened("a", 1))], async (connection, transaction, ct) =>
            {
                await Record("work-2")(connection, transaction, ct);
                throw new InvalidOperationException("the work refuses");
            }));
        // a conflict: the work does not run
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.AppendAsync("work-1", "thing", "forbund-1", ExpectedVersion.NoStream,
            [Event(new ThingHappened("b", 2))], Record("work-1-again")));

        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM side_effects"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM side_effects WHERE stream_id = 'work-1'"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM es_events"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM es_streams WHERE stream_id = 'work-2'"));
    }

    [Fact]
    public async Task an_unregistered_event_type_cannot_be_appended()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => AppendAsync("bad-1", ExpectedVersion.NoStream, new { Anonymous = true }));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM es_streams"));
    }
}
