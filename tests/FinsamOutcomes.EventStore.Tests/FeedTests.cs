using Npgsql;

namespace FinsamOutcomes.EventStore.Tests;

/// <summary>Holds an append's transaction open (after its insert) until the test releases it.</summary>
internal sealed class Gate : IInlineProjection
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<bool> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        if (events[0].StreamId != "held")
        {
            return;
        }

        Entered.SetResult();
        if (!await Release.Task)
        {
            throw new InvalidOperationException("the held writer gives up");
        }
    }
}

/// <summary>Sleeps a random few milliseconds inside every append transaction, so commits interleave.</summary>
internal sealed class RandomCommitDelay : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken) =>
        await Task.Delay(Random.Shared.Next(0, 6), cancellationToken);
}

/// <summary>
/// The feed waits for every older writing transaction in the whole cluster, other test databases
/// included; tests that assert what is visible at an instant run with nothing else in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FeedVisibility
{
    public const string Name = "feed visibility";
}

[Collection(FeedVisibility.Name)]
public sealed class HeldTransactionFeedTests : StoreTestBase
{
    private readonly Gate _gate = new();

    protected override IEnumerable<IInlineProjection> InlineProjections => [_gate];

    [Fact]
    public async Task the_feed_does_not_pass_an_open_writing_transaction_and_delivers_it_after_commit()
    {
        await AppendAsync("before", ExpectedVersion.NoStream, new ThingHappened("before", 1));
        var held = AppendAsync("held", ExpectedVersion.NoStream, new ThingHappened("held", 2));
        await _gate.Entered.Task;
        await AppendAsync("after", ExpectedVersion.NoStream, new ThingHappened("after", 3));

        var whileHeld = await ReadWholeFeedAsync();
        Assert.Equal(["before"], whileHeld.Select(e => e.StreamId));

        _gate.Release.SetResult(true);
        await held;

        var afterCommit = await ReadWholeFeedAsync();
        Assert.Equal(["before", "held", "after"], afterCommit.Select(e => e.StreamId));

        // A consumer that had stopped at "before" continues with exactly the two it had not seen.
        var next = await Store.ReadFeedAsync(whileHeld[^1].Cursor, 100);
        Assert.Equal(["held", "after"], next.Select(e => e.StreamId));
    }

    [Fact]
    public async Task after_a_rollback_the_feed_moves_on()
    {
        await AppendAsync("before", ExpectedVersion.NoStream, new ThingHappened("before", 1));
        var held = AppendAsync("held", ExpectedVersion.NoStream, new ThingHappened("held", 2));
        await _gate.Entered.Task;
        await AppendAsync("after", ExpectedVersion.NoStream, new ThingHappened("after", 3));
        Assert.Equal(["before"], (await ReadWholeFeedAsync()).Select(e => e.StreamId));

        _gate.Release.SetResult(false);
        await Assert.ThrowsAsync<InvalidOperationException>(() => held);

        var feed = await ReadWholeFeedAsync();
        Assert.Equal(["before", "after"], feed.Select(e => e.StreamId));
        // the rolled-back insert left a hole in the positions that nobody waits for
        Assert.True(feed[1].Position - feed[0].Position > 1);
    }
}

[Collection(FeedVisibility.Name)]
public sealed class InterleavedWritersFeedTests : StoreTestBase
{
    /// <summary>What holds the feed back, for the failure message: every transaction in the cluster that has written.</summary>
    private async Task<string> WritingTransactionsAsync()
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT coalesce(string_agg(datname || ' ' || state || ' ' || left(query, 60), ' | '), 'none') FROM pg_stat_activity WHERE backend_xid IS NOT NULL");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    protected override IEnumerable<IInlineProjection> InlineProjections => [new RandomCommitDelay()];

    [Fact]
    public async Task consumers_racing_many_writers_see_every_committed_event_once_and_in_the_same_order()
    {
        const int writers = 8, appendsEach = 25;
        var writing = Enumerable.Range(0, writers).Select(async w =>
        {
            for (var i = 0; i < appendsEach; i++)
            {
                await AppendAsync($"w{w}-{i}", ExpectedVersion.NoStream, new ThingHappened($"w{w}", i), new ThingHappened($"w{w}", i));
            }
        }).ToArray();
        var allWritten = Task.WhenAll(writing);

        const int expected = writers * appendsEach * 2;
        var deadline = DateTime.UtcNow.AddMinutes(2);

        // Consume while the writers write, until every event has come (the deadline only guards
        // against a hang); an empty page yields briefly so the consumers do not starve the writers.
        async Task<List<RecordedEvent>> ConsumeAsync(int batch)
        {
            var seen = new List<RecordedEvent>();
            var cursor = FeedCursor.Start;
            while (seen.Count < expected && DateTime.UtcNow < deadline)
            {
                var page = await Store.ReadFeedAsync(cursor, batch);
                seen.AddRange(page);
                if (page.Count > 0)
                {
                    cursor = page[^1].Cursor;
                }
                else
                {
                    await Task.Delay(5);
                }
            }

            // one more read: nothing may come after the last event
            seen.AddRange(await Store.ReadFeedAsync(cursor, batch));
            return seen;
        }

        var consumers = await Task.WhenAll(ConsumeAsync(3), ConsumeAsync(17));
        await allWritten;

        var committed = await ScalarAsync("SELECT count(*) FROM es_events");
        Assert.Equal(expected, committed);
        var holders = await WritingTransactionsAsync();
        foreach (var seen in consumers)
        {
            Assert.True(committed == seen.Count, $"a consumer saw {seen.Count} of {committed}; writing transactions in the cluster: {holders}");
            Assert.Equal(committed, seen.Select(e => e.EventId).Distinct().Count());
            // cursors only move forward
            Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First.Cursor < p.Second.Cursor));
        }

        Assert.Equal(consumers[0].Select(e => e.EventId), consumers[1].Select(e => e.EventId));
    }
}
