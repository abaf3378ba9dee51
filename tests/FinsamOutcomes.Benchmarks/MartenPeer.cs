using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// Marten 9.59 as the measured peer of our store (ADR 0004): its event store with string stream keys and the quick
/// append mode (the fastest it offers), in its own schema of the benchmark database and on the same NpgsqlDataSource,
/// so both see the same connection settings. One event per session and SaveChanges, as the store appends one per call.
/// </summary>
internal sealed class MartenPeer(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public const string Schema = "marten_bench";

    private readonly DocumentStore _store = DocumentStore.For(options => Configure(options, dataSource));

    /// <summary>The event store settings every Marten peer of the harness uses (the append and the daemon scenarios).</summary>
    public static void Configure(StoreOptions options, NpgsqlDataSource dataSource)
    {
        options.Connection(dataSource);
        options.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.All;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.AppendMode = EventAppendMode.Quick;
        options.Events.AddEventType<OutcomeRecorded>();
    }

    private long _events;

    public long Events => Interlocked.Read(ref _events);

    /// <summary>Creates Marten's tables and functions before anything is timed.</summary>
    public Task PrepareAsync(CancellationToken ct) => _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    /// <summary>A new stream with one event; returns the stream's version.</summary>
    public async Task<long> StartStreamAsync(string key, OutcomeRecorded data, CancellationToken ct)
    {
        await using var session = _store.LightweightSession();
        session.Events.StartStream(key, data);
        await session.SaveChangesAsync(ct);
        Interlocked.Increment(ref _events);
        return 1;
    }

    /// <summary>One event on an existing stream at the expected version; returns the new version.</summary>
    public async Task<long> AppendAsync(string key, long expectedVersion, OutcomeRecorded data, CancellationToken ct)
    {
        await using var session = _store.LightweightSession();
        session.Events.Append(key, expectedVersion + 1, data);
        await session.SaveChangesAsync(ct);
        Interlocked.Increment(ref _events);
        return expectedVersion + 1;
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
