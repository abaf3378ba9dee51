using System.Data;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.EventStore;

/// <summary>Read models that must be current when an append returns; run inside the append transaction.</summary>
public interface IInlineProjection
{
    Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken);
}

/// <summary>
/// Work that must commit or roll back with an append (an identity registered in the vault for the person the
/// events are about, say): runs inside the append transaction after the events are inserted, before the inline
/// projections. It does not run when the append turns out to be a retry of one already in the log.
/// </summary>
public delegate Task AppendTransactionWork(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken);

/// <summary>
/// The PostgreSQL event store: append with expected version, idempotent by event id, read a stream,
/// and read the ordered feed of all events.
/// </summary>
public sealed class PostgresEventStore(
    NpgsqlDataSource dataSource,
    EventTypeRegistry registry,
    IEnumerable<IInlineProjection>? inlineProjections = null)
{
    public const string NotifyChannel = "es_events";

    private readonly IInlineProjection[] _inline = inlineProjections?.ToArray() ?? [];

    public NpgsqlDataSource DataSource => dataSource;

    public EventTypeRegistry Registry => registry;

    public Task<AppendResult> AppendAsync(
        string streamId,
        string streamType,
        string forbundId,
        ExpectedVersion expected,
        IReadOnlyList<EventToAppend> events,
        CancellationToken cancellationToken = default) =>
        AppendAsync(streamId, streamType, forbundId, expected, events, null, cancellationToken);

    /// <summary>Appends, and runs <paramref name="inTransaction"/> in the same transaction (see <see cref="AppendTransactionWork"/>).</summary>
    public async Task<AppendResult> AppendAsync(
        string streamId,
        string streamType,
        string forbundId,
        ExpectedVersion expected,
        IReadOnlyList<EventToAppend> events,
        AppendTransactionWork? inTransaction,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamId);
        ArgumentException.ThrowIfNullOrWhiteSpace(streamType);
        ArgumentException.ThrowIfNullOrWhiteSpace(forbundId);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        var ids = events.Select(e => e.EventId).ToArray();
        if (ids.Distinct().Count() != ids.Length)
        {
            throw new ArgumentException("Event ids within one append must be distinct.", nameof(events));
        }

        var types = events.Select(e => registry.NameOf(e.Data.GetType())).ToArray();
        var data = events.Select(e => registry.Serialize(e.Data)).ToArray();
        var metadata = events.Select(e => JsonSerializer.Serialize(e.Metadata, registry.JsonOptions)).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // Without inline projections the claim-and-insert statement is atomic on its own: one round trip.
            await using var tx = _inline.Length > 0 || inTransaction is not null
                ? await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken)
                : null;
            var recorded = await ClaimAndInsertAsync(connection, tx, streamId, streamType, forbundId, expected, ids, types, data, metadata, events, cancellationToken);
            if (recorded.Count == 0)
            {
                // Lost the race, or this is a retry of an append that already happened: that is success.
                var earlier = await FindAppendedAsync(connection, tx, streamId, ids, data, cancellationToken);
                if (earlier is not null)
                {
                    return earlier;
                }

                var actual = await CurrentVersionAsync(connection, tx, streamId, cancellationToken);
                throw new ConcurrencyConflictException(streamId, expected, actual);
            }

            if (inTransaction is not null)
            {
                await inTransaction(connection, tx!, cancellationToken);
            }

            foreach (var projection in _inline)
            {
                await projection.ApplyAsync(connection, tx!, recorded, cancellationToken);
            }

            if (tx is not null)
            {
                await tx.CommitAsync(cancellationToken);
            }

            await NotifyAsync(connection, cancellationToken);
            var fromVersion = recorded[0].Version - 1;
            return new AppendResult(streamId, fromVersion, recorded[^1].Version, recorded[^1].Position, AlreadyAppended: false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName is "es_events_event_id_key" or "es_events_stream_version_key")
        {
            // The last guards: a retry of an append that is already in the log (expected version "any"),
            // or a writer that bypassed the stream row.
            if (ex.ConstraintName == "es_events_event_id_key")
            {
                var again = await FindAppendedAsync(connection, null, streamId, ids, data, cancellationToken);
                if (again is not null)
                {
                    return again;
                }

                throw new IdempotencyMismatchException(streamId);
            }

            var actual = await CurrentVersionAsync(connection, null, streamId, cancellationToken);
            throw new ConcurrencyConflictException(streamId, expected, actual);
        }
    }

    private long _lastNotify;

    /// <summary>
    /// Wakes listening projection runners, after the commit and at most every 20 ms per process: NOTIFY
    /// serialises committing transactions on one lock, and runners poll anyway.
    /// </summary>
    private async Task NotifyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastNotify);
        if (now - last < 20 || Interlocked.CompareExchange(ref _lastNotify, now, last) != last)
        {
            return;
        }

        await using var notify = new NpgsqlCommand($"SELECT pg_notify('{NotifyChannel}', '')", connection);
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads one stream in version order, optionally after a version.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            $"SELECT {Columns} FROM es_events WHERE stream_id = $1 AND version > $2 ORDER BY version");
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = afterVersion });
        return await ReadAllAsync(cmd, cancellationToken);
    }

    /// <summary>Reads a stream and folds it into a state; also the stream's version and the log position of its last event (0, 0 when empty).</summary>
    public async Task<(TState State, long Version, long LastPosition)> FoldStreamAsync<TState>(
        string streamId, TState initial, Func<TState, object, TState> evolve, CancellationToken cancellationToken = default)
    {
        var state = initial;
        long version = 0, position = 0;
        foreach (var e in await ReadStreamAsync(streamId, 0, cancellationToken))
        {
            state = evolve(state, e.Data);
            version = e.Version;
            position = e.Position;
        }

        return (state, version, position);
    }

    /// <summary>
    /// Reads the global feed after a cursor, in (transaction id, position) order, only from
    /// transactions older than every transaction still running: no event can later appear behind
    /// the cursor, and no rolled-back hole is waited for.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadFeedAsync(FeedCursor after, int maxCount, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadFeedAsync(connection, null, after, maxCount, cancellationToken);
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadFeedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, FeedCursor after, int maxCount, CancellationToken cancellationToken = default)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT {Columns} FROM es_events
            WHERE (tx_id, position) > ($1::text::xid8, $2)
              AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY es_events.tx_id, es_events.position
            LIMIT $3
            """, connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = after.TxId.ToString(CultureInfo.InvariantCulture) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = after.Position });
        cmd.Parameters.Add(new NpgsqlParameter { Value = maxCount });
        return await ReadAllAsync(cmd, cancellationToken);
    }

    /// <summary>The highest position of any committed event (0 when the log is empty).</summary>
    public async Task<long> HeadPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT coalesce(max(position), 0) FROM es_events");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    private const string Columns =
        "position, tx_id, event_id, stream_id, version, event_type, data::text, metadata::text, forbund_id, recorded_at";

    private async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var result = new List<RecordedEvent>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadEvent(reader));
        }

        return result;
    }

    /// <summary>Maps a row selected with the store's column list; data is upcast to the current type.</summary>
    public RecordedEvent ReadEvent(NpgsqlDataReader reader)
    {
        var storedType = reader.GetString(5);
        var (name, data) = WithUtf8(reader, 6, storedType, static (registry, type, json) => registry.Deserialize(type, json));
        var metadata = WithUtf8(reader, 7, storedType, static (registry, _, json) => JsonSerializer.Deserialize<EventMetadata>(json, registry.JsonOptions)!);
        return new RecordedEvent(
            reader.GetInt64(0),
            reader.GetFieldValue<ulong>(1),
            reader.GetGuid(2),
            reader.GetString(3),
            reader.GetInt64(4),
            name,
            data,
            metadata,
            reader.GetString(8),
            reader.GetFieldValue<DateTimeOffset>(9));
    }

    private delegate T Utf8Reader<out T>(EventTypeRegistry registry, string storedType, ReadOnlySpan<byte> json);

    /// <summary>
    /// Reads a text column as the UTF-8 bytes it came in (the connection's client encoding is always UTF-8 with Npgsql)
    /// into a pooled buffer and hands them to <paramref name="read"/>: the feed's JSON is deserialised from UTF-8, as the
    /// serializer works, without a string of it first (the largest client cost of a rebuild's feed read, ADR 0008).
    /// </summary>
    private T WithUtf8<T>(NpgsqlDataReader reader, int ordinal, string storedType, Utf8Reader<T> read)
    {
        using var stream = reader.GetStream(ordinal);
        var length = checked((int)stream.Length);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            stream.ReadExactly(buffer, 0, length);
            return read(registry, storedType, buffer.AsSpan(0, length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The earlier append these event ids belong to, or null. The same ids with other data (a different request
    /// under a reused key) is not a retry: <see cref="IdempotencyMismatchException"/>.
    /// </summary>
    private static async Task<AppendResult?> FindAppendedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string streamId, Guid[] ids, string[] data, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            """
            SELECT e.stream_id, min(e.version), max(e.version), max(e.position), count(*), bool_and(e.data = u.data)
            FROM es_events e JOIN unnest($1::uuid[], $2::jsonb[]) AS u(id, data) ON e.event_id = u.id
            GROUP BY e.stream_id
            """,
            connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var foundStream = reader.GetString(0);
        var minVersion = reader.GetInt64(1);
        var maxVersion = reader.GetInt64(2);
        var maxPosition = reader.GetInt64(3);
        var count = reader.GetInt64(4);
        var sameData = reader.GetBoolean(5);
        var moreStreams = await reader.ReadAsync(cancellationToken);
        if (moreStreams || foundStream != streamId || count != ids.Length || !sameData)
        {
            throw new IdempotencyMismatchException(streamId);
        }

        return new AppendResult(streamId, minVersion - 1, maxVersion, maxPosition, AlreadyAppended: true);
    }

    /// <summary>
    /// Moves the stream's version forward under its row lock and inserts the events at the versions it
    /// claimed, in one statement. No rows come back when the expectation fails (another writer was first).
    /// </summary>
    private static async Task<IReadOnlyList<RecordedEvent>> ClaimAndInsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string streamId, string streamType, string forbundId, ExpectedVersion expected,
        Guid[] ids, string[] types, string[] data, string[] metadata, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken)
    {
        var claim = expected.Value switch
        {
            0 => """
                INSERT INTO es_streams (stream_id, stream_type, forbund_id, version) VALUES ($1, $2, $3, $4)
                ON CONFLICT (stream_id) DO NOTHING
                RETURNING 0::bigint AS from_version
                """,
            null => """
                INSERT INTO es_streams AS s (stream_id, stream_type, forbund_id, version) VALUES ($1, $2, $3, $4)
                ON CONFLICT (stream_id) DO UPDATE SET version = s.version + $4, forbund_id = $3, updated_at = now()
                RETURNING s.version - $4 AS from_version
                """,
            _ => """
                UPDATE es_streams SET version = version + $4, forbund_id = $3, updated_at = now()
                WHERE stream_id = $1 AND version = $9
                RETURNING version - $4 AS from_version
                """,
        };
        await using var cmd = new NpgsqlCommand(
            $"""
            WITH claim AS ({claim})
            INSERT INTO es_events (event_id, stream_id, version, event_type, data, metadata, forbund_id)
            SELECT u.id, $1, claim.from_version + u.ord, u.type, u.data, u.metadata, $3
            FROM claim, unnest($5::uuid[], $6::text[], $7::jsonb[], $8::jsonb[]) WITH ORDINALITY AS u(id, type, data, metadata, ord)
            ORDER BY u.ord
            RETURNING position, tx_id::text AS tx_text, version, recorded_at
            """, connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = forbundId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)ids.Length });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter { Value = types });
        cmd.Parameters.Add(new NpgsqlParameter { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        if (expected.Value is > 0)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = expected.Value.Value });
        }

        var rows = new List<(long Position, ulong TxId, long Version, DateTimeOffset RecordedAt)>(ids.Length);
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), ulong.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var fromVersion = rows.Min(r => r.Version) - 1;
        return rows
            .OrderBy(r => r.Version)
            .Select(r =>
            {
                var index = (int)(r.Version - fromVersion - 1);
                var e = events[index];
                return new RecordedEvent(r.Position, r.TxId, e.EventId, streamId, r.Version, types[index], e.Data, e.Metadata, forbundId, r.RecordedAt);
            })
            .ToArray();
    }

    private static async Task<long> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string streamId, CancellationToken cancellationToken)
    {
        if (tx is null && connection.State != ConnectionState.Open)
        {
            return -1;
        }

        await using var cmd = new NpgsqlCommand("SELECT version FROM es_streams WHERE stream_id = $1", connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        return await cmd.ExecuteScalarAsync(cancellationToken) is long v ? v : 0;
    }
}
