using System.Text.Json.Serialization;

namespace FinsamOutcomes.EventStore;

/// <summary>Who did something and why: stored beside every event, never holds personal data.</summary>
public sealed record EventMetadata(
    string Actor,
    Guid CorrelationId,
    Guid? CausationId = null,
    string? IdempotencyKey = null);

/// <summary>An event about to be appended. The id makes a retried append idempotent.</summary>
public sealed record EventToAppend(Guid EventId, object Data, EventMetadata Metadata);

/// <summary>What the writer believed the stream's version to be.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long? value) => Value = value;

    /// <summary>The version the stream must be at; null means any version (no check).</summary>
    public long? Value { get; }

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>No concurrency check.</summary>
    public static ExpectedVersion Any { get; } = new(null);

    public static ExpectedVersion Exactly(long version) =>
        version < 0 ? throw new ArgumentOutOfRangeException(nameof(version)) : new(version);

    public override string ToString() => Value is null ? "any" : Value == 0 ? "no stream" : Value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An event as read back from the log.</summary>
public sealed record RecordedEvent(
    long Position,
    ulong TxId,
    Guid EventId,
    string StreamId,
    long Version,
    string EventType,
    object Data,
    EventMetadata Metadata,
    string ForbundId,
    DateTimeOffset RecordedAt)
{
    public FeedCursor Cursor => new(TxId, Position);
}

/// <summary>The outcome of an append: the stream's new version and the last log position written.</summary>
public sealed record AppendResult(
    string StreamId,
    long FromVersion,
    long NextExpectedVersion,
    long LastPosition,
    bool AlreadyAppended);

/// <summary>A point in the ordered feed: (writing transaction id, position).</summary>
public readonly record struct FeedCursor(ulong TxId, long Position) : IComparable<FeedCursor>
{
    public static FeedCursor Start { get; } = new(0, 0);

    public int CompareTo(FeedCursor other) =>
        TxId != other.TxId ? TxId.CompareTo(other.TxId) : Position.CompareTo(other.Position);

    public static bool operator <(FeedCursor a, FeedCursor b) => a.CompareTo(b) < 0;
    public static bool operator >(FeedCursor a, FeedCursor b) => a.CompareTo(b) > 0;
    public static bool operator <=(FeedCursor a, FeedCursor b) => a.CompareTo(b) <= 0;
    public static bool operator >=(FeedCursor a, FeedCursor b) => a.CompareTo(b) >= 0;
}

/// <summary>Another writer appended to the stream first. Carries what the writer knew, not database text.</summary>
public sealed class ConcurrencyConflictException(string streamId, ExpectedVersion expected, long actualVersion)
    : Exception($"Stream '{streamId}' was expected at version {expected} but is at version {actualVersion}.")
{
    public string StreamId { get; } = streamId;
    public ExpectedVersion Expected { get; } = expected;
    public long ActualVersion { get; } = actualVersion;
}

/// <summary>Some, but not all, of the event ids of an append were already in the log: not a clean retry.</summary>
public sealed class IdempotencyMismatchException(string streamId)
    : Exception($"An append to stream '{streamId}' reused event ids of an earlier, different append.")
{
    public string StreamId { get; } = streamId;
}

public sealed class UnknownEventTypeException(string eventType)
    : Exception($"No event type is registered under the name '{eventType}'.")
{
    public string EventType { get; } = eventType;
}

[JsonConverter(typeof(JsonStringEnumConverter<ProjectionRunnerState>))]
public enum ProjectionRunnerState
{
    Starting,
    Active,
    Standby,
    Retrying,
    Stopped,
    Dead,
}
