using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// /health/live: the process answers. /health/ready: the database answers (and a local server is not
/// being restarted), every migration is applied, and no projection is dead, stalled, or behind by more
/// than Health:MaxProjectionLagEvents events or Health:MaxProjectionLagSeconds seconds; the body says
/// which check failed, which projection and which limit, and the lag. With a report replica
/// (ConnectionStrings:FinsamReports), the replica must be reachable and its statistics within the same limits.
/// </summary>
public static class Health
{
    public const string SettingsSection = "Health";

    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").AllowAnonymous().WithTags("Health");
        group.MapGet("/live", Live);
        group.MapGet("/ready", ReadyAsync);
    }

    public static IResult Live() => Results.Ok(new { status = "live" });

    public static async Task<IResult> ReadyAsync(NpgsqlDataSource dataSource, ProjectionMonitor monitor, IServiceProvider services, CancellationToken ct)
    {
        var watchdog = services.GetService<LocalPostgresWatchdog>();
        if (watchdog is { IsRecovering: true })
        {
            return Unavailable("recovering", "The local PostgreSQL server stopped and is being started again; crash recovery replays its log.", watchdog);
        }

        try
        {
            var migrated = await SchemaMigrator.IsUpToDateAsync(dataSource, Database.Migrations, ct);
            var log = await monitor.GetLogStatusAsync(ct);
            var projections = await monitor.GetStatusAsync(ct);
            var limits = monitor.LagLimits;
            var statistics = projections.FirstOrDefault(p => p.Name == StatisticsProjection.ProjectionName)?.CheckpointPosition ?? 0;
            var replica = await services.GetRequiredService<ReportDatabase>().GetReplicaStatusAsync(statistics, limits, ct);
            var ready = migrated && projections.All(p => p.Healthy) && replica is not { Healthy: false };
            var problems = projections.Where(p => !p.Healthy).Select(p => p.ExceededLimits is { Count: > 0 } exceeded
                ? $"projection {p.Name}: {p.Problem} (limits: {string.Join(", ", exceeded.Select(l => $"{SettingsSection}:{l}"))})"
                : $"projection {p.Name}: {p.Problem}").ToList();
            if (!migrated)
            {
                problems.Insert(0, "migrations pending");
            }

            if (replica is { Healthy: false, Problem: { } replicaProblem })
            {
                problems.Add($"report replica: {replicaProblem} (limits: {SettingsSection}:{ProjectionLagLimits.EventsName}, {SettingsSection}:{ProjectionLagLimits.SecondsName})");
            }

            var body = new
            {
                status = ready ? "ready" : "not_ready",
                database = "reachable",
                migrations = migrated ? "applied" : "pending",
                problems,
                limits = new Dictionary<string, object?>
                {
                    [$"{SettingsSection}:{ProjectionLagLimits.EventsName}"] = limits.MaxProjectionLagEvents,
                    [$"{SettingsSection}:{ProjectionLagLimits.SecondsName}"] = limits.MaxProjectionLagSeconds,
                },
                localServer = watchdog is null ? null : new { restarts = watchdog.Server.Restarts, lastCrashAt = watchdog.LastCrashAt },
                log = new { headPosition = log.HeadPosition, oldestWritingTransactionSeconds = Math.Round(log.OldestWritingTransactionSeconds, 1) },
                projections = projections.Select(p => new
                {
                    name = p.Name,
                    state = p.State,
                    healthy = p.Healthy,
                    problem = p.Problem,
                    exceededLimits = (p.ExceededLimits ?? []).Select(l => $"{SettingsSection}:{l}"),
                    checkpointPosition = p.CheckpointPosition,
                    pendingEvents = p.PendingEvents,
                    oldestPendingSeconds = p.OldestPendingSeconds is { } age ? Math.Round(age, 1) : (double?)null,
                    parkedEvents = p.ParkedEvents,
                    heartbeatAt = p.HeartbeatAt,
                }),
                reportReplica = replica is null ? null : new
                {
                    reachable = replica.Reachable,
                    healthy = replica.Healthy,
                    problem = replica.Problem,
                    statisticsCheckpointPosition = replica.CheckpointPosition,
                    primaryStatisticsCheckpointPosition = replica.PrimaryCheckpointPosition,
                    behindEvents = replica.BehindEvents,
                    oldestBehindSeconds = replica.OldestBehindSeconds is { } behind ? Math.Round(behind, 1) : (double?)null,
                    replayPaused = replica.ReplayPaused,
                },
            };
            return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (ex is NpgsqlException || Database.IsUnavailable(ex))
        {
            return watchdog is { IsRecovering: true }
                ? Unavailable("recovering", "The local PostgreSQL server stopped and is being started again; crash recovery replays its log.", watchdog)
                : Unavailable("unreachable", "The database cannot be reached.", watchdog);
        }
    }

    private static IResult Unavailable(string database, string problem, LocalPostgresWatchdog? watchdog) =>
        Results.Json(
            new
            {
                status = "not_ready",
                database,
                problems = new[] { problem },
                localServer = watchdog is null ? null : new { restarts = watchdog.Server.Restarts, lastCrashAt = watchdog.LastCrashAt },
            },
            statusCode: StatusCodes.Status503ServiceUnavailable);
}
