using System.Globalization;
using Npgsql;

namespace FinsamOutcomes.EventStore.Projections;

/// <summary>What a health check or an operator needs to know about one projection.</summary>
public sealed record ProjectionStatus(
    string Name,
    ProjectionRunnerState State,
    long CheckpointPosition,
    long HeadPosition,
    long PendingEvents,
    long ParkedEvents,
    DateTimeOffset? HeartbeatAt,
    string? LastError,
    bool Healthy,
    string? Problem,
    double? OldestPendingSeconds = null,
    IReadOnlyList<string>? ExceededLimits = null);

/// <summary>
/// How far behind a projection may be and still count as healthy (bound from the configuration section
/// <c>Health</c>). Null turns a limit off. The age is that of the next event the projection has yet to apply.
/// </summary>
public sealed class ProjectionLagLimits
{
    public const string EventsName = nameof(MaxProjectionLagEvents);
    public const string SecondsName = nameof(MaxProjectionLagSeconds);

    public long? MaxProjectionLagEvents { get; set; } = 1000;

    public double? MaxProjectionLagSeconds { get; set; } = 60;

    /// <summary>No lag limits: only dead, failing and stalled runners are unhealthy.</summary>
    public static ProjectionLagLimits None => new() { MaxProjectionLagEvents = null, MaxProjectionLagSeconds = null };
}

/// <summary>The log as a whole: head, and the age of the oldest transaction that has written and not ended.</summary>
public sealed record LogStatus(long HeadPosition, double OldestWritingTransactionSeconds);

/// <summary>Lag, stalls, rebuild requests and "wait until projected" for the projections of a store.</summary>
public sealed class ProjectionMonitor(NpgsqlDataSource dataSource, IEnumerable<ProjectionRunner> runners, TimeProvider? time = null, ProjectionLagLimits? lagLimits = null)
{
    private readonly ProjectionRunner[] _runners = runners.ToArray();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ProjectionLagLimits _limits = lagLimits ?? ProjectionLagLimits.None;

    public ProjectionLagLimits LagLimits => _limits;

    public IReadOnlyList<ProjectionRunner> Runners => _runners;

    public async Task<LogStatus> GetLogStatusAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT (SELECT coalesce(max(position), 0) FROM es_events),
                   (SELECT coalesce(extract(epoch FROM max(clock_timestamp() - xact_start)), 0)::float8
                      FROM pg_stat_activity WHERE backend_xid IS NOT NULL)
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new LogStatus(reader.GetInt64(0), reader.GetDouble(1));
    }

    public async Task<IReadOnlyList<ProjectionStatus>> GetStatusAsync(CancellationToken ct = default)
    {
        var result = new List<ProjectionStatus>();
        foreach (var runner in _runners)
        {
            await using var cmd = dataSource.CreateCommand(
                """
                SELECT c.position, c.heartbeat_at,
                       (SELECT coalesce(max(position), 0) FROM es_events),
                       (SELECT count(*) FROM (SELECT 1 FROM es_events e WHERE (e.tx_id, e.position) > (c.tx_id, c.position) LIMIT 1000000) p),
                       (SELECT count(*) FROM es_dead_letters d WHERE d.projection = c.projection),
                       (SELECT extract(epoch FROM clock_timestamp() - e.recorded_at)::float8 FROM es_events e
                         WHERE (e.tx_id, e.position) > (c.tx_id, c.position) ORDER BY e.tx_id, e.position LIMIT 1)
                FROM es_projection_checkpoints c WHERE c.projection = $1
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = runner.Name });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            long checkpoint = 0, head = 0, pending = 0, parked = 0;
            DateTimeOffset? heartbeat = null;
            double? oldestPending = null;
            if (await reader.ReadAsync(ct))
            {
                checkpoint = reader.GetInt64(0);
                heartbeat = reader.GetFieldValue<DateTimeOffset>(1);
                head = reader.GetInt64(2);
                pending = reader.GetInt64(3);
                parked = reader.GetInt64(4);
                oldestPending = reader.IsDBNull(5) ? null : Math.Max(0, reader.GetDouble(5));
            }

            var (healthy, problem) = Judge(runner, heartbeat, pending);
            var exceeded = new List<string>();
            if (_limits.MaxProjectionLagEvents is { } maxEvents && pending > maxEvents)
            {
                exceeded.Add(ProjectionLagLimits.EventsName);
            }

            if (_limits.MaxProjectionLagSeconds is { } maxSeconds && oldestPending > maxSeconds)
            {
                exceeded.Add(ProjectionLagLimits.SecondsName);
            }

            if (healthy && exceeded.Count > 0)
            {
                healthy = false;
                problem = string.Join("; ", exceeded.Select(limit => limit == ProjectionLagLimits.EventsName
                    ? string.Create(CultureInfo.InvariantCulture, $"behind: {pending} events waiting, over {limit} = {_limits.MaxProjectionLagEvents}")
                    : string.Create(CultureInfo.InvariantCulture, $"behind: the next event to apply is {oldestPending:0.0} s old, over {limit} = {_limits.MaxProjectionLagSeconds}")));
            }

            result.Add(new ProjectionStatus(runner.Name, runner.State, checkpoint, head, pending, parked, heartbeat, runner.LastError, healthy, problem,
                oldestPending, exceeded));
        }

        return result;
    }

    private (bool Healthy, string? Problem) Judge(ProjectionRunner runner, DateTimeOffset? heartbeat, long pending)
    {
        var now = _time.GetUtcNow();
        var stallAfter = runner.Options.StallAfter;
        if (!runner.IsAlive || runner.State == ProjectionRunnerState.Dead)
        {
            return (false, "runner is dead");
        }

        // failing is the diagnosis even when no batch ever succeeded (so no heartbeat was ever written)
        if (runner.FailingSince is { } failingSince && now - failingSince > stallAfter)
        {
            return (false, "runner keeps failing");
        }

        if (heartbeat is null)
        {
            return runner.State == ProjectionRunnerState.Starting && now - runner.LastLoopAt < stallAfter
                ? (true, null)
                : (false, "runner has never started");
        }

        // The active runner, here or in another process, beats the heartbeat while it works or idles.
        if (now - heartbeat.Value > stallAfter + runner.Options.HeartbeatInterval)
        {
            return (false, pending > 0 ? "stalled: events waiting and no heartbeat" : "no active runner");
        }

        return (true, null);
    }

    /// <summary>Asks the active runner (in any process) to reset the read model and replay the log.</summary>
    public async Task RequestRebuildAsync(string projection, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            $"""
            WITH requested AS (UPDATE es_projection_checkpoints SET rebuild_requested = true WHERE projection = $1 RETURNING 1)
            SELECT pg_notify('{PostgresEventStore.NotifyChannel}', '') FROM requested
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = projection });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>True when every named projection has applied (or parked) the event at the given position.</summary>
    public async Task<bool> HasReachedAsync(long position, IEnumerable<string>? projections = null, CancellationToken ct = default)
    {
        if (position <= 0)
        {
            return true;
        }

        var names = (projections ?? _runners.Select(r => r.Name)).ToArray();
        await using var cmd = dataSource.CreateCommand(
            """
            SELECT count(*) FROM es_projection_checkpoints c
            JOIN es_events e ON e.position = $1
            WHERE c.projection = ANY($2) AND NOT c.rebuild_requested AND (e.tx_id, e.position) <= (c.tx_id, c.position)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = position });
        cmd.Parameters.Add(new NpgsqlParameter { Value = names });
        var reached = (long)(await cmd.ExecuteScalarAsync(ct))!;
        return reached == names.Length;
    }

    /// <summary>Waits, bounded, until the projections have reached a position; false on time-out.</summary>
    public async Task<bool> WaitForAsync(long position, TimeSpan timeout, IEnumerable<string>? projections = null, CancellationToken ct = default)
    {
        var names = projections?.ToArray();
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            if (await HasReachedAsync(position, names, ct))
            {
                return true;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), _time, ct);
        }
    }
}
