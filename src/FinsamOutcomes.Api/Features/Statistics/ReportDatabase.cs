using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// Where statistics reports are read: the primary, or — with <c>ConnectionStrings:FinsamReports</c> set — a
/// read-only PostgreSQL streaming replica of it. Writes, scope checks, frozen reports and the projections always
/// use the primary; only the report queries move. A replica replays the primary's log and projection tables, so a
/// report there is exactly the report the primary would give at the replica's position, which the report's basis
/// names. A report asked as of a position or time, or to wait for a position, first waits (bounded) until the
/// replica has replayed that position and the statistics projection's checkpoint with it; it never answers from a
/// replica that is behind what was asked.
/// </summary>
public sealed class ReportDatabase
{
    public const string ConnectionStringName = "FinsamReports";

    private readonly NpgsqlDataSource _primary;
    private readonly ProjectionMonitor? _replica;

    public ReportDatabase(NpgsqlDataSource primary, NpgsqlDataSource? replica)
    {
        _primary = primary;
        DataSource = replica ?? primary;
        _replica = replica is null ? null : new ProjectionMonitor(replica, []);
    }

    /// <summary>The data source report queries run on.</summary>
    public NpgsqlDataSource DataSource { get; }

    public bool IsReplica => _replica is not null;

    /// <summary>
    /// On a replica: waits until it has reached the highest of the positions asked for (the primary's last position
    /// recorded at or before <paramref name="asOfTime"/> for a time); 503 <c>replica_behind</c> after
    /// <paramref name="maxWait"/>. On the primary: nothing to wait for here.
    /// </summary>
    public async Task WaitForReplicaAsync(long? asOfPosition, DateTimeOffset? asOfTime, long? waitForPosition, TimeSpan maxWait, CancellationToken ct)
    {
        if (_replica is null)
        {
            return;
        }

        var target = Math.Max(asOfPosition ?? 0, waitForPosition ?? 0);
        if (asOfTime is { } moment)
        {
            await using var cmd = _primary.CreateCommand("SELECT coalesce(max(position), 0) FROM es_events WHERE recorded_at <= $1");
            cmd.Parameters.Add(new NpgsqlParameter { Value = moment.ToUniversalTime() });
            target = Math.Max(target, (long)(await cmd.ExecuteScalarAsync(ct))!);
        }

        if (target > 0 && !await _replica.WaitForAsync(target, maxWait, [StatisticsProjection.ProjectionName], ct))
        {
            throw new ReplicaBehindException(target);
        }
    }

    /// <summary>
    /// For /health/ready: how far the report replica's statistics are behind the primary's (null without a replica),
    /// given the primary's statistics checkpoint (readiness has just read it with the other projections). Behind is
    /// counted in events of the log between the replica's statistics checkpoint and the primary's, and in the age of the
    /// oldest of them; a replica that cannot be reached is reported as such.
    /// </summary>
    public async Task<ReplicaStatus?> GetReplicaStatusAsync(long primary, ProjectionLagLimits limits, CancellationToken ct)
    {
        if (_replica is null)
        {
            return null;
        }

        long replica;
        bool paused;
        try
        {
            await using var cmd = DataSource.CreateCommand("""
                SELECT (SELECT coalesce(max(position), 0) FROM es_projection_checkpoints WHERE projection = $1),
                       pg_is_in_recovery() AND pg_is_wal_replay_paused()
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = StatisticsProjection.ProjectionName });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (replica, paused) = (reader.GetInt64(0), reader.GetBoolean(1));
        }
        catch (Exception ex) when (ex is NpgsqlException || Database.IsUnavailable(ex))
        {
            return new ReplicaStatus(false, null, primary, null, null, false, "the report replica cannot be reached");
        }

        var behind = Math.Max(0, primary - replica);
        double? oldest = null;
        if (behind > 0)
        {
            await using var age = _primary.CreateCommand(
                "SELECT extract(epoch FROM now() - recorded_at)::float8 FROM es_events WHERE position > $1 ORDER BY position LIMIT 1");
            age.Parameters.Add(new NpgsqlParameter { Value = replica });
            oldest = await age.ExecuteScalarAsync(ct) is double seconds ? Math.Max(0, seconds) : null;
        }

        var problem = behind > limits.MaxProjectionLagEvents
            ? $"the report replica's statistics are {behind} events behind the primary's (limit {limits.MaxProjectionLagEvents})"
            : oldest > limits.MaxProjectionLagSeconds
                ? $"the report replica's statistics are {Math.Round(oldest.Value, 1)} s behind the primary's (limit {limits.MaxProjectionLagSeconds} s)"
                : null;
        return new ReplicaStatus(true, replica, primary, behind, oldest, paused, problem);
    }

    /// <summary>The report database from configuration, with the primary's data-source settings.</summary>
    public static ReportDatabase Create(IServiceProvider services)
    {
        var primary = services.GetRequiredService<NpgsqlDataSource>();
        var replica = services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(replica))
        {
            return new ReportDatabase(primary, null);
        }

        return new ReportDatabase(primary, Database.CreateDataSource(replica, "finsam-outcomes-reports"));
    }
}

/// <summary>
/// The report replica as /health/ready shows it: reachable, the statistics checkpoint on it and on the primary, how
/// many events and seconds it is behind, whether its replay is paused, and the problem when a lag limit is exceeded.
/// </summary>
public sealed record ReplicaStatus(
    bool Reachable, long? CheckpointPosition, long PrimaryCheckpointPosition, long? BehindEvents, double? OldestBehindSeconds, bool ReplayPaused, string? Problem)
{
    public bool Healthy => Reachable && Problem is null;
}

/// <summary>The report replica has not replayed the log position a report needs within the wait allowed (503).</summary>
public sealed class ReplicaBehindException(long position) : Exception($"The report replica has not yet reached log position {position}.")
{
    public long Position { get; } = position;
}
