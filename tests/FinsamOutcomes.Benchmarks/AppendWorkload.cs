using FinsamOutcomes.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.Benchmarks;

/// <summary>What an append run does: one event per transaction, through the store or as a plain INSERT.</summary>
internal enum AppendKind
{
    StoreNewStream,
    StoreExistingStream,
    PlainInsert,

    /// <summary>Marten 9.59's quick append, a new stream per event (the measured peer, ADR 0004).</summary>
    MartenNewStream,

    /// <summary>Marten's quick append to a writer's existing streams with the expected version, as the store is asked.</summary>
    MartenExistingStream,
}

/// <summary>
/// Writes events with a number of concurrent writers. Every event is its own transaction: a store
/// append of one event, or one INSERT and a commit into <see cref="PlainTable"/>.
/// </summary>
internal sealed class AppendWorkload(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public const string PlainTable = "bench_plain_events";

    public const string CreatePlainTableSql =
        $"""
        CREATE TABLE {PlainTable} (
            id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id    uuid        NOT NULL,
            stream_id   text        NOT NULL,
            data        jsonb       NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Streams each writer cycles through in the existing-stream variant.</summary>
    private const int StreamsPerWriter = 8;

    private readonly EventTypeRegistry _registry = OutcomeRecorded.Registry();
    private long _sequence;
    private long _storeEvents;
    private long _plainEvents;

    public PostgresEventStore Store { get; } = new(dataSource, OutcomeRecorded.Registry());

    /// <summary>Marten on the same data source (so the same Npgsql settings), in a schema of its own.</summary>
    public MartenPeer Marten { get; } = new(dataSource);

    public ValueTask DisposeAsync() => Marten.DisposeAsync();

    /// <summary>Events written through the store so far, stream set-up included.</summary>
    public long StoreEvents => Interlocked.Read(ref _storeEvents);

    /// <summary>Rows written by plain inserts so far.</summary>
    public long PlainEvents => Interlocked.Read(ref _plainEvents);

    /// <summary>Prepares what the run needs (untimed), then returns the seconds the writes themselves took.</summary>
    public async Task<double> MeasureAsync(AppendKind kind, int writers, int events, CancellationToken ct)
    {
        var streams = kind switch
        {
            AppendKind.StoreExistingStream => await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => CreateStreamsAsync(ct))),
            AppendKind.MartenExistingStream => await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => CreateMartenStreamsAsync(ct))),
            _ => null,
        };

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w =>
        {
            var share = events / writers + (w < events % writers ? 1 : 0);
            return Task.Run(() => kind switch
            {
                AppendKind.StoreNewStream => AppendNewStreamsAsync(share, ct),
                AppendKind.StoreExistingStream => AppendExistingStreamsAsync(streams![w], share, ct),
                AppendKind.MartenNewStream => AppendMartenNewStreamsAsync(share, ct),
                AppendKind.MartenExistingStream => AppendMartenExistingStreamsAsync(streams![w], share, ct),
                _ => InsertPlainAsync(share, ct),
            }, ct);
        }));
        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private async Task AppendNewStreamsAsync(int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            await AppendNewStreamAsync(ct);
        }
    }

    private async Task<AppendResult> AppendNewStreamAsync(CancellationToken ct)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var result = await Store.AppendAsync(
            $"case-{sequence}", OutcomeRecorded.StreamType, OutcomeRecorded.ForbundId, ExpectedVersion.NoStream,
            [OutcomeRecorded.ToAppend(sequence)], ct);
        Interlocked.Increment(ref _storeEvents);
        return result;
    }

    private async Task<WriterStreams> CreateStreamsAsync(CancellationToken ct)
    {
        var streams = new WriterStreams(new string[StreamsPerWriter], new long[StreamsPerWriter]);
        for (var k = 0; k < StreamsPerWriter; k++)
        {
            var created = await AppendNewStreamAsync(ct);
            streams.Ids[k] = created.StreamId;
            streams.Versions[k] = created.NextExpectedVersion;
        }

        return streams;
    }

    private async Task AppendExistingStreamsAsync(WriterStreams streams, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var k = i % StreamsPerWriter;
            var sequence = Interlocked.Increment(ref _sequence);
            var result = await Store.AppendAsync(
                streams.Ids[k], OutcomeRecorded.StreamType, OutcomeRecorded.ForbundId, ExpectedVersion.Exactly(streams.Versions[k]),
                [OutcomeRecorded.ToAppend(sequence)], ct);
            streams.Versions[k] = result.NextExpectedVersion;
            Interlocked.Increment(ref _storeEvents);
        }
    }

    private async Task AppendMartenNewStreamsAsync(int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var sequence = Interlocked.Increment(ref _sequence);
            await Marten.StartStreamAsync($"case-{sequence}", OutcomeRecorded.Create(sequence), ct);
        }
    }

    private async Task<WriterStreams> CreateMartenStreamsAsync(CancellationToken ct)
    {
        var streams = new WriterStreams(new string[StreamsPerWriter], new long[StreamsPerWriter]);
        for (var k = 0; k < StreamsPerWriter; k++)
        {
            var sequence = Interlocked.Increment(ref _sequence);
            streams.Ids[k] = $"case-{sequence}";
            streams.Versions[k] = await Marten.StartStreamAsync(streams.Ids[k], OutcomeRecorded.Create(sequence), ct);
        }

        return streams;
    }

    private async Task AppendMartenExistingStreamsAsync(WriterStreams streams, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var k = i % StreamsPerWriter;
            var sequence = Interlocked.Increment(ref _sequence);
            streams.Versions[k] = await Marten.AppendAsync(streams.Ids[k], streams.Versions[k], OutcomeRecorded.Create(sequence), ct);
        }
    }

    private async Task InsertPlainAsync(int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i++)
        {
            var sequence = Interlocked.Increment(ref _sequence);
            var data = _registry.Serialize(OutcomeRecorded.Create(sequence));
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var cmd = new NpgsqlCommand($"INSERT INTO {PlainTable} (event_id, stream_id, data) VALUES ($1, $2, $3)", connection, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.NewGuid() });
                cmd.Parameters.Add(new NpgsqlParameter { Value = $"case-{sequence}" });
                cmd.Parameters.Add(new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Jsonb });
                await cmd.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            Interlocked.Increment(ref _plainEvents);
        }
    }

    /// <summary>One writer's own streams and the version each is at; only that writer touches them.</summary>
    private sealed record WriterStreams(string[] Ids, long[] Versions);
}
