using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// /health/live: the process answers. /health/ready: the database answers, every migration is
/// applied, and no projection is dead or stalled; the body says which check failed and the lag.
/// </summary>
public static class Health
{
    public static void MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").AllowAnonymous().WithTags("Health");
        group.MapGet("/live", Live);
        group.MapGet("/ready", ReadyAsync);
    }

    public static IResult Live() => Results.Ok(new { status = "live" });

    public static async Task<IResult> ReadyAsync(NpgsqlDataSource dataSource, ProjectionMonitor monitor, CancellationToken ct)
    {
        try
        {
            var migrated = await SchemaMigrator.IsUpToDateAsync(dataSource, Database.Migrations, ct);
            var log = await monitor.GetLogStatusAsync(ct);
            var projections = await monitor.GetStatusAsync(ct);
            var ready = migrated && projections.All(p => p.Healthy);
            var body = new
            {
                status = ready ? "ready" : "not_ready",
                database = "reachable",
                migrations = migrated ? "applied" : "pending",
                log = new { headPosition = log.HeadPosition, oldestWritingTransactionSeconds = Math.Round(log.OldestWritingTransactionSeconds, 1) },
                projections = projections.Select(p => new
                {
                    name = p.Name,
                    state = p.State,
                    healthy = p.Healthy,
                    problem = p.Problem,
                    checkpointPosition = p.CheckpointPosition,
                    pendingEvents = p.PendingEvents,
                    parkedEvents = p.ParkedEvents,
                    heartbeatAt = p.HeartbeatAt,
                }),
            };
            return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }
        catch (NpgsqlException)
        {
            return Results.Json(new { status = "not_ready", database = "unreachable" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
