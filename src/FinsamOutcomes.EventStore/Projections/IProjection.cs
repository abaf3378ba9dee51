using Npgsql;

namespace FinsamOutcomes.EventStore.Projections;

/// <summary>The connection and transaction a projection writes its read model in; the checkpoint is saved in the same transaction.</summary>
public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction Transaction)
{
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);
}

/// <summary>
/// An asynchronous projection kept by a <see cref="ProjectionRunner"/>. <see cref="ApplyAsync"/> receives
/// a batch in feed order; when a batch fails the runner calls it again one event at a time to find
/// and park the poison event, so it must be correct for any split of the feed into batches.
/// </summary>
public interface IProjection
{
    /// <summary>A stable name: the checkpoint and the lock are keyed by it.</summary>
    string Name { get; }

    Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken);

    /// <summary>Empties the read model, for a rebuild from the start of the log.</summary>
    Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The runner has reached the head of the log: its first batch that was not full (or an empty read) after it
    /// connected or reset. Once per connection and reset, in a transaction of its own after that batch committed; a
    /// failure is retried after the runner reconnects. For work a rebuild put off until the end (building indexes
    /// the projection itself never reads). Must be idempotent: a crash can come before or after it.
    /// </summary>
    Task CaughtUpAsync(ProjectionContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class ProjectionRunnerOptions
{
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// Events per batch while the runner is far behind (a rebuild, or a restart after an outage): after a reset
    /// or a batch that was full, the next one reads up to this many, so a projection that works per batch (set-based SQL)
    /// pays its round trips per thousands of events. Back to <see cref="BatchSize"/> as soon as a batch is not
    /// full, so live catch-up stays as it was. Still one transaction per batch, with the checkpoint. At most
    /// <see cref="BatchSize"/> turns it off.
    /// </summary>
    public int CatchUpBatchSize { get; set; } = 5_000;

    /// <summary>How long to wait for a NOTIFY before polling anyway: polling is the real mechanism.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts at one failing event before it is parked in es_dead_letters.</summary>
    public int MaxAttempts { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Wait after a failure that broke the connection or the loop.</summary>
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a standby runner tries to take over the projection's lock.</summary>
    public TimeSpan StandbyRetry { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>No heartbeat or progress for this long, with work waiting, counts as stalled.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(30);
}
