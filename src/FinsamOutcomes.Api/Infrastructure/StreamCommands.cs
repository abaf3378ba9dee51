using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>Who writes: the actor recorded beside the events, the key their ids derive from (null: random ids), the correlation id, and If-Match.</summary>
public sealed record EventWriter(string Actor, string? IdempotencyKey, Guid CorrelationId, long? ExpectedVersion = null);

/// <summary>What a write did: the stream's version (the ETag) and the last log position written.</summary>
public sealed record WriteOutcome(string StreamId, long Version, long LogPosition, int EventsAppended);

/// <summary>
/// Load a stream, fold it, decide, append at the version the decision was made on. If-Match pins the
/// version the client saw (412 when it moved); without it a conflicting concurrent write is retried
/// on fresh state a few times before the conflict (409) reaches the client.
/// </summary>
public sealed class StreamCommands(PostgresEventStore store)
{
    public const string LogPositionHeader = "X-Log-Position";
    private const int Attempts = 3;

    public PostgresEventStore Store => store;

    public Task<(TState State, long Version, long LastPosition)> LoadAsync<TState>(
        string streamId, TState initial, Func<TState, object, TState> evolve, CancellationToken ct) =>
        store.FoldStreamAsync(streamId, initial, evolve, ct);

    public async Task<WriteOutcome> ExecuteAsync<TState>(
        HttpContext http,
        string streamType,
        string streamId,
        string forbundId,
        TState initial,
        Func<TState, object, TState> evolve,
        Func<TState, IReadOnlyList<object>> decide,
        bool requireIfMatch = false,
        CancellationToken ct = default,
        AppendTransactionWork? inTransaction = null)
    {
        var ifMatch = ParseIfMatch(http.Request);
        if (requireIfMatch && ifMatch is null)
        {
            throw new BadRequestHeaderException(428, "This change needs an If-Match header with the version (ETag) you last read.");
        }

        var writer = new EventWriter(Caller.From(http.User).Actor, http.Items[IdempotencyMiddleware.ItemKey] as string, CorrelationId(http), ifMatch);
        return Done(http, await ExecuteAsync(writer, streamType, streamId, forbundId, initial, evolve, decide, ct, inTransaction));
    }

    /// <summary>
    /// The same load–decide–append as a request's, for a writer that is not an HTTP request (the history import, also
    /// run from the command line): the actor, the key event ids derive from, the correlation id and an expected version.
    /// </summary>
    public async Task<WriteOutcome> ExecuteAsync<TState>(
        EventWriter writer,
        string streamType,
        string streamId,
        string forbundId,
        TState initial,
        Func<TState, object, TState> evolve,
        Func<TState, IReadOnlyList<object>> decide,
        CancellationToken ct = default,
        AppendTransactionWork? inTransaction = null)
    {
        var ifMatch = writer.ExpectedVersion;
        for (var attempt = 1; ; attempt++)
        {
            var (state, version, lastPosition) = await LoadAsync(streamId, initial, evolve, ct);
            if (ifMatch is { } expected && expected != version)
            {
                throw new PreconditionFailedException(streamId, expected, version);
            }

            var events = decide(state);
            if (events.Count == 0)
            {
                return new WriteOutcome(streamId, version, lastPosition, 0);
            }

            var metadata = new EventMetadata(writer.Actor, writer.CorrelationId, null, writer.IdempotencyKey);
            var toAppend = events.Select((e, i) => new EventToAppend(EventId(writer.IdempotencyKey, writer.Actor, streamId, i), e, metadata)).ToArray();
            try
            {
                var result = await store.AppendAsync(
                    streamId, streamType, forbundId, version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version), toAppend, inTransaction, ct);
                return new WriteOutcome(streamId, result.NextExpectedVersion, result.LastPosition, result.AlreadyAppended ? 0 : events.Count);
            }
            catch (ConcurrencyConflictException conflict) when (ifMatch is not null)
            {
                throw new PreconditionFailedException(streamId, ifMatch.Value, conflict.ActualVersion);
            }
            catch (ConcurrencyConflictException) when (attempt < Attempts)
            {
                // someone else wrote first: decide again on what they wrote
            }
        }
    }

    public static void SetVersionHeaders(HttpContext http, long version, long? logPosition = null)
    {
        http.Response.Headers.ETag = $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";
        if (logPosition is { } position)
        {
            http.Response.Headers[LogPositionHeader] = position.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static WriteOutcome Done(HttpContext http, WriteOutcome outcome)
    {
        SetVersionHeaders(http, outcome.Version, outcome.LogPosition);
        return outcome;
    }

    private static long? ParseIfMatch(HttpRequest request)
    {
        var raw = request.Headers.IfMatch.ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        var trimmed = raw.Trim();
        if (trimmed.StartsWith("W/", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        return long.TryParse(trimmed.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version is >= 0 and <= 1_000_000 // no stream gets that far: a longer number is not our ETag
            ? version
            : throw new BadRequestHeaderException(400, "If-Match must be an ETag returned by this API, like \"3\".");
    }

    private static Guid CorrelationId(HttpContext http) =>
        Guid.TryParse(http.Request.Headers["X-Correlation-Id"].ToString(), out var given) ? given : Guid.NewGuid();

    /// <summary>The same caller, key and stream give the same event ids, so a retried request appends nothing.</summary>
    public static Guid EventId(string? idempotencyKey, string actor, string streamId, int index)
    {
        if (idempotencyKey is null)
        {
            return Guid.NewGuid();
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{actor}\n{idempotencyKey}\n{streamId}\n{index.ToString(CultureInfo.InvariantCulture)}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: custom, name-based
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
